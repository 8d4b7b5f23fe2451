import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli';
import { OptionError } from '../../lib/errors';
import { installKernel, kernelSpecFile, tslabBinary, userJupyterDataDir } from '../../lib/jupyter/kernelspec';
import { captureStdout } from '../support/capture';

// The git clean filter is tested on a repository of its own (git-filter.test.ts); here it
// would point this checkout's git configuration at a test's node.
process.env.IRBOOK_GIT_FILTER = 'off';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-kernel-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('installKernel', () => {
  it('writes a kernel.json whose argv runs this node on the installed tslab, by absolute paths', async () => {
    const result = await installKernel({ prefix: dir });
    expect(result.status).toBe('created');
    expect(result.file).toBe(join(dir, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'));
    const spec = JSON.parse(await readFile(result.file, 'utf8'));
    expect(spec.argv).toEqual([process.execPath, tslabBinary(), 'kernel', '--config-path', '{connection_file}']);
    expect(spec.language).toBe('typescript');
    // The script it names is tslab's real entry point.
    expect(await readFile(spec.argv[1], 'utf8')).toContain("require('../dist/main.js')");
  });

  it('is idempotent, and replaces a different registration saying what it was', async () => {
    await installKernel({ prefix: dir });
    const again = await installKernel({ prefix: dir });
    expect(again.status).toBe('unchanged');
    await writeFile(again.file, JSON.stringify({ argv: ['tslab', 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' }));
    const replaced = await installKernel({ prefix: dir });
    expect(replaced.status).toBe('updated');
    expect(replaced.previous?.argv[0]).toBe('tslab');
    await writeFile(again.file, '{ broken');
    expect((await installKernel({ prefix: dir })).status).toBe('updated');
  });

  it('honours the user data folder settings Jupyter uses', () => {
    expect(userJupyterDataDir({ JUPYTER_DATA_DIR: '/x/y' }, 'linux')).toBe('/x/y');
    expect(userJupyterDataDir({ XDG_DATA_HOME: '/d' }, 'linux')).toBe('/d/jupyter');
  });

  it('rejects bad names, relative paths and unknown options', async () => {
    expect(() => kernelSpecFile({ prefix: dir, name: '../evil' })).toThrow(OptionError);
    await expect(installKernel({ prefix: dir, node: 'node' })).rejects.toThrow(OptionError);
    await expect(installKernel({ prefix: dir, pefix: dir } as never)).rejects.toThrow(OptionError);
  });

  it('is what `irbook kernel install --prefix` runs', async () => {
    const { value: codes, stdout } = await captureStdout(async () => [
      await main(['kernel', 'install', '--prefix', dir, '--name', 'irbook-ts']),
      await main(['kernel', 'install', '--prefix', dir, '--name', 'irbook-ts']),
    ]);
    expect(codes).toEqual([0, 0]);
    expect(stdout).toContain('already registered');
    const spec = JSON.parse(await readFile(join(dir, 'share', 'jupyter', 'kernels', 'irbook-ts', 'kernel.json'), 'utf8'));
    expect(spec.argv[0]).toBe(process.execPath);
  });
});
