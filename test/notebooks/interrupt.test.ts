/**
 * The kernel's interrupt (Jupyter's stop button) during an Athena query, in the real tslab
 * kernel: the cell ends, the engine calls StopQueryExecution, and the kernel survives.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { findJupyter } from '../../lib/jupyter/find-jupyter';
import { KERNEL_NAME, writePrivateKernel } from '../../lib/jupyter/kernelspec';
import { AthenaStandIn } from '../support/athena-standin';
import { makeEvent, deliveryFile, deliveryPath, writeFile as writeLog } from '../support/cloudtrail-fixtures';

const run = promisify(execFile);
let dir: string;
let local: LocalEngine;
let standin: AthenaStandIn;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-interrupt-'));
  writeLog(deliveryPath(join(dir, 'logs'), '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile([makeEvent(0), makeEvent(1)]));
  local = await LocalEngine.open({ logs: join(dir, 'logs') });
  standin = await AthenaStandIn.start({ engine: local });
  await writePrivateKernel(join(dir, 'jupyter'));
}, 60_000);

afterAll(async () => {
  await standin?.close();
  await local?.close();
  await rm(dir, { recursive: true, force: true });
});

it('an interrupt stops the running Athena query and leaves the kernel alive', async () => {
  const jupyter = await findJupyter();
  if (!jupyter) throw new Error('no Jupyter: .ci/run installs python3-nbclient');
  standin.holdNext();
  const setup = join(dir, 'setup.ts');
  await writeFile(setup, "import { configure, queryResults } from 'irbook';\nawait configure({ engine: 'athena', workgroup: 'primary' });");
  // The query call is the cell's first statement, so it runs in the cell's synchronous part,
  // which tslab runs under vm's breakOnSigint: the case that once killed the kernel.
  const code = join(dir, 'cell.ts');
  await writeFile(code, "await queryResults('SELECT count(*) AS n FROM cloudtrail');");
  const { stdout } = await run(jupyter.python, [join(__dirname, '..', 'support', 'interrupt-kernel.py'), KERNEL_NAME, join(__dirname, '..', '..', 'notebooks'), setup, code], {
    env: { ...process.env, JUPYTER_PATH: join(dir, 'jupyter'), ...standin.sdkEnvironment() },
    timeout: 180_000,
  });
  const outcome = JSON.parse(stdout.trim().split('\n').pop()!) as { status: string; stderr: string; alive: boolean; interrupted: boolean; setup: string };
  expect(outcome.setup).toBe('ok');
  expect(outcome.interrupted).toBe(true);
  expect(outcome.status).toBe('error');
  expect(outcome.alive).toBe(true);
  const started = [...standin.queries.values()].at(-1)!;
  expect(standin.stopped).toContain(started.id);
  expect(started.state).toBe('CANCELLED');
}, 240_000);
