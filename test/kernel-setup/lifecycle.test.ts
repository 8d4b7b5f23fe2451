// The SageMaker lifecycle scripts, run for real by bash in a sandboxed notebook instance
// (see lifecycle-sandbox.ts): what they install, where, as which user, how often, and how
// fast the lifecycle hook returns.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSiteSettings } from '../../lib/engines/athena/settings';
import { OS_RELEASE, Sandbox, SCRIPTS } from './lifecycle-sandbox';

const SCRIPT_FILES = ['lifecycle.sh', 'on-create.sh', 'on-start.sh'];
const ROOT = join(__dirname, '..', '..');

const sandboxes: Sandbox[] = [];
const sandbox = (os: keyof typeof OS_RELEASE = 'al2') => {
  const s = new Sandbox(os);
  sandboxes.push(s);
  return s;
};
afterEach(() => {
  for (const s of sandboxes.splice(0)) s.remove();
});

const FOREGROUND = { IRBOOK_LC_FOREGROUND: '1' };

describe('lifecycle scripts: the files', () => {
  it.each(SCRIPT_FILES)('%s is valid bash (bash -n) and stops on errors (set -euo pipefail)', (file) => {
    const check = spawnSync('bash', ['-n', join(SCRIPTS, file)], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const text = readFileSync(join(SCRIPTS, file), 'utf8');
    expect(text.startsWith('#!/bin/bash\n')).toBe(true);
    expect(text).toMatch(/^set -euo pipefail$/m);
  });

  it('on-create.sh and on-start.sh are lifecycle.sh with the hook fixed (sync.js --check)', () => {
    const source = readFileSync(join(SCRIPTS, 'lifecycle.sh'), 'utf8').split('\n');
    for (const [file, hook] of [['on-create.sh', 'create'], ['on-start.sh', 'start']]) {
      const lines = readFileSync(join(SCRIPTS, file), 'utf8').split('\n');
      const differing = lines.filter((line) => !source.includes(line));
      expect(differing).toEqual([expect.stringMatching(/^# GENERATED from lifecycle\.sh/), expect.stringMatching(new RegExp(`^IRBOOK_LC_HOOK=${hook} `))]);
    }
    expect(() => execFileSync('node', [join(SCRIPTS, 'sync.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('passes shellcheck (skipped, saying so, when shellcheck is not installed)', (ctx) => {
    const probe = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      console.warn('shellcheck is not installed (apt-get install shellcheck): skipping the lint of kernel-setup/sagemaker/*.sh');
      ctx.skip();
    }
    const lint = spawnSync('shellcheck', ['--shell=bash', '--severity=info', ...SCRIPT_FILES.map((f) => join(SCRIPTS, f))], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });
});

describe('lifecycle scripts: a first boot', () => {
  it.each(['al2', 'al2023'] as const)('on %s: Node from conda-forge into the SageMaker volume, clone, npm ci, kernel, all as ec2-user', async (os) => {
    const s = sandbox(os);
    const result = await s.run('on-create.sh', FOREGROUND);
    expect(result.code, result.stdout + result.stderr + s.setupLog()).toBe(0);

    const nodePrefix = join(s.sagemaker, '.irbook', 'node');
    const project = join(s.sagemaker, 'irbook');
    expect(s.calls('conda')).toEqual([
      expect.objectContaining({
        as: 'ec2-user',
        args: ['create', '--yes', '--quiet', '--prefix', nodePrefix, '--override-channels', '--channel', 'conda-forge', 'nodejs=22'],
      }),
    ]);
    // One path for both platforms: no system packages (they would not survive a stop/start).
    expect(s.calls().filter((c) => ['dnf', 'yum', 'amazon-linux-extras'].includes(c.program))).toEqual([]);
    const clone = s.calls('git').filter((c) => c.args[0] === 'clone');
    expect(clone).toEqual([expect.objectContaining({ as: 'ec2-user', args: ['clone', '--branch', 'main', 'https://github.com/irbook/irbook.git', join(s.sagemaker, '.irbook', 'clone.tmp')] })]);
    expect(s.calls('npm')).toEqual([expect.objectContaining({ as: 'ec2-user', cwd: project, args: ['ci', '--no-audit', '--no-fund'] })]);
    expect(s.kernelInstalls()).toEqual([expect.objectContaining({ as: 'ec2-user', args: [join(nodePrefix, 'bin', 'node'), join(project, 'bin', 'irbook.js'), 'kernel', 'install', '--user'] })]);
    // Everything else the root script did went through `sudo -u ec2-user -H`.
    for (const call of s.calls('sudo')) expect(call.args.slice(0, 4)).toEqual(['-u', 'ec2-user', '-H', '--']);
    expect(s.calls().filter((c) => c.program !== 'sudo' && c.as !== 'ec2-user')).toEqual([]);

    const log = s.setupLog();
    expect(log).toContain(`platform ${os}`);
    expect(log).toContain('installing Node.js 22 from conda-forge');
    expect(log).toMatch(/ready: the kernel is registered/);
    expect(result.stdout).toContain(join(s.sagemaker, 'irbook-setup.log'));
  });

  it('keeps everything it installs under the SageMaker volume (the only directory that persists)', async () => {
    const s = sandbox('al2023');
    const before = new Set(s.tree());
    expect((await s.run('on-create.sh', FOREGROUND)).code).toBe(0);
    expect((await s.run('on-start.sh')).code).toBe(0);
    const added = s.tree().filter((p) => !before.has(p));
    // stub-bin/ holds the stubs and what they record, not anything the scripts wrote.
    expect(added.filter((p) => !p.startsWith('SageMaker/') && !p.startsWith('stub-bin/'))).toEqual([]);
    expect(added).toEqual(
      expect.arrayContaining(['SageMaker/.irbook/node/bin/node', 'SageMaker/irbook/.git', 'SageMaker/irbook/node_modules/tslab/bin/tslab', 'SageMaker/irbook-setup.log']),
    );
    // The conda env is a --prefix env on the volume, not one in the (reset) anaconda3/envs.
    expect(existsSync(join(s.conda, 'envs'))).toBe(false);
    for (const call of s.calls().filter((c) => c.program !== 'sudo')) {
      for (const arg of call.args.filter((a) => a.startsWith('/'))) expect(arg.startsWith(s.sagemaker), `${call.program} ${arg}`).toBe(true);
    }
  });

  it('honours the repository, branch, Node version and kernel settings from the environment', async () => {
    const s = sandbox();
    const env = {
      ...FOREGROUND,
      IRBOOK_REPO_URL: 'https://git.example.internal/mirror/irbook.git',
      IRBOOK_BRANCH: 'v0.2',
      IRBOOK_NODE_MAJOR: '20',
      IRBOOK_KERNEL_NAME: 'irbook-ts',
      IRBOOK_KERNEL_PREFIX: '/home/ec2-user/anaconda3/envs/JupyterSystemEnv',
    };
    expect((await s.run('on-create.sh', env)).code).toBe(0);
    expect(s.calls('conda')[0].args.at(-1)).toBe('nodejs=20');
    expect(s.calls('git')[0].args.slice(0, 4)).toEqual(['clone', '--branch', 'v0.2', 'https://git.example.internal/mirror/irbook.git']);
    expect(s.kernelInstalls()[0].args.slice(2)).toEqual(['kernel', 'install', '--prefix', '/home/ec2-user/anaconda3/envs/JupyterSystemEnv', '--name', 'irbook-ts']);
  });

  it('passes proxy and registry settings through sudo, takes the conda channel given, and unsets SUDO_UID', async () => {
    const s = sandbox('al2023');
    const network = {
      HTTPS_PROXY: 'http://proxy.corp.example:3128',
      HTTP_PROXY: 'http://proxy.corp.example:3128',
      NO_PROXY: '169.254.169.254,.amazonaws.com',
      https_proxy: 'http://proxy.corp.example:3128',
      NPM_CONFIG_REGISTRY: 'https://npm.mirror.example/',
    };
    const channel = 'https://conda.mirror.example/conda-forge';
    expect((await s.run('on-create.sh', { ...FOREGROUND, ...network, IRBOOK_CONDA_CHANNEL: channel })).code).toBe(0);
    expect(s.calls('conda')[0].args).toEqual(expect.arrayContaining(['--override-channels', '--channel', channel]));
    for (const program of ['conda', 'npm'] as const) {
      const seen = s.envOf(program);
      for (const [name, value] of Object.entries(network)) expect(seen[name], `${program} ${name}`).toBe(value);
      // Unset, as in AWS's samples: conda would chown its files to that uid.
      expect(seen.SUDO_UID, program).toBeUndefined();
      expect(seen.http_proxy, `${program} http_proxy (not set, not invented)`).toBeUndefined();
    }
    expect(s.calls('npm')[0].as).toBe('ec2-user');
  });

  it("writes the stack's region and workgroup where the notebooks read them, at every start", async () => {
    const s = sandbox('al2023');
    const stack = { IRBOOK_AWS_REGION: 'eu-west-1', IRBOOK_WORKGROUP: 'irbook' };
    expect((await s.run('on-create.sh', { ...FOREGROUND, ...stack })).code).toBe(0);
    const file = join(s.home, '.irbook', 'aws.json');
    expect(readSiteSettings(file)).toEqual({ region: 'eu-west-1', workgroup: 'irbook' });
    rmSync(file);
    expect((await s.run('on-start.sh', stack)).code).toBe(0);
    expect(readSiteSettings(file)).toEqual({ region: 'eu-west-1', workgroup: 'irbook' });
    // A value that is not a name is not written (it could not be JSON-quoted safely).
    rmSync(file);
    const bad = await s.run('on-start.sh', { ...stack, IRBOOK_WORKGROUP: 'a"b' });
    expect(bad.code).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(bad.stdout).toContain('not written');
  });

  it('runs as the current user when IRBOOK_LC_USER is empty (a manual run by the notebook user)', async () => {
    const s = sandbox();
    expect((await s.run('lifecycle.sh', { ...FOREGROUND, IRBOOK_LC_USER: '' })).code).toBe(0);
    expect(s.calls('sudo')).toEqual([]);
    expect(s.count()).toEqual({ condaCreate: 1, gitClone: 1, npmCi: 1, kernelInstall: 1 });
  });

  it('passes arguments the real `irbook kernel install` accepts, which writes the kernelspec in ~/.local', async (ctx) => {
    const cli = join(ROOT, 'bin', 'irbook.js');
    if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
      console.warn('dist/ is not built (npm run build): skipping the run of the real irbook CLI');
      ctx.skip();
    }
    const s = sandbox();
    const env = { ...FOREGROUND, STUB_REAL_NODE: process.execPath, STUB_REAL_IRBOOK: cli };
    expect((await s.run('on-create.sh', env)).code).toBe(0);
    const spec = join(s.home, '.local', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
    expect(JSON.parse(readFileSync(spec, 'utf8')).argv[0]).toBe(process.execPath);
    // A stop/start wipes the home directory; on-start registers the kernel again.
    rmSync(join(s.home, '.local'), { recursive: true });
    expect((await s.run('on-start.sh', env)).code).toBe(0);
    expect(existsSync(spec)).toBe(true);
  });
});

describe('lifecycle scripts: later boots', () => {
  it('on-start after a finished setup installs nothing again and registers the kernel before it returns', async () => {
    const s = sandbox();
    expect((await s.run('on-create.sh', FOREGROUND)).code).toBe(0);
    expect(s.count()).toEqual({ condaCreate: 1, gitClone: 1, npmCi: 1, kernelInstall: 1 });
    for (let boot = 2; boot <= 3; boot++) {
      // Not foreground: the fast path registers the kernel synchronously anyway.
      const start = await s.run('on-start.sh');
      expect(start.code).toBe(0);
      expect(start.stdout).toMatch(/kernel registered/);
      expect(s.count()).toEqual({ condaCreate: 1, gitClone: 1, npmCi: 1, kernelInstall: boot });
    }
  });

  it('reruns npm ci after the checkout changed, and reinstalls Node when the major version changed', async () => {
    const s = sandbox();
    expect((await s.run('on-create.sh', FOREGROUND)).code).toBe(0);
    writeFileSync(join(s.sagemaker, 'irbook', '.git', 'HEAD_SHA'), '2222222222222222222222222222222222222222\n');
    expect((await s.run('on-start.sh', FOREGROUND)).code).toBe(0);
    expect(s.count()).toEqual({ condaCreate: 1, gitClone: 1, npmCi: 2, kernelInstall: 2 });
    expect((await s.run('on-start.sh', { ...FOREGROUND, IRBOOK_NODE_MAJOR: '24' })).code).toBe(0);
    expect(s.count()).toEqual({ condaCreate: 2, gitClone: 1, npmCi: 3, kernelInstall: 3 });
    expect(s.calls('conda')[1].args.at(-1)).toBe('nodejs=24');
    expect(s.setupLog()).toContain('removing');
  });

  it('repairs what is missing: a deleted Node is reinstalled, deleted node_modules reinstalled, the clone kept', async () => {
    const s = sandbox();
    expect((await s.run('on-create.sh', FOREGROUND)).code).toBe(0);
    rmSync(join(s.sagemaker, '.irbook', 'node', 'bin', 'node'));
    expect((await s.run('on-start.sh', FOREGROUND)).code).toBe(0);
    // The same Node version again: node_modules still fit, npm ci does not rerun.
    expect(s.count()).toEqual({ condaCreate: 2, gitClone: 1, npmCi: 1, kernelInstall: 2 });
    rmSync(join(s.sagemaker, 'irbook', 'node_modules'), { recursive: true });
    expect((await s.run('on-start.sh', FOREGROUND)).code).toBe(0);
    expect(s.count()).toEqual({ condaCreate: 2, gitClone: 1, npmCi: 2, kernelInstall: 3 });
  });
});

describe('lifecycle scripts: the 5-minute limit and concurrent runs', () => {
  it('on-create returns within seconds; on-start, right after, waits for that setup and then registers', async () => {
    const s = sandbox();
    const slow = { STUB_CONDA_SLEEP: '3', STUB_NPM_SLEEP: '1' };
    const create = await s.run('on-create.sh', slow);
    expect(create.code).toBe(0);
    expect(create.ms).toBeLessThan(2500);
    expect(create.stdout).toMatch(/continues in the background/);
    expect(s.setupLog()).not.toMatch(/ready/);

    const start = await s.run('on-start.sh', slow);
    expect(start.code).toBe(0);
    expect(start.ms).toBeLessThan(2500);
    const log = await s.waitForLog(/ready: the kernel is registered; reload/, 2);
    expect(log).toMatch(/start: (another setup run is active|waiting for the setup run)/);
    expect(s.count()).toEqual({ condaCreate: 1, gitClone: 1, npmCi: 1, kernelInstall: 2 });
    // The start run registered after the create run had finished.
    const lines = log.split('\n');
    const createReady = lines.findIndex((l) => / create: ready/.test(l));
    const startReady = lines.findIndex((l) => / start: ready/.test(l));
    expect(createReady).toBeGreaterThan(-1);
    expect(startReady).toBeGreaterThan(createReady);
  });

  it('two runs at once do not install twice (flock)', async () => {
    const s = sandbox();
    const env = { ...FOREGROUND, STUB_CONDA_SLEEP: '1' };
    const [a, b] = await Promise.all([s.run('on-create.sh', env), s.run('on-start.sh', env)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(s.count()).toEqual({ condaCreate: 1, gitClone: 1, npmCi: 1, kernelInstall: 2 });
    expect(s.setupLog()).toMatch(/waiting for the setup run that holds/);
  });
});

describe('lifecycle scripts: failures', () => {
  it('a failed step is logged; the lifecycle hook still exits 0 so the instance starts', async () => {
    const s = sandbox();
    const result = await s.run('on-create.sh', { ...FOREGROUND, IRBOOK_LC_STRICT: '0', STUB_GIT_FAIL: '1' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/setup failed \(exit 128\)/);
    expect(result.stdout).toMatch(/starts without the irbook kernel/);
    expect(s.setupLog()).toMatch(/unable to access the repository[\s\S]*FAILED \(exit 128\)/);
    expect(s.count().kernelInstall).toBe(0);
  });

  it('a Node that cannot run (Amazon Linux 2, glibc too old) fails with its loader error in the log', async () => {
    const s = sandbox('al2');
    const result = await s.run('on-create.sh', { ...FOREGROUND, STUB_NODE_BROKEN: '1' });
    expect(result.code).not.toBe(0); // foreground runs are strict
    expect(s.setupLog()).toMatch(/does not run or is not Node\.js 22[\s\S]*GLIBC_2\.28' not found/);
    expect(s.count()).toEqual({ condaCreate: 1, gitClone: 0, npmCi: 0, kernelInstall: 0 });
  });

  it('leaves a non-git folder at the project path alone', async () => {
    const s = sandbox();
    mkdirSync(join(s.sagemaker, 'irbook'));
    writeFileSync(join(s.sagemaker, 'irbook', 'my-notes.ipynb'), '{}');
    const result = await s.run('on-create.sh', FOREGROUND);
    expect(result.code).not.toBe(0);
    expect(s.setupLog()).toMatch(/exists but is not a git clone/);
    expect(readFileSync(join(s.sagemaker, 'irbook', 'my-notes.ipynb'), 'utf8')).toBe('{}');
    expect(s.count().gitClone).toBe(0);
  });

  it('outside Amazon Linux it says so and carries on; without a SageMaker folder it stops', async () => {
    const s = sandbox('debian');
    expect((await s.run('on-create.sh', FOREGROUND)).stdout).toMatch(/not Amazon Linux 2023 \(other:debian:12\)/);
    const missing = await s.run('on-start.sh', { ...FOREGROUND, SAGEMAKER_HOME: join(s.root, 'nowhere') });
    expect(missing.code).not.toBe(0);
    expect(missing.stdout).toMatch(/does not exist: is this a SageMaker notebook instance\?/);
  });
});
