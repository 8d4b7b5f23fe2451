/**
 * The Security Lake playbook through the real tslab kernel and Jupyter's nbclient (as
 * `irbook run` does), on a generated sample whose manifest says what it must find: once on the
 * local engine, once on the Athena stand-in (engine=athena, the SQL run by the stand-in's local
 * engine, results through s3rver). The kernel's IAM, S3 and STS clients are stubbed
 * (test/support/mock-aws-preload.cjs) with the story's users, so phase 3 plans from that state;
 * every command sent is recorded, and none may change anything.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { runNotebook } from '../../lib/jupyter/run-notebook';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { AthenaStandIn } from '../support/athena-standin';
import { isChangeCommand } from '../support/containment-calls';
import { ExecutedNotebook } from '../support/notebook-outputs';
import { expectTriage, sampleEvents } from '../support/triage-expectations';
import { ACCOUNT, s3AccessAwsState } from '../support/s3-access-aws-state';

const NOTEBOOK = join(__dirname, '..', '..', 'notebooks', 'unintended-s3-data-access.ipynb');
const PRELOAD = join(__dirname, '..', 'support', 'mock-aws-preload.cjs');
const saved = { ...process.env };
let dir: string;
let manifest: SampleManifest;
let events: ReturnType<typeof sampleEvents> | undefined;

interface Sent {
  service: string;
  command: string;
  input: Record<string, unknown>;
}
const sentCalls = (file: string): Sent[] =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Sent) : [];

async function run(name: string, parameters: Record<string, string>) {
  const calls = join(dir, `${name}-calls.jsonl`);
  const auditLog = join(dir, `${name}-audit.jsonl`);
  process.env.IRBOOK_TEST_AWS_CALLS = calls;
  const result = await runNotebook({ notebook: NOTEBOOK, parameters: { ...parameters, auditLog }, outDir: join(dir, 'reports'), stamp: name });
  return { nb: new ExecutedNotebook(result.notebookFile), calls: sentCalls(calls), auditLog };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-nb-s3-'));
  manifest = await generateSample({ out: join(dir, 'sample'), events: 20_000, seed: 13 });
  const story = manifest.stories.s3DataAccess;
  const state = join(dir, 'aws-state.json');
  const [admin, sync] = story.createdUsers;
  writeFileSync(state, JSON.stringify(s3AccessAwsState([
    { userName: story.userName, accessKeyIds: story.accessKeyIds, policyArns: story.origin.attachedPolicyArns },
    { userName: admin!, accessKeyIds: story.createdAccessKeyIds.slice(0, 1), policyArns: [story.attachedPolicyArn] },
    { userName: sync!, accessKeyIds: story.createdAccessKeyIds.slice(1), policyArns: [] },
  ])));
  Object.assign(process.env, {
    NODE_OPTIONS: `${saved.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim(),
    IRBOOK_TEST_AWS_STATE: state,
    AWS_REGION: 'us-west-2',
    // The audit log's chain head goes to the state folder: keep it in the test's folder.
    XDG_STATE_HOME: join(dir, 'state'),
  });
}, 300_000);

afterAll(async () => {
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

/** What both engines must show: the triage, the story phase by phase, and plans that change nothing. */
async function expectTheStory(nb: ExecutedNotebook, calls: readonly Sent[], auditLog: string): Promise<void> {
  const story = manifest.stories.s3DataAccess;
  expect(nb.errors()).toEqual([]);
  // The triage over the lake's OCSF tables: the pack's rules the stories fire, the user among
  // the principals, and the user set in the parameters kept.
  events ??= sampleEvents(join(dir, 'sample'));
  const { firedBy } = await expectTriage(nb, manifest, events);
  expect(firedBy.map((r) => r.entity)).toContain(story.principalArn);
  expect(nb.outputs('triage-user')).toEqual([]);
  const operations = nb.shown('operations-run');
  for (const name of ['CreateUser', 'AttachUserPolicy', 'CreateAccessKey']) expect(operations).toContain(name);
  expect(nb.shown('activity-run')).toContain(`buckets created: ${story.ransomBucket} at`);
  const iam = nb.shown('iam-run');
  expect(iam).toContain(story.attachedPolicyArn);
  expect(iam).toContain(`user: arn:aws:iam::${ACCOUNT}:user/${story.userName}`);
  const s3 = nb.shown('s3-run');
  expect(s3).toContain('DeleteObject');
  expect(s3).toContain(story.ransomBucket);
  const macie = nb.shown('macie-run');
  expect(manifest.securityLake?.findings.macieQuery.findings.length).toBeGreaterThan(0);
  for (const finding of manifest.securityLake?.findings.macieQuery.findings ?? []) expect(macie).toContain(`arn:aws:s3:::${finding.bucket}/${finding.key}`);
  expect(macie).not.toContain('GuardDuty');
  // The review: the chart, the objects, the principals the suspect made.
  expect(nb.outputs('timeline-run').filter((o) => o.data?.['application/vnd.vegalite.v5+json'] !== undefined)).toHaveLength(1);
  for (const key of story.objectsDeleted) expect(nb.shown('objects-run')).toContain(key);
  expect(nb.shown('objects-run')).toContain(`buckets touched: ${story.victimBucket}, ${story.ransomBucket}`);
  expect(nb.shown('principals-run')).toContain(`users made: ${story.createdUsers.join(', ')}`);
  // Phase 3: plans for the user, the users it made and the buckets; nothing applied.
  const userPlan = nb.shown('contain-user');
  expect(userPlan).toContain(`PLAN: Contain IAM user ${story.userName}`);
  expect(userPlan).toContain('Nothing has been changed.');
  for (const user of story.createdUsers) expect(nb.shown('contain-made')).toContain(`PLAN: Contain IAM user ${user}`);
  for (const bucket of [story.victimBucket, story.ransomBucket]) expect(nb.shown('lock-buckets')).toContain(`PLAN: Lock down S3 bucket ${bucket}`);
  expect(nb.shown('iam-wide-run')).toContain(story.createdUsers[1]!);
  expect([...new Set(calls.filter((c) => c.service === 'iam' && c.command === 'GetUser').map((c) => c.input.UserName))]).toEqual([story.userName, ...story.createdUsers]);
  expect(calls.filter((c) => isChangeCommand(c.command))).toEqual([]);
  expect(existsSync(auditLog)).toBe(false);
}

