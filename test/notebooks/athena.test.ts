/**
 * The playbook on the Athena engine: the same notebook, with only `engine` changed, run
 * through the real tslab kernel against the local Athena stand-in (which runs the SQL on the
 * local engine over the sample and writes results to s3rver). The SDK finds the stand-in
 * through the standard AWS_ENDPOINT_URL_<SERVICE> variables, as it would find a VPC endpoint.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRules, ownPackDir } from '../../lib/detections';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { runNotebook } from '../../lib/jupyter/run-notebook';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { AthenaStandIn } from '../support/athena-standin';
import { arnsInOrder, ExecutedNotebook } from '../support/notebook-outputs';
import { expectTriage, sampleEvents } from '../support/triage-expectations';

const NOTEBOOK = join(__dirname, '..', '..', 'notebooks', 'credential-compromise-analysis.ipynb');
const saved = { ...process.env };
let dir: string;
let manifest: SampleManifest;
let local: LocalEngine;
let standin: AthenaStandIn;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-nb-athena-'));
  manifest = await generateSample({ out: join(dir, 'logs'), events: 20_000, seed: 13, lake: false });
  local = await LocalEngine.open({ logs: join(dir, 'logs') });
  standin = await AthenaStandIn.start({ engine: local, latency: { queuedMs: 20, runningMs: 20 } });
  standin.callerIdentity = { Account: '111122223333', Arn: 'arn:aws:sts::111122223333:assumed-role/IRNotebookRole/SageMaker', UserId: 'AROAEXAMPLE:SageMaker' };
  Object.assign(process.env, standin.sdkEnvironment());
}, 120_000);

afterAll(async () => {
  process.env = saved;
  await standin?.close();
  await local?.close();
  await rm(dir, { recursive: true, force: true });
});

it('runs unchanged on Athena with engine=athena, and finds the same suspect', async () => {
  const result = await runNotebook({ notebook: NOTEBOOK, parameters: { engine: 'athena' }, outDir: join(dir, 'reports'), stamp: 'athena' });
  const run = new ExecutedNotebook(result.notebookFile);
  expect(run.errors()).toEqual([]);
  expect(run.shown('load')).toContain('athena: account 111122223333 as arn:aws:sts::111122223333:assumed-role/IRNotebookRole/SageMaker');
  expect(arnsInOrder(run.shown('q22-run'))[0]).toBe(manifest.stories.credentialCompromise.principalArn);
  expect(run.shown('q22-run')).toMatch(/scanned · est\. \$/);
  for (const name of ['CreateUser', 'AttachUserPolicy', 'CreateAccessKey']) expect(run.shown('iam-run')).toContain(name);
  // Every query went to Athena, with its values as ExecutionParameters.
  const starts = standin.requests.filter((r) => r.action === 'StartQueryExecution').map((r) => r.body as { QueryString: string; ExecutionParameters?: string[] });
  expect(starts.length).toBeGreaterThanOrEqual(15);
  const suspectQueries = starts.filter((s) => s.ExecutionParameters?.includes(`'${manifest.stories.credentialCompromise.principalArn}'`));
  expect(suspectQueries.length).toBeGreaterThanOrEqual(10);
  for (const s of starts) expect(s.QueryString).not.toContain(manifest.stories.credentialCompromise.principalArn);
  // The triage ran on Athena too: the rules' values went as parameters, the cost is under it,
  // and the suspect is its top principal.
  await expectTriage(run, manifest, sampleEvents(join(dir, 'logs')));
  expect(run.shown('triage-rules')).toMatch(/scanned · est\. \$/);
  const eventNames = (await loadRules([ownPackDir()])).rules.flatMap((r) => (r.kind === 'detection' ? Object.values(r.detection) : []))
    .flatMap((search) => [(search as Record<string, unknown>)?.eventName].flat()).filter((v): v is string => typeof v === 'string');
  expect(eventNames.length).toBeGreaterThan(3);
  const triage = starts.filter((s) => eventNames.every((name) => s.ExecutionParameters?.includes(`'${name}'`)));
  expect(triage.length).toBeGreaterThanOrEqual(1);
  for (const s of triage) for (const name of eventNames) expect(s.QueryString).not.toContain(`'${name}'`);
  const top = arnsInOrder(run.shown('triage-run'))[0];
  expect(run.shown('q23-suspect')).toContain(`Suspect: ${top} (the top principal of the triage`);
}, 600_000);
