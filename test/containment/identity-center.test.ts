/**
 * Sessions of an IAM Identity Center role: the deny with aws:TokenIssueTime is merged into the
 * permission set's inline policy and provisioned to the role's account, waiting for Identity
 * Center to finish; undo restores the old inline policy (or deletes it) and provisions again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ProvisionPermissionSetCommand,
} from '@aws-sdk/client-sso-admin';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../lib/containment/apply';
import { GENESIS, lineHash, logLines, writeHead } from '../../lib/containment/audit-chain';
import { AuditLog } from '../../lib/containment/audit-log';
import { PERMISSION_SET_DENY_SID } from '../../lib/containment/identity-center';
import { planRoleRevocation } from '../../lib/containment/plan-role';
import { planSessionDeny } from '../../lib/containment/plan-session';
import { undoPlan } from '../../lib/containment/undo';
import { mockRole } from './iam-fixtures';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

const ROLE = 'AWSReservedSSO_AdminAccess_0123456789abcdef';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${ROLE}`;
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1111222233334444';
const ps = (n: number) => `arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-${String(n).repeat(16)}`;
const ADMIN_SET = ps(3);
const REVOKE_TIME = new Date('2024-03-19T08:30:00.000Z');
const EXISTING = { Version: '2012-10-17', Statement: [{ Sid: 'ReadLogs', Effect: 'Allow', Action: 'logs:Get*', Resource: '*' }] };
const DENY = { Sid: PERMISSION_SET_DENY_SID, Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': REVOKE_TIME.toISOString() } } };
const SET = { InstanceArn: INSTANCE, PermissionSetArn: ADMIN_SET };
const provision = { service: 'sso', command: 'ProvisionPermissionSet', input: { ...SET, TargetType: 'AWS_ACCOUNT', TargetId: ACCOUNT } };
const poll = { service: 'sso', command: 'DescribePermissionSetProvisioningStatus', input: { InstanceArn: INSTANCE, ProvisionPermissionSetRequestId: 'req-0001' } };

let aws: MockedAws;
let dir: string;
let log: AuditLog;

/** Identity Center as the management account's sso client sees it: one instance, the set on the last of three pages. */
function identityCenter(inline: unknown | null): void {
  aws.sso.on(ListInstancesCommand).resolves({ Instances: [], NextToken: 'i1' });
  aws.sso.on(ListInstancesCommand, { NextToken: 'i1' }).resolves({ Instances: [], NextToken: 'i2' });
  aws.sso.on(ListInstancesCommand, { NextToken: 'i2' }).resolves({ Instances: [{ InstanceArn: INSTANCE, IdentityStoreId: 'd-1234567890' }] });
  aws.sso.on(ListPermissionSetsCommand, { InstanceArn: INSTANCE }).resolves({ PermissionSets: [ps(1)], NextToken: 'p1' });
  aws.sso.on(ListPermissionSetsCommand, { InstanceArn: INSTANCE, NextToken: 'p1' }).resolves({ PermissionSets: [ps(2)], NextToken: 'p2' });
  aws.sso.on(ListPermissionSetsCommand, { InstanceArn: INSTANCE, NextToken: 'p2' }).resolves({ PermissionSets: [ADMIN_SET] });
  const names: Record<string, string> = { [ps(1)]: 'ReadOnly', [ps(2)]: 'Billing', [ADMIN_SET]: 'AdminAccess' };
  aws.sso.on(DescribePermissionSetCommand).callsFake((input: { PermissionSetArn: string }) => ({ PermissionSet: { Name: names[input.PermissionSetArn], PermissionSetArn: input.PermissionSetArn } }));
  aws.sso.on(GetInlinePolicyForPermissionSetCommand, SET).resolves({ InlinePolicy: inline === null ? '' : JSON.stringify(inline) });
  aws.sso.on(ProvisionPermissionSetCommand).resolves({ PermissionSetProvisioningStatus: { RequestId: 'req-0001', Status: 'IN_PROGRESS' } });
  aws.sso
    .on(DescribePermissionSetProvisioningStatusCommand)
    .resolvesOnce({ PermissionSetProvisioningStatus: { RequestId: 'req-0001', Status: 'IN_PROGRESS' } })
    .resolves({ PermissionSetProvisioningStatus: { RequestId: 'req-0001', Status: 'SUCCEEDED' } });
}

