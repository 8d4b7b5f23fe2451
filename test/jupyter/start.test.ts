import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../lib/cli';
import { generateSample } from '../../lib/sample';
import { captureStdout } from '../support/capture';

// The git clean filter is tested on a repository of its own (git-filter.test.ts); here it
// would point this checkout's git configuration at a test's node.
process.env.IRBOOK_GIT_FILTER = 'off';

let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-start-'));
  await generateSample({ out: join(dir, 'sample'), events: 2_000, seed: 5 });
  process.env.JUPYTER_DATA_DIR = join(dir, 'jupyter');
  process.env.IRBOOK_SAMPLE_DIR = join(dir, 'sample');
});
afterAll(async () => {
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

it('irbook start --no-serve finds Jupyter, registers the kernel and finds the sample, twice', async () => {
  const { value: codes, stdout: text } = await captureStdout(async () => [
    await main(['start', '--no-serve']),
    await main(['start', '--no-serve']),
  ]);
  expect(codes).toEqual([0, 0]);
  expect(text).toMatch(/Jupyter: (JupyterLab|classic Notebook)/);
  expect(text).toContain('Kernel "tslab" created');
  expect(text).toContain('Kernel "tslab" already registered');
  expect(text).toContain(`Sample logs: ${join(dir, 'sample')} (2,000 events; already there)`);
  const spec = JSON.parse(readFileSync(join(dir, 'jupyter', 'kernels', 'tslab', 'kernel.json'), 'utf8'));
  expect(spec.argv[0]).toBe(process.execPath);
  expect(existsSync(spec.argv[1])).toBe(true);
}, 60_000);
