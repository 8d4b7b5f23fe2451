// A stand-in for a SageMaker notebook instance, for running the lifecycle scripts for real:
// a SageMaker volume, a conda root and a home directory in a temporary folder, and stub
// `sudo`, `git`, `conda`, `node` and `npm` programs that record their arguments and create
// the files the real ones would. Real bash, flock, sed and sha256sum do the rest.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const SCRIPTS = join(__dirname, '..', '..', 'kernel-setup', 'sagemaker');

export const OS_RELEASE = {
  al2: 'NAME="Amazon Linux"\nVERSION="2"\nID="amzn"\nID_LIKE="centos rhel fedora"\nVERSION_ID="2"\nPRETTY_NAME="Amazon Linux 2"\n',
  al2023: 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPRETTY_NAME="Amazon Linux 2023.6.20241212"\n',
  debian: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
} as const;

/** One recorded call of a stub program. */
export interface Call {
  program: string;
  /** The user `sudo -u` switched to on the way to this call ('' when there was no switch). */
  as: string;
  cwd: string;
  args: string[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

// Each stub logs one line: program, user, cwd, then its arguments, separated by \x1f.
const LOG_FN = `stub_log() {
  local name=$1; shift
  local line="$name"$'\\x1f'"\${STUB_AS_USER:-}"$'\\x1f'"$PWD" a
  for a in "$@"; do line+=$'\\x1f'"\${a//$'\\n'/\\\\n}"; done
  printf '%s\\n' "$line" >>"$STUB_LOG"
}`;

const STUBS: Record<string, string> = {
  // Like sudo -u USER -H -- CMD: a clean environment (sudo's env_reset), HOME of the user,
  // and SUDO_UID set to the caller's uid, as sudo sets it.
  sudo: `user=""
while [ $# -gt 0 ]; do
  case "$1" in -u) user=$2; shift 2 ;; -H) shift ;; --) shift; break ;; *) break ;; esac
done
keep=()
for v in $(compgen -e); do case "$v" in STUB_*) keep+=("$v=\${!v}") ;; esac; done
exec env -i PATH=/usr/bin:/bin HOME="$STUB_HOME" SUDO_UID="$(id -u)" STUB_AS_USER="$user" "\${keep[@]}" "$@"`,
  git: `if [ "$1" = clone ]; then
  [ -z "\${STUB_GIT_FAIL:-}" ] || { echo "fatal: unable to access the repository" >&2; exit 128; }
  dest="\${@: -1}"
  mkdir -p "$dest/.git" "$dest/bin"
  echo '{"lockfileVersion": 3}' >"$dest/package-lock.json"
  echo "\${STUB_GIT_HEAD:-1111111111111111111111111111111111111111}" >"$dest/.git/HEAD_SHA"
  echo "require('../dist/cli.js')" >"$dest/bin/irbook.js"
  exit 0
fi
if [ "$1" = -C ] && [ "$3" = rev-parse ]; then cat "$2/.git/HEAD_SHA"; exit 0; fi
echo "git stub: unexpected $*" >&2; exit 2`,
  // conda create --prefix P ... nodejs=N: a fake Node N (node and npm stubs) in P/bin.
  conda: `prefix=""; major=""
while [ $# -gt 0 ]; do
  case "$1" in --prefix) prefix=$2; shift 2 ;; nodejs=*) major=\${1#nodejs=}; shift ;; *) shift ;; esac
done
env >"$STUB_DIR/conda.env"
sleep "\${STUB_CONDA_SLEEP:-0}"
mkdir -p "$prefix/bin" "$prefix/conda-meta"
{ echo '#!/bin/bash'; echo "MAJOR=$major"; cat "$STUB_DIR/node.body"; } >"$prefix/bin/node"
{ echo '#!/bin/bash'; cat "$STUB_DIR/npm.body"; } >"$prefix/bin/npm"
chmod +x "$prefix/bin/node" "$prefix/bin/npm"`,
  dnf: 'exit 0',
  yum: 'exit 0',
  'amazon-linux-extras': 'exit 0',
};

const NODE_BODY = `if [ "$1" = --version ]; then
  if [ -n "\${STUB_NODE_BROKEN:-}" ]; then
    echo "$0: /lib64/libc.so.6: version \\\`GLIBC_2.28' not found (required by $0)" >&2; exit 1
  fi
  echo "v$MAJOR.11.0"; exit 0
fi
stub_log node "$0" "$@"
if [ -n "\${STUB_REAL_IRBOOK:-}" ]; then exec "$STUB_REAL_NODE" "$STUB_REAL_IRBOOK" "\${@:2}"; fi`;

const NPM_BODY = `stub_log npm "$@"
env >"$STUB_DIR/npm.env"
sleep "\${STUB_NPM_SLEEP:-0}"
mkdir -p node_modules/tslab/bin dist
touch node_modules/tslab/bin/tslab dist/cli.js`;

export class Sandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'irbook-lc-'));
  readonly sagemaker = join(this.root, 'SageMaker');
  readonly conda = join(this.root, 'anaconda3');
  readonly home = join(this.root, 'home-ec2-user');
  readonly bin = join(this.root, 'stub-bin');
  readonly log = join(this.root, 'stub.log');
  readonly osRelease = join(this.root, 'os-release');

  constructor(os: keyof typeof OS_RELEASE = 'al2') {
    for (const dir of [this.sagemaker, this.home, this.bin, join(this.conda, 'bin')]) mkdirSync(dir, { recursive: true });
    writeFileSync(this.log, '');
    writeFileSync(this.osRelease, OS_RELEASE[os]);
    const stub = (path: string, body: string) => {
      writeFileSync(path, `#!/bin/bash\n${LOG_FN}\nstub_log ${JSON.stringify(path.split('/').pop())} "$@"\n${body}\n`);
      chmodSync(path, 0o755);
    };
    for (const [name, body] of Object.entries(STUBS)) stub(join(name === 'conda' ? join(this.conda, 'bin') : this.bin, name), body);
    writeFileSync(join(this.bin, 'node.body'), `${LOG_FN}\n${NODE_BODY}\n`);
    writeFileSync(join(this.bin, 'npm.body'), `${LOG_FN}\n${NPM_BODY}\n`);
  }

  /** The environment a lifecycle script sees, with the sandbox paths and the stubs first on PATH. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: `${this.bin}:/usr/sbin:/usr/bin:/sbin:/bin`,
      SAGEMAKER_HOME: this.sagemaker,
      CONDA_ROOT: this.conda,
      OS_RELEASE_FILE: this.osRelease,
      STUB_LOG: this.log,
      STUB_DIR: this.bin,
      STUB_HOME: this.home,
      ...extra,
    };
  }

  /** Runs kernel-setup/sagemaker/<script> with bash, as SageMaker would (as root; here as whoever runs the tests). */
  run(script: string, extra: Record<string, string> = {}): Promise<RunResult> {
    const started = Date.now();
    return new Promise((resolve) => {
      execFile('bash', [join(SCRIPTS, script)], { env: this.env(extra), cwd: this.root, timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      });
    });
  }

  calls(program?: string): Call[] {
    return readFileSync(this.log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name, as, cwd, ...args] = line.split('\x1f');
        return { program: name, as, cwd, args };
      })
      .filter((c) => program === undefined || c.program === program);
  }

  /** Calls of `conda create`, `git clone`, `npm ci` and `irbook kernel install`. */
  count() {
    return {
      condaCreate: this.calls('conda').filter((c) => c.args[0] === 'create').length,
      gitClone: this.calls('git').filter((c) => c.args[0] === 'clone').length,
      npmCi: this.calls('npm').filter((c) => c.args[0] === 'ci').length,
      kernelInstall: this.kernelInstalls().length,
    };
  }

  /** `node <project>/bin/irbook.js kernel install …` calls; args[0] is the node program that ran. */
  kernelInstalls(): Call[] {
    return this.calls('node').filter((c) => c.args[2] === 'kernel' && c.args[3] === 'install');
  }

  /** The environment the last `conda` or `npm` stub ran with, as NAME → value. */
  envOf(program: 'conda' | 'npm'): Record<string, string> {
    const text = readFileSync(join(this.bin, `${program}.env`), 'utf8');
    return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  }

  setupLog(): string {
    try {
      return readFileSync(join(this.sagemaker, 'irbook-setup.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Waits until the setup log has `count` lines matching `pattern` (background runs). */
  async waitForLog(pattern: RegExp, count = 1, timeoutMs = 30_000): Promise<string> {
    const global = new RegExp(pattern.source, 'g');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.setupLog();
      if ((text.match(global) ?? []).length >= count) return text;
      if (/FAILED/.test(text)) throw new Error(`setup failed:\n${text}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} x${count} in:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Every file and folder under the sandbox, relative to it. */
  tree(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        out.push(relative(this.root, path));
        if (entry.isDirectory()) walk(path);
      }
    };
    walk(this.root);
    return out.sort();
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
