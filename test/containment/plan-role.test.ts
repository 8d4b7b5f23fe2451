import { GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { ContainmentRefusedError, OptionError } from '../../lib/errors';
import { planRoleRevocation, denyAllTrustPolicy } from '../../lib/containment/plan-role';
import { planSessionDeny, sessionPolicyName, sourceIdentityPolicyName } from '../../lib/containment/plan-session';
import { REVOKE_OLDER_SESSIONS_POLICY_NAME } from '../../lib/containment/policies';
import { encoded, mockRole, ROLE, ROLE_ARN, ROLE_ID } from './iam-fixtures';
import { ACCOUNT, ANALYST_ARN, mockedAws, NOW, type MockedAws } from './mocked-aws';

let aws: MockedAws;
beforeEach(() => {
  aws = mockedAws();
  mockRole(aws);
});

const REVOKE_TIME = new Date('2024-03-22T15:00:00.000Z');

describe('planRoleRevocation', () => {
  it('plans the console’s AWSRevokeOlderSessions policy, reading the role and changing nothing', async () => {
    const plan = await planRoleRevocation(aws.context, ROLE_ARN, { revokeBefore: REVOKE_TIME });
    expect(aws.changes()).toEqual([]);
    expect(aws.sent().map((c) => c.command)).toEqual(['GetRole', 'GetRolePolicy', 'ListAttachedRolePolicies', 'ListRolePolicies']);
    expect(plan.steps).toHaveLength(1);
    const step = plan.steps[0];
    expect(step?.call).toEqual({
      service: 'iam',
      command: 'PutRolePolicy',
      input: {
        RoleName: ROLE,
        PolicyName: 'AWSRevokeOlderSessions',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': '2024-03-22T15:00:00.000Z' } } }],
        }),
      },
    });
    expect(step?.undo).toEqual({ calls: [{ service: 'iam', command: 'DeleteRolePolicy', input: { RoleName: ROLE, PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME } }] });
    expect(plan.tables[1]?.rows).toContainEqual(['role', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'managed', '']);
  });

  it('defaults the time to now, and takes a session ARN as its role', async () => {
    const plan = await planRoleRevocation(aws.context, `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/i-0a3f9c2e7b1d45e68`);
    expect(plan.steps[0]?.call?.input.PolicyDocument).toContain(NOW.toISOString());
  });

  it('keeps an existing later revocation, and restores an earlier one on undo', async () => {
    const later = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': '2024-03-23T00:00:00Z' } } }] };
    aws.iam.on(GetRolePolicyCommand, { RoleName: ROLE, PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME }).resolves({ PolicyDocument: encoded(later) });
    const kept = await planRoleRevocation(aws.context, ROLE, { revokeBefore: REVOKE_TIME });
    expect(kept.steps[0]?.call).toBeUndefined();
    expect(kept.steps[0]?.change).toMatch(/^none: sessions issued before 2024-03-23T00:00:00Z/);

    const earlier = { ...later, Statement: [{ ...later.Statement[0], Condition: { DateLessThan: { 'aws:TokenIssueTime': '2024-03-01T00:00:00Z' } } }] };
    aws.iam.on(GetRolePolicyCommand, { RoleName: ROLE, PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME }).resolves({ PolicyDocument: encoded(earlier) });
    const replaced = await planRoleRevocation(aws.context, ROLE, { revokeBefore: REVOKE_TIME });
    expect(replaced.steps[0]?.undo).toEqual({
      calls: [{ service: 'iam', command: 'PutRolePolicy', input: { RoleName: ROLE, PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME, PolicyDocument: JSON.stringify(earlier) } }],
    });
  });

  it('replaces the trust policy only when asked, keeping the old one for undo', async () => {
    const plan = await planRoleRevocation(aws.context, ROLE, { revokeBefore: REVOKE_TIME, trustPolicy: 'deny-all' });
    const trust = plan.steps[1];
    expect(trust?.call).toEqual({ service: 'iam', command: 'UpdateAssumeRolePolicy', input: { RoleName: ROLE, PolicyDocument: JSON.stringify(denyAllTrustPolicy()) } });
    const old = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    expect(trust?.before).toEqual({ trustPolicy: old });
    expect(trust?.undo).toEqual({ calls: [{ service: 'iam', command: 'UpdateAssumeRolePolicy', input: { RoleName: ROLE, PolicyDocument: JSON.stringify(old) } }] });
  });

  it('refuses the notebook’s own role, service-linked roles and Identity Center roles', async () => {
    await expect(planRoleRevocation(aws.context, `arn:aws:iam::${ACCOUNT}:role/IrbookNotebookRole`)).rejects.toThrow(/the role this notebook runs as/);
    expect(aws.sent()).toEqual([]);
    mockRole(aws, { roleName: 'AWSServiceRoleForSupport', path: '/aws-service-role/support.amazonaws.com/' });
    await expect(planRoleRevocation(aws.context, 'AWSServiceRoleForSupport')).rejects.toThrow(/service-linked/);
    mockRole(aws, { roleName: 'AWSReservedSSO_Admin_0123', path: '/aws-reserved/sso.amazonaws.com/' });
    await expect(planRoleRevocation(aws.context, 'AWSReservedSSO_Admin_0123')).rejects.toThrow(ContainmentRefusedError);
  });
});