describe('unintended-s3-data-access.ipynb on the tslab kernel', () => {
  it('runs on the local engine over the sample, tells the story and plans containment without acting', async () => {
    const { nb, calls, auditLog } = await run('local', { logs: join(dir, 'sample') });
    expect(nb.shown('load')).toContain('tables: amazon_security_lake_table_us_west_2_cloud_trail_mgmt_2_0,');
    await expectTheStory(nb, calls, auditLog);
  }, 600_000);

  it('runs unchanged on Athena with engine=athena, every query sent with its values as parameters', async () => {
    const local = await LocalEngine.open({ logs: join(dir, 'sample'), cache: false });
    const standin = await AthenaStandIn.start({ engine: local, latency: { queuedMs: 20, runningMs: 20 } });
    const before = { ...process.env };
    Object.assign(process.env, standin.sdkEnvironment());
    try {
      const { nb, calls, auditLog } = await run('athena', { engine: 'athena' });
      expect(nb.shown('load')).toContain('athena: account 111122223333');
      await expectTheStory(nb, calls, auditLog);
      expect(nb.shown('triage-rules')).toMatch(/scanned · est\. \$/);
      const starts = standin.requests.filter((r) => r.action === 'StartQueryExecution').map((r) => r.body as { QueryString: string; ExecutionParameters?: string[]; QueryExecutionContext?: { Database?: string } });
      expect(starts.length).toBeGreaterThanOrEqual(9);
      expect(starts.every((s) => s.QueryExecutionContext?.Database === 'amazon_security_lake_glue_db_us_west_2')).toBe(true);
      expect(starts.filter((s) => s.ExecutionParameters?.includes("'service_backup'")).length).toBeGreaterThanOrEqual(4);
      for (const s of starts) expect(s.QueryString).not.toMatch(/'service_backup'/i);
    } finally {
      process.env = before;
      await standin.close();
      await local.close();
    }
  }, 600_000);
});
