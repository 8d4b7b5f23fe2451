import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetGroupPolicyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { inspect } from 'node:util';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialsError } from '../../lib/containment/errors';
import { ContainmentRefusedError, OptionError } from '../../lib/errors';
import { openContainment, type Containment } from '../../lib/containment/containment';
import { encoded, mockUser, SEEN_KEY, USER, USER_ARN } from './iam-fixtures';
import { ACCOUNT, mockedAws, NOW, type MockedAws } from './mocked-aws';

let aws: MockedAws;
let dir: string;
let ir: Containment;
let shown: string[];

beforeEach(async () => {
  aws = mockedAws();
  mockUser(aws);
  aws.iam.on(GetGroupPolicyCommand).resolves({ PolicyDocument: encoded({ Version: '2012-10-17', Statement: [] }) });
  dir = mkdtempSync(join(tmpdir(), 'irbook-session-'));
  // The audit log's chain head goes to the state folder: keep it in the test's folder.
  process.env.XDG_STATE_HOME = join(dir, 'state');
  ir = await openContainment({ incident: 'IR-2024-0319', region: 'us-east-1', auditLog: join(dir, 'audit.jsonl'), clients: aws.context.clients, now: () => NOW });
  shown = [];
  // Outside a kernel, plans and reports are written as text: capture them.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    shown.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a containment session', () => {
  it('says who it acts as, and refuses a bad incident id', async () => {
    expect(ir.describe()).toBe(
      `containment: account ${ACCOUNT} as arn:aws:sts::${ACCOUNT}:assumed-role/IrbookNotebookRole/SageMaker, region us-east-1, incident IR-2024-0319; audit log ${join(dir, 'audit.jsonl')}`,
    );
    await expect(openContainment({ incident: 'IR 1; rm -rf', clients: aws.context.clients })).rejects.toThrow(OptionError);
  });

  it('act shows the plan and changes nothing unless told to apply with the account', async () => {
    const plan = await ir.planUser(USER_ARN, { keys: [SEEN_KEY] });
    await ir.act(plan);
    await ir.act(plan, { apply: false, confirm: ACCOUNT });
    await expect(ir.act(plan, { apply: true })).rejects.toThrow(ContainmentRefusedError);
    expect(aws.changes()).toEqual([]);
    expect(shown.join('')).toContain(`To act, set apply = true and account = '${ACCOUNT}'`);
    await ir.act(plan, { apply: true, confirm: ACCOUNT });
    expect(aws.changes().map((c) => c.command)).toEqual(['AttachUserPolicy', 'UpdateAccessKey', 'DeleteLoginProfile']);
    expect(shown.join('')).toContain('APPLY: applied plan');
  });

  it('refuses a plan whose state changed since it was read, naming what changed', async () => {
    const plan = await ir.planUser(USER_ARN, { keys: [SEEN_KEY], steps: ['deactivate-keys'] });
    // Someone deactivated the key by hand in the meantime.
    aws.iam.on(ListAccessKeysCommand, { UserName: USER }).resolves({ AccessKeyMetadata: [{ UserName: USER, AccessKeyId: SEEN_KEY, Status: 'Inactive', CreateDate: new Date('2023-06-01T00:00:00Z') }] });
    await expect(ir.apply(plan, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'DriftError', planId: plan.id, changes: [expect.objectContaining({ step: '1' })] });
    await expect(ir.apply(plan, { confirm: ACCOUNT })).rejects.toThrow(/the state changed since plan .* step 1 \(Deactivate access key, AKIATB3OASCE2WXFO55Z of user ci-deployer\): read \{"accessKeyId":"AKIATB3OASCE2WXFO55Z","status":"Active".*now \{"accessKeyId":"AKIATB3OASCE2WXFO55Z","status":"Inactive"/);
    expect(aws.changes()).toEqual([]);
  });

  it('lists the audit log after an apply and an undo', async () => {
    const plan = await ir.planUser(USER_ARN, { keys: [SEEN_KEY], steps: ['deactivate-keys'] });
    await ir.apply(plan, { confirm: ACCOUNT });
    await ir.actUndo(plan, { confirm: ACCOUNT });
    expect(ir.history(plan.id).map((e) => `${e.operation} ${e.step} ${e.outcome}`)).toEqual(['apply 1 applied', 'undo 1 undone']);
    ir.showHistory();
    expect(shown.join('')).toMatch(/UNDONE[\s\S]*2 entries/);
  });
});

describe('opening a session without credentials', () => {
  it('fails with one short CredentialsError: what was tried, the three fixes, the region; no stack trace when shown', async () => {
    const bare = mockedAws();
    bare.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const error = await openContainment({ incident: 'IR-1', region: 'eu-west-1', clients: bare.context.clients }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ name: 'CredentialsError', region: 'eu-west-1', reason: 'Could not load credentials from any providers', tried: expect.stringContaining("default chain") });
    const shown = inspect(error);
    expect(shown.startsWith('CredentialsError: no working AWS credentials (region eu-west-1)')).toBe(true);
    for (const fix of ['AWS_PROFILE', 'aws sso login --profile', 'instance role']) expect(shown).toContain(fix);
    expect(shown).not.toMatch(/^\s+at /m);
  });

  it('passes other failures through as they are', async () => {
    const bare = mockedAws();
    bare.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));
    const error = await openContainment({ incident: 'IR-1', region: 'eu-west-1', clients: bare.context.clients }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toContain('connect ETIMEDOUT');
  });
});
