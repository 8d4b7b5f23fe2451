/**
 * `npm test`'s first step on a machine without Jupyter, Chromium, shellcheck or git: the script
 * runs in a sandbox whose PATH holds only stubs (an apt-get that records its calls), so what it
 * would do on a fresh Debian machine is checked here without installing anything.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cloudtrail-fixtures';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'test-prerequisites.js');
const ALL_PACKAGES = 'jupyter-notebook python3-nbconvert python3-nbclient chromium shellcheck git';
const isRoot = process.getuid?.() === 0;

let dir: ReturnType<typeof tempDir> | undefined;
afterEach(() => dir?.cleanup());

function stub(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A sandbox: `bin/` is the whole PATH; `apt-get` logs each call (and its DEBIAN_FRONTEND) to `apt.log`. */
function sandbox(options: { apt?: 'none' | 'fails' | 'records' | 'installs' } = {}) {
  dir = tempDir('irbook-prereq-');
  const bin = join(dir.path, 'bin');
  spawnSync('mkdir', [bin]);
  symlinkSync('/usr/bin/env', join(bin, 'env'));
  const log = join(dir.path, 'apt.log');
  const python = join(dir.path, 'python3');
  const chromium = join(dir.path, 'chromium');
  // What apt-get "installs": a Python whose probe finds Jupyter, Chromium, shellcheck and git.
  const install = [
    `printf '%s\\n' '#!/bin/sh' 'echo {\\"nbclient\\": true, \\"nbconvert\\": true, \\"nbformat\\": true, \\"jupyterlab\\": false, \\"notebook\\": true}' > ${python}`,
    `printf '#!/bin/sh\\n' > ${chromium}`,
    `printf '#!/bin/sh\\n' > ${bin}/shellcheck`,
    `printf '#!/bin/sh\\n' > ${bin}/git`,
    `chmod 755 ${python} ${chromium} ${bin}/shellcheck ${bin}/git`,
  ].join('\n');
  const apt = options.apt ?? 'records';
  if (apt !== 'none') {
    stub(
      join(bin, 'apt-get'),
      `[ "$1" = --version ] && exit 0\nprintf '%s %s\\n' "$DEBIAN_FRONTEND" "$*" >> ${log}\n` +
        (apt === 'fails' ? 'exit 100' : apt === 'installs' ? `[ "$1" = install ] && { PATH=/usr/bin:/bin\n${install}\n}\nexit 0` : 'exit 0'),
    );
  }
  const run = (env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [SCRIPT], {
      encoding: 'utf8',
      env: { PATH: bin, IRBOOK_PYTHON: python, IRBOOK_CHROMIUM: chromium, ...env },
    });
    return { code: result.status, stderr: result.stderr, apt: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] };
  };
  return { run, bin, python, chromium };
}

describe.skipIf(!isRoot)('scripts/test-prerequisites.js (npm test, as root)', () => {
  it('installs every missing package with apt-get, after apt-get update', () => {
    const { run } = sandbox({ apt: 'installs' });
    const result = run();
    expect(result.apt).toEqual(['noninteractive update', `noninteractive install -y ${ALL_PACKAGES}`]);
    expect(result.stderr).toContain(`installed ${ALL_PACKAGES}`);
    expect(result.code).toBe(0);
    // Run again: nothing missing, nothing installed, nothing said.
    const again = run();
    expect(again.apt).toHaveLength(2);
    expect(again.stderr).toBe('');
  });

  it('installs only what is missing', () => {
    const { run, bin, chromium } = sandbox();
    for (const tool of ['shellcheck', 'git']) stub(join(bin, tool), '');
    stub(chromium, '');
    expect(run().apt).toEqual(['noninteractive update', 'noninteractive install -y jupyter-notebook python3-nbconvert python3-nbclient']);
  });

  it('says what is still missing, and how to install it, when apt-get does not help', () => {
    const failing = sandbox({ apt: 'fails' }).run();
    expect(failing.apt).toEqual(['noninteractive update']);
    expect(failing.stderr).toContain('apt-get failed');
    expect(failing.stderr).toContain(`sudo apt-get update && sudo apt-get install -y ${ALL_PACKAGES}`);
    expect(failing.code).toBe(0);

    const useless = sandbox({ apt: 'records' }).run();
    expect(useless.apt).toHaveLength(2);
    expect(useless.stderr).toMatch(/still missing after apt-get: Jupyter .*; Chromium; shellcheck; git/);
  });

  it('names the packages without trying when there is no apt-get, or when told not to install', () => {
    const noApt = sandbox({ apt: 'none' }).run();
    expect(noApt.stderr).toContain('apt-get is not here');
    expect(noApt.stderr).toContain(ALL_PACKAGES);
    expect(noApt.stderr).toMatch(/missing: Jupyter .* \(for test\/notebooks, test\/browser\); Chromium \(for test\/browser\)/);
    expect(noApt.code).toBe(0);

    const told = sandbox().run({ IRBOOK_TEST_NO_INSTALL: '1' });
    expect(told.apt).toEqual([]);
    expect(told.stderr).toContain('IRBOOK_TEST_NO_INSTALL is set');
  });
});
