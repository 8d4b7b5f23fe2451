import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetGroupPolicyCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { CreateSecurityGroupCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainmentRefusedError } from '../../lib/errors';
import { applyPlan } from '../../lib/containment/apply';
import { AuditLog, readAuditLog } from '../../lib/containment/audit-log';
import { stepOutput } from '../../lib/containment/calls';
import { makePlan } from '../../lib/containment/context';
import { planUserContainment } from '../../lib/containment/plan-user';
import { DENY_ALL_POLICY_NAME } from '../../lib/containment/policies';
import { undoPlan } from '../../lib/containment/undo';
import type { Plan } from '../../lib/containment/types';
import { encoded, mockUser, SEEN_KEY, USER, USER_ARN } from './iam-fixtures';
import { ACCOUNT, ANALYST_ARN, mockedAws, NOW, type MockedAws } from './mocked-aws';

let aws: MockedAws;
let dir: string;
let log: AuditLog;
let plan: Plan;

beforeEach(async () => {
  aws = mockedAws();
  mockUser(aws);
  aws.iam.on(GetGroupPolicyCommand).resolves({ PolicyDocument: encoded({ Version: '2012-10-17', Statement: [] }) });
  dir = mkdtempSync(join(tmpdir(), 'irbook-audit-'));
  log = new AuditLog({ file: join(dir, 'audit.jsonl'), headDir: join(dir, 'heads') });
  plan = await planUserContainment(aws.context, USER_ARN, { keys: [SEEN_KEY] });
  aws.iam.resetHistory();
  aws.sts.resetHistory();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const USER_CHANGES = [
  { service: 'iam', command: 'AttachUserPolicy', input: { UserName: USER, PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' } },
  { service: 'iam', command: 'UpdateAccessKey', input: { UserName: USER, AccessKeyId: SEEN_KEY, Status: 'Inactive' } },
  { service: 'iam', command: 'DeleteLoginProfile', input: { UserName: USER } },
];

describe('applyPlan guards', () => {
  it('changes nothing without confirm, or with another account, and says how to confirm', async () => {
    await expect(applyPlan(aws.context, log, plan)).rejects.toThrow(`confirm with the account id it acts on: { confirm: '${ACCOUNT}' }`);
    await expect(applyPlan(aws.context, log, plan, { confirm: '444455556666' })).rejects.toThrow(/confirm '444455556666' is not the account/);
    await expect(applyPlan(aws.context, log, plan)).rejects.toMatchObject({ name: 'GuardRefusedError', guard: 'confirm', target: plan.id });
    expect(aws.changes()).toEqual([]);
    expect(readAuditLog(log.file)).toEqual([]);
  });

  it('refuses when the credentials are now for another account', async () => {
    aws.sts.on(GetCallerIdentityCommand).resolves({ Account: '444455556666', Arn: 'arn:aws:sts::444455556666:assumed-role/Other/x', UserId: 'x' });
    await expect(applyPlan(aws.context, log, plan, { confirm: ACCOUNT })).rejects.toThrow(/credentials are for account 444455556666/);
    expect(aws.changes()).toEqual([]);
  });

  it('refuses when the credentials are now the target itself', async () => {
    aws.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: USER_ARN, UserId: 'AIDA' });
    await expect(applyPlan(aws.context, log, plan, { confirm: ACCOUNT })).rejects.toThrow(ContainmentRefusedError);
    expect(aws.changes()).toEqual([]);
  });

  it('refuses a plan built from state read over an hour ago', async () => {
    aws.setNow(new Date(NOW.getTime() + 61 * 60_000));
    await expect(applyPlan(aws.context, log, plan, { confirm: ACCOUNT })).rejects.toThrow(/read 61 min ago/);
    await expect(applyPlan(aws.context, log, plan, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'GuardRefusedError', guard: 'stale-plan' });
    expect(aws.changes()).toEqual([]);
  });

  it('refuses before any change when the audit log cannot be written', async () => {
    mkdirSync(join(dir, 'is-a-folder.jsonl'));
    const broken = new AuditLog({ file: join(dir, 'is-a-folder.jsonl'), headDir: join(dir, 'heads') });
    await expect(applyPlan(aws.context, broken, plan, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'AuditLogError', message: expect.stringMatching(/is-a-folder.jsonl: cannot be read .*nothing was changed/) });
    expect(aws.changes()).toEqual([]);
  });
});

describe('applyPlan', () => {
  it('sends the changes in order and logs each with its before-state, caller and outcome', async () => {
    const report = await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(report.ok).toBe(true);
    expect(aws.changes()).toEqual(USER_CHANGES);
    const entries = readAuditLog(log.file);
    expect(entries.map((e) => [e.step, e.outcome, e.request && 'command' in e.request ? e.request.command : null])).toEqual([
      ['1', 'applied', 'AttachUserPolicy'],
      ['2', 'applied', 'UpdateAccessKey'],
      ['3', 'applied', 'DeleteLoginProfile'],
    ]);
    const key = entries[1];
    expect(key).toMatchObject({
      operation: 'apply',
      planId: plan.id,
      incident: 'IR-2024-0319',
      account: ACCOUNT,
      caller: { arn: ANALYST_ARN, account: ACCOUNT },
      target: `${SEEN_KEY} of user ${USER}`,
      planTarget: USER_ARN,
      kind: 'user-access-key',
      before: { accessKeyId: SEEN_KEY, status: 'Active' },
    });
    expect(entries[2]?.before).toMatchObject({ loginProfile: true, created: '2024-03-19T06:55:00Z' });
    expect(Date.parse(entries[0]?.time ?? '')).toBe(NOW.getTime());
  });

  it('changes nothing the second time, and says so', async () => {
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    aws.iam.resetHistory();
    const again = await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([]);
    expect(again.summary).toMatch(/was already applied \(2024-03-19T09:00:00.000Z\); nothing changed/);
    expect(again.steps.map((s) => s.outcome)).toEqual(['already-applied', 'already-applied', 'already-applied']);
    expect(readAuditLog(log.file)).toHaveLength(3);
  });

  it('stops at the first failure; the log tells exactly what changed and what did not', async () => {
    aws.iam.on(UpdateAccessKeyCommand).rejectsOnce(Object.assign(new Error('User is not authorized to perform iam:UpdateAccessKey'), { name: 'AccessDenied' }));
    const report = await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(report.ok).toBe(false);
    expect(report.summary).toBe('step 2 (Deactivate access key) failed: User is not authorized to perform iam:UpdateAccessKey. 1 step(s) before it changed AWS in this run; 1 were not run');
    expect(aws.changes().map((c) => c.command)).toEqual(['AttachUserPolicy', 'UpdateAccessKey']);
    const entries = readAuditLog(log.file);
    expect(entries.map((e) => [e.step, e.outcome])).toEqual([
      ['1', 'applied'],
      ['2', 'failed'],
      ['3', 'not-run'],
    ]);
    expect(entries[1]?.error).toEqual({ name: 'AccessDenied', message: 'User is not authorized to perform iam:UpdateAccessKey' });

    // Fixed permissions: applying again repeats nothing that was done.
    aws.iam.on(UpdateAccessKeyCommand).resolves({});
    aws.iam.resetHistory();
    const retry = await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(retry.ok).toBe(true);
    expect(aws.changes().map((c) => c.command)).toEqual(['UpdateAccessKey', 'DeleteLoginProfile']);
    expect(retry.summary).toBe(`applied plan ${plan.id}: 2 change(s), 1 applied earlier, 0 step(s) needed none`);
    expect(retry.steps[0]).toMatchObject({ outcome: 'already-applied', detail: `applied earlier (${NOW.toISOString()}); not repeated` });
  });

  it('fills in a value an earlier step returned, in later calls, and undo derives its calls from the logged response', async () => {
    const instance = 'i-0123456789abcdef0';
    const synthetic = makePlan(aws.context, NOW, {
      kind: 'ec2-instance',
      name: instance,
      title: 'isolate',
      account: ACCOUNT,
      target: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${instance}`,
      steps: [
        {
          id: '1',
          kind: 'quarantine-group-create',
          action: 'Create quarantine group',
          target: 'vpc-0abc1234',
          current: 'absent',
          change: 'create',
          before: { groupName: 'irbook-quarantine', vpcId: 'vpc-0abc1234', exists: false },
          call: { service: 'ec2', command: 'CreateSecurityGroup', input: { GroupName: 'irbook-quarantine', Description: 'q', VpcId: 'vpc-0abc1234' } },
        },
        {
          id: '2',
          kind: 'interface-groups',
          action: 'Move interface',
          target: 'eni-0abc1234',
          current: 'sg-0old0000',
          change: 'quarantine',
          before: { networkInterfaceId: 'eni-0abc1234', groups: [{ id: 'sg-0old0000', name: 'web' }] },
          call: { service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0abc1234', Groups: [stepOutput('1', 'GroupId')] } },
        },
      ],
    });
    expect(synthetic.steps[0]?.undo).toEqual({ calls: [{ service: 'ec2', command: 'DeleteSecurityGroup', input: { GroupId: stepOutput('1', 'GroupId') } }] });
    aws.ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-0quarantine1' });
    aws.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: instance, NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0abc1234' }] }] }] });
    await applyPlan(aws.context, log, synthetic, { confirm: ACCOUNT });
    expect(aws.changes()[1]).toEqual({ service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0abc1234', Groups: ['sg-0quarantine1'] } });
    const entries = readAuditLog(log.file);
    expect(entries[0]?.response).toEqual({ GroupId: 'sg-0quarantine1' });
    expect(entries[0]).not.toHaveProperty('undo');
    aws.ec2.resetHistory();
    await undoPlan(aws.context, log, synthetic, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([
      { service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0abc1234', Groups: ['sg-0old0000'] } },
      { service: 'ec2', command: 'DeleteSecurityGroup', input: { GroupId: 'sg-0quarantine1' } },
    ]);
  });

  it('refuses an interface that is no longer attached to the plan\'s instance', async () => {
    const instance = 'i-0123456789abcdef0';
    const synthetic = makePlan(aws.context, NOW, {
      kind: 'ec2-instance',
      name: instance,
      title: 'isolate',
      account: ACCOUNT,
      target: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${instance}`,
      steps: [
        {
          id: '1',
          kind: 'interface-groups',
          action: 'Move interface',
          target: 'eni-0abc1234',
          current: 'sg-0old0000',
          change: 'quarantine',
          before: { networkInterfaceId: 'eni-0abc1234', groups: [{ id: 'sg-0old0000', name: 'web' }] },
          call: { service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0abc1234', Groups: ['sg-0quarantine1'] } },
        },
      ],
    });
    await applyPlan(aws.context, log, synthetic, { confirm: ACCOUNT });
    aws.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: instance, NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0other000' }] }] }] });
    aws.ec2.resetHistory();
    await expect(undoPlan(aws.context, log, synthetic, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'StepRefusedError', step: '1' });
    expect(aws.changes()).toEqual([]);
  });

  it('copies the log to S3 after every entry', async () => {
    const s3Log = new AuditLog({ file: join(dir, 's3.jsonl'), headDir: join(dir, 'heads'), s3Uri: 's3://ir-evidence.example/containment-audit/', s3Client: aws.context.clients.s3, incident: 'IR-2024-0319' });
    await applyPlan(aws.context, s3Log, plan, { confirm: ACCOUNT });
    const puts = aws.s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(3);
    expect(puts[0]?.Bucket).toBe('ir-evidence.example');
    expect(puts[0]?.Key).toMatch(/^containment-audit\/IR-2024-0319\/\d{8}T\d{6}Z-\d+\.jsonl$/);
    expect(new Set(puts.map((p) => p?.Key)).size).toBe(1);
    expect(String(puts[2]?.Body)).toBe(readFileSync(s3Log.file, 'utf8'));
    expect(String(puts[0]?.Body).trim().split('\n')).toHaveLength(1);
  });
});

describe('undoPlan', () => {
  it('reverses applied steps newest first from the recorded before-state, and says what cannot be', async () => {
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    aws.iam.resetHistory();
    await expect(undoPlan(aws.context, log, plan)).rejects.toThrow(ContainmentRefusedError);
    const report = await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([
      { service: 'iam', command: 'UpdateAccessKey', input: { UserName: USER, AccessKeyId: SEEN_KEY, Status: 'Active' } },
      { service: 'iam', command: 'DetachUserPolicy', input: { UserName: USER, PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' } },
    ]);
    expect(report.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['3', 'cannot-undo'],
      ['2', 'undone'],
      ['1', 'undone'],
    ]);
    expect(report.steps[0]?.detail).toMatch(/a deleted password cannot be restored/);
    expect(report.summary).toMatch(/undid 2 step\(s\).*step\(s\) 3 cannot be undone/);
    const undoEntries = readAuditLog(log.file).filter((e) => e.operation === 'undo');
    expect(undoEntries.map((e) => [e.step, e.outcome])).toEqual([
      ['3', 'cannot-undo'],
      ['2', 'undone'],
      ['1', 'undone'],
    ]);
    expect(undoEntries[1]?.before).toMatchObject({ status: 'Active' });

    aws.iam.resetHistory();
    const again = await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([]);
    expect(again.summary).toBe(`nothing changed: plan ${plan.id} was already undone; step(s) 3 cannot be undone`);
    expect(again.steps.map((s) => s.outcome)).toEqual(['cannot-undo', 'already-undone', 'already-undone']);
    expect(readAuditLog(log.file).filter((e) => e.operation === 'undo')).toHaveLength(3);
  });

  it('undoes one step from its audit entry, read back from the file', async () => {
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    aws.iam.resetHistory();
    const keyEntry = readAuditLog(log.file).find((e) => e.step === '2');
    if (!keyEntry) throw new Error('no entry for step 2');
    await undoPlan(aws.context, log, keyEntry, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([{ service: 'iam', command: 'UpdateAccessKey', input: { UserName: USER, AccessKeyId: SEEN_KEY, Status: 'Active' } }]);
    // The plan can be applied again: only the undone step is repeated.
    aws.iam.resetHistory();
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes().map((c) => c.command)).toEqual(['UpdateAccessKey']);
  });

  it('undoes a plan by its id, as after a kernel restart, and names an id the log does not have', async () => {
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    aws.iam.resetHistory();
    const report = await undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT });
    expect(report.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['3', 'cannot-undo'],
      ['2', 'undone'],
      ['1', 'undone'],
    ]);
    expect(aws.changes().map((c) => c.command)).toEqual(['UpdateAccessKey', 'DetachUserPolicy']);
    await expect(undoPlan(aws.context, log, 'iam-user/nobody/20240101T000000.000Z', { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'TargetNotFoundError', target: 'iam-user/nobody/20240101T000000.000Z' });
  });

  it('reports a failed undo and what was not tried', async () => {
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    aws.iam.on(UpdateAccessKeyCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const report = await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(report.ok).toBe(false);
    expect(report.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['3', 'cannot-undo'],
      ['2', 'failed'],
      ['1', 'not-run'],
    ]);
    expect(aws.changes().filter((c) => c.command === 'DetachUserPolicy')).toEqual([]);
  });
});