beforeEach(() => {
  aws = mockedAws();
  mockRole(aws, { roleName: ROLE, path: '/aws-reserved/sso.amazonaws.com/' });
  identityCenter(EXISTING);
  dir = mkdtempSync(join(tmpdir(), 'irbook-sso-'));
  log = new AuditLog({ file: join(dir, 'audit.jsonl'), headDir: join(dir, 'heads') });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ssoCalls = () => aws.sent().filter((c) => c.service === 'sso');

describe('an IAM Identity Center role', () => {
  it('is planned as a deny merged into its permission set, found across every page, then provisioned to this account; nothing is sent', async () => {
    const plan = await planRoleRevocation(aws.context, ROLE_ARN, { revokeBefore: REVOKE_TIME });
    expect(aws.changes()).toEqual([]);
    expect(ssoCalls().map((c) => c.command)).toEqual([
      'ListInstances', 'ListInstances', 'ListInstances',
      'ListPermissionSets', 'ListPermissionSets', 'ListPermissionSets',
      'DescribePermissionSet', 'DescribePermissionSet', 'DescribePermissionSet',
      'GetInlinePolicyForPermissionSet',
    ]);
    expect(plan.steps.map((s) => [s.id, s.kind, s.call?.command])).toEqual([
      ['1', 'permission-set-inline-policy', 'PutInlinePolicyToPermissionSet'],
      ['2', 'permission-set-provision', 'ProvisionPermissionSet'],
    ]);
    const merged = JSON.parse(String(plan.steps[0]?.call?.input.InlinePolicy));
    expect(merged).toEqual({ Version: '2012-10-17', Statement: [EXISTING.Statement[0], DENY] });
    expect(plan.steps[0]?.before).toEqual({ instanceArn: INSTANCE, permissionSetArn: ADMIN_SET, permissionSetName: 'AdminAccess', document: EXISTING });
    expect(plan.steps[0]?.undo).toEqual({ calls: [{ service: 'sso', command: 'PutInlinePolicyToPermissionSet', input: { ...SET, InlinePolicy: JSON.stringify(EXISTING) } }, provision] });
    expect(plan.steps[1]?.call).toEqual(provision);
    expect(plan).toMatchObject({ kind: 'iam-role', target: ROLE_ARN, account: ACCOUNT });
    expect(plan.notes.join('\n')).toMatch(/IAM cannot edit .*permission set AdminAccess's inline policy.*What remains: the user's AWS access portal session/s);
  });

  it('is refused without the confirmation; applied, it waits for provisioning; undo puts the old policy back and provisions again', async () => {
    const plan = await planRoleRevocation(aws.context, ROLE_ARN, { revokeBefore: REVOKE_TIME });
    aws.sso.resetHistory();
    await expect(applyPlan(aws.context, log, plan)).rejects.toMatchObject({ name: 'GuardRefusedError', guard: 'confirm' });
    expect(ssoCalls()).toEqual([]);

    const report = await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(report.ok).toBe(true);
    expect(ssoCalls()).toEqual([
      { service: 'sso', command: 'PutInlinePolicyToPermissionSet', input: { ...SET, InlinePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [EXISTING.Statement[0], DENY] }) } },
      provision,
      poll,
      poll,
    ]);

    aws.sso.resetHistory();
    aws.sso.on(DescribePermissionSetProvisioningStatusCommand).resolves({ PermissionSetProvisioningStatus: { RequestId: 'req-0001', Status: 'SUCCEEDED' } });
    const undone = await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(undone.steps.map((s) => [s.step, s.outcome])).toEqual([['2', 'undone'], ['1', 'undone']]);
    expect(ssoCalls()).toEqual([
      { service: 'sso', command: 'DescribePermissionSet', input: SET },
      { service: 'sso', command: 'PutInlinePolicyToPermissionSet', input: { ...SET, InlinePolicy: JSON.stringify(EXISTING) } },
      provision,
      poll,
    ]);
  });

  it('with no inline policy before, undo deletes the one it wrote', async () => {
    identityCenter(null);
    const plan = await planRoleRevocation(aws.context, ROLE_ARN, { revokeBefore: REVOKE_TIME });
    expect(JSON.parse(String(plan.steps[0]?.call?.input.InlinePolicy))).toEqual({ Version: '2012-10-17', Statement: [DENY] });
    expect(plan.steps[0]?.undo).toEqual({ calls: [{ service: 'sso', command: 'DeleteInlinePolicyFromPermissionSet', input: SET }, provision] });
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    aws.sso.resetHistory();
    await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes().map((c) => c.command)).toEqual(['DeleteInlinePolicyFromPermissionSet', 'ProvisionPermissionSet']);
  });

  it('reports a failed provisioning as a failed step', async () => {
    aws.sso.on(DescribePermissionSetProvisioningStatusCommand).resolves({ PermissionSetProvisioningStatus: { RequestId: 'req-0001', Status: 'FAILED', FailureReason: 'Received a 404 status error: Not supported policy' } });
    const plan = await planRoleRevocation(aws.context, ROLE_ARN, { revokeBefore: REVOKE_TIME });
    const report = await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(report.ok).toBe(false);
    expect(report.steps.map((s) => [s.step, s.outcome])).toEqual([['1', 'applied'], ['2', 'failed']]);
    expect(report.steps[1]?.detail).toContain('ProvisioningError: permission set');
    expect(report.steps[1]?.detail).toContain('Not supported policy');
  });

  it('a session of it is planned the same way', async () => {
    const plan = await planSessionDeny(aws.context, `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/erin@example.com`, { revokeBefore: REVOKE_TIME });
    expect(plan.kind).toBe('role-session');
    expect(plan.steps.map((s) => s.call?.command)).toEqual(['PutInlinePolicyToPermissionSet', 'ProvisionPermissionSet']);
    // A narrower deny cannot be had: asking for one is refused, not ignored.
    await expect(planSessionDeny(aws.context, ROLE_ARN, { sourceIdentity: 'erin@example.com' })).rejects.toMatchObject({ name: 'OptionError', option: 'sourceIdentity' });
  });

  it('needs no change when the set already denies sessions issued before a later time', async () => {
    identityCenter({ Version: '2012-10-17', Statement: [{ ...DENY, Condition: { DateLessThan: { 'aws:TokenIssueTime': '2024-03-19T09:00:00.000Z' } } }] });
    const plan = await planRoleRevocation(aws.context, ROLE_ARN, { revokeBefore: REVOKE_TIME });
    expect(plan.steps.every((s) => s.call === undefined)).toBe(true);
    expect(plan.steps[0]?.change).toMatch(/^none: sessions issued before 2024-03-19T09:00:00.000Z/);
  });

  it('is refused, saying where Identity Center is run from, when these credentials see no instance', async () => {
    aws.sso.reset();
    const error = await planRoleRevocation(aws.context, ROLE_ARN).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'GuardRefusedError', guard: 'identity-center-role', reason: expect.stringContaining("organization's management account or its delegated administrator") });
    expect(aws.changes()).toEqual([]);
  });

  it('with a rewritten log naming another permission set, undo refuses before any call', async () => {
    const plan = await planRoleRevocation(aws.context, ROLE_ARN, { revokeBefore: REVOKE_TIME });
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    const rewrite = (change: (entry: Record<string, any>) => void) => {
      const out: string[] = [];
      for (const [index, line] of logLines(readFileSync(log.file, 'utf8')).entries()) {
        const entry = JSON.parse(line) as Record<string, any>;
        change(entry);
        out.push(JSON.stringify({ ...entry, prev: index === 0 ? GENESIS : lineHash(out[index - 1]!) }));
      }
      writeFileSync(log.file, `${out.join('\n')}\n`);
      writeHead(log.headDir, { file: log.file, entries: out.length, head: lineHash(out.at(-1)!) });
    };
    rewrite((entry) => {
      if (entry.step === '1') entry.before = { ...entry.before, permissionSetArn: ps(1), permissionSetName: 'ReadOnly' };
    });
    aws.sso.resetHistory();
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'StepRefusedError', step: '1', reason: expect.stringContaining('is not the one role') });
    expect(aws.changes()).toEqual([]);
  });
});
