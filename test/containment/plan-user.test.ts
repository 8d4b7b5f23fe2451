import {
  GetGroupPolicyCommand,
  GetLoginProfileCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../lib/containment/apply';
import { AuditLog } from '../../lib/containment/audit-log';
import { undoPlan } from '../../lib/containment/undo';
import { ContainmentRefusedError, OptionError } from '../../lib/errors';
import { INLINE_USER_POLICY_CHARACTERS, MANAGED_POLICIES_PER_USER, planUserContainment } from '../../lib/containment/plan-user';
import { DENY_ALL_POLICY_NAME, denyAllPolicy } from '../../lib/containment/policies';
import { encoded, mockUser, noSuchEntity, NEW_KEY, OTHER_KEY, SEEN_KEY, USER, USER_ARN, WINDOW } from './iam-fixtures';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

const DENY_ALL_ARN = 'arn:aws:iam::aws:policy/AWSDenyAll';
let aws: MockedAws;
beforeEach(() => {
  aws = mockedAws();
  mockUser(aws);
  aws.iam.on(GetGroupPolicyCommand).resolves({ PolicyDocument: encoded({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) });
});

describe('planUserContainment', () => {
  it('reads the user, pages through its keys, and changes nothing', async () => {
    await planUserContainment(aws.context, USER_ARN, { keys: [SEEN_KEY], window: WINDOW });
    expect(aws.changes()).toEqual([]);
    expect(aws.sent().map((c) => c.command)).toEqual([
      'GetUser',
      'ListAccessKeys',
      'ListAccessKeys',
      'GetAccessKeyLastUsed',
      'GetAccessKeyLastUsed',
      'GetAccessKeyLastUsed',
      'ListAttachedUserPolicies',
      'ListUserPolicies',
      'ListGroupsForUser',
      'ListAttachedGroupPolicies',
      'ListGroupPolicies',
      'GetGroupPolicy',
      'GetLoginProfile',
      'ListMFADevices',
    ]);
    expect(aws.sent()[2]?.input).toEqual({ UserName: USER, Marker: 'page-2' });
  });

  it('plans deny-all first, then the seen key, then the console password, with undo for each', async () => {
    const plan = await planUserContainment(aws.context, USER_ARN, { keys: [SEEN_KEY], window: WINDOW });
    expect(plan.account).toBe(ACCOUNT);
    expect(plan.kind).toBe('iam-user');
    expect(plan.target).toBe(USER_ARN);
    // The key created in the window is planned too (it is inactive already: no call).
    expect(plan.steps.map((s) => [s.id, s.call?.command, s.target])).toEqual([
      ['1', 'AttachUserPolicy', `user ${USER}: AWSDenyAll`],
      ['2', 'UpdateAccessKey', `${SEEN_KEY} of user ${USER}`],
      ['3', undefined, `${NEW_KEY} of user ${USER}`],
      ['4', 'DeleteLoginProfile', `user ${USER}`],
    ]);
    const [deny, key, , login] = plan.steps;
    expect(deny?.call?.input).toEqual({ UserName: USER, PolicyArn: DENY_ALL_ARN });
    expect(deny?.undo).toEqual({ calls: [{ service: 'iam', command: 'DetachUserPolicy', input: { UserName: USER, PolicyArn: DENY_ALL_ARN } }] });
    expect(key?.call?.input).toEqual({ UserName: USER, AccessKeyId: SEEN_KEY, Status: 'Inactive' });
    expect(key?.before).toMatchObject({ accessKeyId: SEEN_KEY, status: 'Active' });
    expect(key?.undo).toEqual({ calls: [{ service: 'iam', command: 'UpdateAccessKey', input: { UserName: USER, AccessKeyId: SEEN_KEY, Status: 'Active' } }] });
    expect(login?.before).toEqual({ loginProfile: true, created: '2024-03-19T06:55:00Z', passwordResetRequired: false });
    expect(login?.undo).toHaveProperty('cannot');
    expect(plan.notes.join('\n')).toContain(`Left active (not seen in the investigation): ${OTHER_KEY}.`);
    expect(plan.notes.join('\n')).toContain(`Also planned, though not seen in the investigation: ${NEW_KEY}, created during the incident window.`);
    expect(plan.notes.join('\n')).toContain('MFA device was enabled during the incident window');
  });

  it('flags keys and MFA devices created in the window, and the broad policies', async () => {
    const plan = await planUserContainment(aws.context, USER_ARN, { keys: [SEEN_KEY], window: WINDOW });
    const keys = plan.tables.find((t) => t.title.startsWith('Access keys'));
    expect(keys?.rows.find((r) => r[0] === NEW_KEY)?.[5]).toBe('YES');
    expect(keys?.rows.find((r) => r[0] === SEEN_KEY)?.[5]).toBe('');
    const permissions = plan.tables.find((t) => t.title.includes('blast radius'));
    expect(permissions?.rows).toContainEqual(['user', 'arn:aws:iam::aws:policy/AdministratorAccess', 'managed', 'BROAD: AdministratorAccess']);
    expect(permissions?.rows).toContainEqual(['group deployers', 'everything', 'inline', 'BROAD: allows *']);
  });

  it('deactivates every active key when no keys are given, and skips inactive ones', async () => {
    const plan = await planUserContainment(aws.context, USER, { steps: ['deactivate-keys'] });
    const calls = plan.steps.filter((s) => s.call).map((s) => s.call?.input.AccessKeyId);
    expect(calls).toEqual([SEEN_KEY, OTHER_KEY]);
    const inactive = plan.steps.find((s) => s.target.startsWith(NEW_KEY));
    expect(inactive?.call).toBeUndefined();
    expect(inactive?.change).toMatch(/^none/);
  });

  it('needs no change when the user is already contained', async () => {
    aws.iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: 'AWSDenyAll', PolicyArn: DENY_ALL_ARN }] });
    aws.iam.on(GetLoginProfileCommand).rejects(noSuchEntity('login profile'));
    aws.iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ AccessKeyId: SEEN_KEY, Status: 'Inactive', CreateDate: new Date() }] });
    const plan = await planUserContainment(aws.context, USER);
    expect(plan.steps.every((s) => s.call === undefined)).toBe(true);
    expect(plan.steps.map((s) => s.change.split(':')[0])).toEqual(['none', 'none', 'none']);
  });

  it('passes a name with unusual characters through untouched', async () => {
    const odd = 'svc+deploy=ci,ops.@-x_1';
    mockUser(aws, odd);
    const plan = await planUserContainment(aws.context, `arn:aws:iam::${ACCOUNT}:user/team/a/${odd}`, { steps: ['deny-all', 'deactivate-keys'] });
    expect(aws.sent()[0]).toEqual({ service: 'iam', command: 'GetUser', input: { UserName: odd } });
    expect(plan.steps.filter((s) => s.call).map((s) => s.call?.input.UserName)).toEqual([odd, odd, odd]);
    expect(plan.steps.map((s) => s.target)).toContain(`user ${odd}: AWSDenyAll`);
  });

  it('refuses the caller itself, another account, and bad input, before reading anything', async () => {
    const self = mockedAws({ callerArn: `arn:aws:iam::${ACCOUNT}:user/${USER}` });
    await expect(planUserContainment(self.context, USER_ARN)).rejects.toThrow(ContainmentRefusedError);
    await expect(planUserContainment(aws.context, `arn:aws:iam::444455556666:user/${USER}`)).rejects.toThrow(/account 444455556666.*credentials are for account 111122223333/);
    await expect(planUserContainment(aws.context, 'bad name!')).rejects.toThrow(OptionError);
    await expect(planUserContainment(aws.context, 'arn:aws:iam::111122223333:role/x')).rejects.toThrow(/role ARN, not a user/);
    await expect(planUserContainment(aws.context, USER, { steps: ['nuke' as never] })).rejects.toThrow(/'nuke' is not one of/);
    expect(self.sent()).toEqual([]);
  });

  it('writes the inline deny when asked, or when the user already has ten managed policies', async () => {
    const inline = await planUserContainment(aws.context, USER, { steps: ['deny-all'], denyAll: 'inline' });
    expect(inline.steps[0]).toMatchObject({ kind: 'user-deny-all', call: { command: 'PutUserPolicy', input: { UserName: USER, PolicyName: DENY_ALL_POLICY_NAME, PolicyDocument: JSON.stringify(denyAllPolicy()) } } });
    expect(inline.steps[0]?.undo).toEqual({ calls: [{ service: 'iam', command: 'DeleteUserPolicy', input: { UserName: USER, PolicyName: DENY_ALL_POLICY_NAME } }] });
    const ten = Array.from({ length: MANAGED_POLICIES_PER_USER }, (_, i) => ({ PolicyName: `P${i}`, PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/P${i}` }));
    aws.iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: ten });
    const full = await planUserContainment(aws.context, USER, { steps: ['deny-all'] });
    expect(full.steps[0]?.call?.command).toBe('PutUserPolicy');
    expect(full.notes.join('\n')).toContain('already has 10 managed policies');
  });

  it("refuses an inline deny that would not fit the user's 2,048-character inline quota", async () => {
    // Two inline policies of about 1,000 characters each (34 resources) (whitespace does not count).
    const big = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 34 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }] };
    const bigSize = JSON.stringify(big).length;
    aws.iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['a', 'b'] });
    aws.iam.on(GetUserPolicyCommand).callsFake((input: { PolicyName: string }) => {
      if (input.PolicyName === DENY_ALL_POLICY_NAME) throw noSuchEntity('policy');
      return { PolicyDocument: encoded(big) };
    });
    const denySize = JSON.stringify(denyAllPolicy()).length + DENY_ALL_POLICY_NAME.length;
    expect(2 * (bigSize + 1) + denySize).toBeGreaterThan(INLINE_USER_POLICY_CHARACTERS);
    const error = await planUserContainment(aws.context, USER, { steps: ['deny-all'], denyAll: 'inline' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TargetStateError', target: `user ${USER}`, reason: expect.stringContaining(`use ${2 * (bigSize + 1)} of 2048 characters`) });
    // One of them fits.
    aws.iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['a'] });
    expect(bigSize + 1 + denySize).toBeLessThanOrEqual(INLINE_USER_POLICY_CHARACTERS);
    await expect(planUserContainment(aws.context, USER, { steps: ['deny-all'], denyAll: 'inline' })).resolves.toBeDefined();
  });

  it('lists the roles the user assumed, whose sessions it does not end, with how to revoke each', async () => {
    const roles = [`arn:aws:iam::${ACCOUNT}:role/Deployer`, `arn:aws:iam::${ACCOUNT}:role/Admin`];
    const plan = await planUserContainment(aws.context, USER, { assumedRoles: [...roles, roles[0]!] });
    const table = plan.tables.find((t) => t.title.startsWith(`Roles ${USER} assumed`));
    expect(table?.rows.map((r) => r[0])).toEqual(roles);
    expect(table?.rows[1]?.[2]).toContain(`ir.planRole('${roles[1]}'`);
    expect(plan.notes.join('\n')).toMatch(/assumed 2 role\(s\).*does not end those role sessions/);
    const without = await planUserContainment(aws.context, USER);
    expect(without.notes.join('\n')).toContain('does not end role sessions it already assumed');
  });

  it('deactivates the MFA devices only when asked, recording each serial; undo says it cannot re-enable them', async () => {
    const serial = `arn:aws:iam::${ACCOUNT}:mfa/attacker-phone`;
    const plan = await planUserContainment(aws.context, USER, { steps: ['deactivate-mfa'], window: WINDOW });
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({
      kind: 'user-mfa-device',
      target: `${serial} of user ${USER}`,
      current: expect.stringContaining('during the incident window'),
      before: { serialNumber: serial, enabled: '2024-03-19T07:00:00Z' },
      call: { service: 'iam', command: 'DeactivateMFADevice', input: { UserName: USER, SerialNumber: serial } },
      undo: { cannot: expect.stringContaining(serial) },
    });
    // Applied with the account confirmed; undo sends nothing and says why.
    const dir = mkdtempSync(join(tmpdir(), 'irbook-mfa-'));
    try {
      const log = new AuditLog({ file: join(dir, 'audit.jsonl'), headDir: join(dir, 'heads') });
      await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
      expect(aws.changes()).toEqual([{ service: 'iam', command: 'DeactivateMFADevice', input: { UserName: USER, SerialNumber: serial } }]);
      aws.iam.resetHistory();
      const undone = await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
      expect(undone.steps.map((r) => r.outcome)).toEqual(['cannot-undo']);
      expect(aws.changes()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const byDefault = await planUserContainment(aws.context, USER, { window: WINDOW });
    expect(byDefault.steps.some((s) => s.kind === 'user-mfa-device')).toBe(false);
    expect(byDefault.notes.join('\n')).toContain("add 'deactivate-mfa' to steps");
  });

  it('says which user does not exist', async () => {
    await expect(planUserContainment(aws.context, 'nobody')).rejects.toThrow(`no IAM user 'nobody' in account ${ACCOUNT}`);
  });
});
