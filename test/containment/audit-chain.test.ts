/**
 * The audit log as an attacker would edit it: undo and resume must refuse, name the first
 * entry that does not verify, and send nothing to AWS; undo must derive its calls by code
 * even when the whole chain (and its head) was rewritten.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetGroupPolicyCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../lib/containment/apply';
import { GENESIS, lineHash, logLines, writeHead } from '../../lib/containment/audit-chain';
import { AuditLog } from '../../lib/containment/audit-log';
import { TamperedLogError } from '../../lib/containment/errors';
import { planUserContainment } from '../../lib/containment/plan-user';
import { DENY_ALL_POLICY_NAME } from '../../lib/containment/policies';
import { undoPlan } from '../../lib/containment/undo';
import type { Plan } from '../../lib/containment/types';
import { ContainmentRefusedError } from '../../lib/errors';
import { encoded, mockUser, SEEN_KEY, USER, USER_ARN } from './iam-fixtures';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

let aws: MockedAws;
let dir: string;
let log: AuditLog;
let plan: Plan;

beforeEach(async () => {
  aws = mockedAws();
  mockUser(aws);
  aws.iam.on(GetGroupPolicyCommand).resolves({ PolicyDocument: encoded({ Version: '2012-10-17', Statement: [] }) });
  dir = mkdtempSync(join(tmpdir(), 'irbook-chain-'));
  log = new AuditLog({ file: join(dir, 'audit.jsonl'), headDir: join(dir, 'heads') });
  plan = await planUserContainment(aws.context, USER_ARN, { keys: [SEEN_KEY] });
  await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
  for (const stub of [aws.iam, aws.sts, aws.ec2, aws.s3]) stub.resetHistory();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Entry = Record<string, unknown>;
const lines = (): string[] => logLines(readFileSync(log.file, 'utf8'));
const write = (all: readonly string[]) => writeFileSync(log.file, `${all.join('\n')}\n`);
/** Edit entries in place, as a text editor would: the chain is left as it was. */
function edit(changes: Record<number, (entry: Entry) => Entry>): void {
  write(lines().map((line, index) => (changes[index + 1] ? JSON.stringify(changes[index + 1]!(JSON.parse(line) as Entry)) : line)));
}
/** What someone with the user's shell can do: rewrite the chain and the head kept outside the log. */
function rechain(changes: Record<number, (entry: Entry) => Entry>): void {
  const out: string[] = [];
  for (const [index, line] of lines().entries()) {
    const entry = JSON.parse(line) as Entry;
    const changed = changes[index + 1] ? changes[index + 1]!(entry) : entry;
    out.push(JSON.stringify({ ...changed, prev: index === 0 ? GENESIS : lineHash(out[index - 1]!) }));
  }
  write(out);
  writeHead(log.headDir, { file: log.file, entries: out.length, head: lineHash(out.at(-1)!) });
}