describe('planSessionDeny', () => {
  const SESSION = 'erin+ir=x,y@example.com';
  const sessionArn = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/${SESSION}`;

  it('denies exactly <role id>:<session name> when asked, issued before now, passing the name untouched, and says it is weak', async () => {
    const plan = await planSessionDeny(aws.context, sessionArn, { denySessionName: true });
    expect(plan.notes.join('\n')).toMatch(/WEAK: .*whoever calls AssumeRole chooses the name/);
    const call = plan.steps[0]?.call;
    expect(call?.command).toBe('PutRolePolicy');
    expect(call?.input.RoleName).toBe(ROLE);
    expect(call?.input.PolicyName).toBe(`irbook-deny-session-${SESSION}`);
    expect(JSON.parse(String(call?.input.PolicyDocument))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'IrbookContainmentDenySession',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:userid': `${ROLE_ID}:${SESSION}` }, DateLessThan: { 'aws:TokenIssueTime': NOW.toISOString() } },
        },
      ],
    });
    expect(plan.steps[0]?.undo).toEqual({ calls: [{ service: 'iam', command: 'DeleteRolePolicy', input: { RoleName: ROLE, PolicyName: sessionPolicyName(SESSION) } }] });
    expect(aws.sent().find((c) => c.command === 'GetRolePolicy')?.input).toEqual({ RoleName: ROLE, PolicyName: sessionPolicyName(SESSION) });
    expect(aws.changes()).toEqual([]);
  });

  it('without a time when told the identity provider is not trusted yet', async () => {
    const plan = await planSessionDeny(aws.context, ROLE_ARN, { sessionName: 'mallory', revokeBefore: null, denySessionName: true });
    expect(JSON.parse(String(plan.steps[0]?.call?.input.PolicyDocument)).Statement[0].Condition).toEqual({ StringEquals: { 'aws:userid': `${ROLE_ID}:mallory` } });
  });

  it('refuses a session of the notebook’s role, and a name that cannot be a session name', async () => {
    await expect(planSessionDeny(aws.context, ANALYST_ARN)).rejects.toThrow(/the role this notebook runs as/);
    await expect(planSessionDeny(aws.context, ROLE_ARN, { sessionName: 'has space' })).rejects.toThrow(OptionError);
    await expect(planSessionDeny(aws.context, ROLE_ARN, { denySessionName: true })).rejects.toThrow(/give the session name/);
  });

  // The conditions of a Deny statement, evaluated for one request (StringEquals and DateLessThan only).
  const denies = (document: string, request: Record<string, string>): boolean =>
    (JSON.parse(document) as { Statement: { Effect: string; Condition: Record<string, Record<string, string>> }[] }).Statement.some(
      (st) =>
        st.Effect === 'Deny' &&
        Object.entries(st.Condition).every(([op, entries]) =>
          Object.entries(entries).every(([key, value]) =>
            op === 'StringEquals' ? request[key] === value : op === 'DateLessThan' ? request[key] !== undefined && Date.parse(request[key]!) < Date.parse(value) : false,
          ),
        ),
    );

  it('with a source identity: denies it, so a session under a new name stays denied, and others are not', async () => {
    const plan = await planSessionDeny(aws.context, sessionArn, { sourceIdentity: 'erin@example.com' });
    const call = plan.steps[0]?.call;
    expect(call?.input.PolicyName).toBe(sourceIdentityPolicyName('erin@example.com'));
    const document = String(call?.input.PolicyDocument);
    const later = new Date(NOW.getTime() + 3_600_000).toISOString();
    // The attacker assumes the role again and picks a new session name.
    expect(denies(document, { 'aws:userid': `${ROLE_ID}:innocent-name`, 'aws:SourceIdentity': 'erin@example.com', 'aws:TokenIssueTime': later })).toBe(true);
    expect(denies(document, { 'aws:userid': `${ROLE_ID}:bob`, 'aws:SourceIdentity': 'bob@example.com', 'aws:TokenIssueTime': later })).toBe(false);
    // A name-only deny would have let the renamed session through.
    const byName = await planSessionDeny(aws.context, sessionArn, { denySessionName: true, revokeBefore: null });
    expect(denies(String(byName.steps[0]?.call?.input.PolicyDocument), { 'aws:userid': `${ROLE_ID}:innocent-name`, 'aws:SourceIdentity': 'erin@example.com' })).toBe(false);
  });

  it('without a source identity: revokes every older session of the role, and says why a name deny is not enough', async () => {
    const plan = await planSessionDeny(aws.context, sessionArn);
    expect(plan.steps[0]).toMatchObject({ kind: 'role-inline-policy', call: { command: 'PutRolePolicy', input: { RoleName: ROLE, PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME } } });
    const document = String(plan.steps[0]?.call?.input.PolicyDocument);
    const earlier = new Date(NOW.getTime() - 60_000).toISOString();
    expect(denies(document, { 'aws:userid': `${ROLE_ID}:any-new-name`, 'aws:TokenIssueTime': earlier })).toBe(true);
    expect(plan.notes.join('\n')).toMatch(/not enough: whoever calls AssumeRole chooses the name.*revokes every session of WebAppInstanceRole/s);
  });
});