// The attack from the issue: the undo of two applied entries rewritten to call something else.
const forgeTrust = (entry: Entry): Entry => ({
  ...entry,
  planTarget: `arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`,
  undo: { calls: [{ service: 'iam', command: 'UpdateAssumeRolePolicy', input: { RoleName: 'OrganizationAccountAccessRole', PolicyDocument: '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sts:AssumeRole"}]}' } }] },
});
const forgeAdmin = (entry: Entry): Entry => ({
  ...entry,
  before: { policyName: DENY_ALL_POLICY_NAME, document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
  undo: { calls: [{ service: 'iam', command: 'PutUserPolicy', input: { UserName: 'attacker', PolicyName: 'x', PolicyDocument: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' } }] },
});

describe('a forged audit log', () => {
  it('with two edited entries: undo and resume refuse, name the first edited entry, and send nothing', async () => {
    edit({ 1: forgeAdmin, 2: forgeTrust });
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'TamperedLogError', entry: 1, file: log.file });
    await expect(undoPlan(aws.context, log, plan, { confirm: ACCOUNT })).rejects.toBeInstanceOf(ContainmentRefusedError);
    // Resume: a plan applied half-way is continued from the log, which must verify first.
    await expect(applyPlan(aws.context, log, plan, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'TamperedLogError', entry: 1 });
    expect(aws.sent()).toEqual([]);
  });

  it('names the entry when only a later one was edited', async () => {
    edit({ 2: forgeTrust });
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ entry: 2 });
    expect(aws.sent()).toEqual([]);
  });

  it('refuses a log whose last entry was removed, or with an entry added by hand', async () => {
    const original = lines();
    write(original.slice(0, 2));
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'TamperedLogError', entry: 3 });
    const added = JSON.stringify({ ...(JSON.parse(original[2]!) as Entry), step: '4', prev: lineHash(original[2]!) });
    write([...original, added]);
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ entry: 4 });
    expect(aws.sent()).toEqual([]);
  });

  it('refuses a rewritten chain that no longer ends at the head kept outside the log', async () => {
    const out: string[] = [];
    for (const [index, line] of lines().entries()) {
      const entry = index === 1 ? forgeTrust(JSON.parse(line) as Entry) : (JSON.parse(line) as Entry);
      out.push(JSON.stringify({ ...entry, prev: index === 0 ? GENESIS : lineHash(out[index - 1]!) }));
    }
    write(out);
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'TamperedLogError', entry: 3 });
    expect(aws.sent()).toEqual([]);
  });

  it('with chain and head rewritten too: calls written into the log are ignored, a foreign target or a wrong-shaped state is refused', async () => {
    // Injected undo calls alone: undo still sends only what it derives from kind, target and before-state.
    rechain({ 2: (e) => ({ ...e, undo: forgeTrust(e).undo }) });
    await undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([
      { service: 'iam', command: 'UpdateAccessKey', input: { UserName: USER, AccessKeyId: SEEN_KEY, Status: 'Active' } },
      { service: 'iam', command: 'DetachUserPolicy', input: { UserName: USER, PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' } },
    ]);
  });

  it('with chain and head rewritten: another target, or a before-state of another shape, is refused before any call', async () => {
    const original = lines();
    const fresh = () => {
      write(original);
      writeHead(log.headDir, { file: log.file, entries: original.length, head: lineHash(original.at(-1)!) });
    };
    rechain({ 2: forgeTrust });
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'StepRefusedError', step: '2' });
    expect(aws.changes()).toEqual([]);
    fresh();
    rechain({ 2: (e) => ({ ...e, before: { accessKeyId: 'AKIAATTACKERKEY00001', status: 'Active' } }) });
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'StepRefusedError', step: '2', reason: expect.stringContaining('another key') });
    fresh();
    rechain({ 2: (e) => ({ ...e, request: { service: 'iam', command: 'UpdateAccessKey', input: { UserName: 'attacker', AccessKeyId: SEEN_KEY, Status: 'Inactive' } } }) });
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'StepRefusedError', step: '2', reason: expect.stringContaining('not the plan') });
    fresh();
    rechain({ 1: (e) => ({ ...e, before: { policyName: 'AdministratorAccessCopy', document: null } }) });
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'StepRefusedError', step: '1' });
    expect(aws.changes()).toEqual([]);
  });

  it('an untouched log undoes exactly what was applied', async () => {
    const report = await undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT });
    expect(report.ok).toBe(true);
    expect(aws.changes()).toEqual([
      { service: 'iam', command: 'UpdateAccessKey', input: { UserName: USER, AccessKeyId: SEEN_KEY, Status: 'Active' } },
      { service: 'iam', command: 'DetachUserPolicy', input: { UserName: USER, PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' } },
    ]);
  });
});

describe('the S3 copy', () => {
  it('must match the local log: an edit the head was updated for is still refused, naming the entry', async () => {
    const s3Log = new AuditLog({ file: join(dir, 's3.jsonl'), headDir: join(dir, 'heads'), s3Uri: 's3://ir-evidence.example/audit/', s3Client: aws.context.clients.s3, incident: 'IR-2024-0319' });
    await applyPlan(aws.context, s3Log, { ...plan, id: `${plan.id}-s3` }, { confirm: ACCOUNT });
    const puts = aws.s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const copy = String(puts.at(-1)?.Body);
    aws.s3.on(GetObjectCommand, { Bucket: 'ir-evidence.example', Key: puts[0]?.Key }).resolves({ Body: { transformToString: async () => copy } } as never);
    // Unchanged: verifies, and the key of the copy is kept across sessions.
    await expect(s3Log.verify()).resolves.toHaveLength(3);
    const again = new AuditLog({ file: s3Log.file, headDir: join(dir, 'heads'), s3Uri: 's3://ir-evidence.example/audit/', s3Client: aws.context.clients.s3, incident: 'IR-2024-0319' });
    expect(again.s3Object).toBe(`s3://ir-evidence.example/${puts[0]?.Key}`);

    const local = logLines(readFileSync(s3Log.file, 'utf8'));
    const forged = [local[0]!, JSON.stringify({ ...(JSON.parse(local[1]!) as Entry), detail: 'edited' })];
    forged.push(JSON.stringify({ ...(JSON.parse(local[2]!) as Entry), prev: lineHash(forged[1]!) }));
    writeFileSync(s3Log.file, `${forged.join('\n')}\n`);
    writeHead(s3Log.headDir, { file: s3Log.file, entries: 3, head: lineHash(forged[2]!), s3Object: again.s3Object });
    const refused = await s3Log.verify().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TamperedLogError);
    expect(refused).toMatchObject({ entry: 2, reason: expect.stringContaining('differs from the S3 copy') });
  });
});
