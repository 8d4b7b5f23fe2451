/** IAM state for containment tests: a compromised user and a stolen role, as AWS returns them. */

import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { ACCOUNT, type MockedAws } from './mocked-aws';

export const USER = 'ci-deployer';
export const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/${USER}`;
export const SEEN_KEY = 'AKIATB3OASCE2WXFO55Z';
export const OTHER_KEY = 'AKIAOTHERKEYEXAMPLE1';
export const NEW_KEY = 'AKIANEWKEYINWINDOW01';
export const ROLE = 'WebAppInstanceRole';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
export const ROLE_ID = 'AROAEXAMPLEWEBAPP0001';
export const WINDOW = { start: new Date('2024-03-19T05:00:00Z'), end: new Date('2024-03-19T09:00:00Z') };

export const noSuchEntity = (what: string) => new NoSuchEntityException({ message: `The ${what} cannot be found.`, $metadata: { httpStatusCode: 404 } });

/** IAM URL-encodes the policy documents it returns. */
export const encoded = (document: unknown) => encodeURIComponent(JSON.stringify(document));

/**
 * A user with three keys (one seen in CloudTrail, one not, one created by the attacker during
 * the window and already inactive), a console password, an MFA device added in the window,
 * AdministratorAccess attached and a group with an inline `*` policy.
 */
export function mockUser(aws: MockedAws, userName = USER): void {
  const arn = `arn:aws:iam::${ACCOUNT}:user/${userName}`;
  aws.iam.on(GetUserCommand, { UserName: userName }).resolves({
    User: { UserName: userName, UserId: 'AIDAEXAMPLEUSER00001', Arn: arn, Path: '/', CreateDate: new Date('2023-01-10T00:00:00Z') },
  });
  aws.iam.on(ListAccessKeysCommand, { UserName: userName }).resolves({
    AccessKeyMetadata: [
      { UserName: userName, AccessKeyId: SEEN_KEY, Status: 'Active', CreateDate: new Date('2023-06-01T00:00:00Z') },
      { UserName: userName, AccessKeyId: OTHER_KEY, Status: 'Active', CreateDate: new Date('2023-07-01T00:00:00Z') },
    ],
    IsTruncated: true,
    Marker: 'page-2',
  });
  aws.iam.on(ListAccessKeysCommand, { UserName: userName, Marker: 'page-2' }).resolves({
    AccessKeyMetadata: [{ UserName: userName, AccessKeyId: NEW_KEY, Status: 'Inactive', CreateDate: new Date('2024-03-19T06:50:00Z') }],
    IsTruncated: false,
  });
  aws.iam.on(GetAccessKeyLastUsedCommand).resolves({
    UserName: userName,
    AccessKeyLastUsed: { LastUsedDate: new Date('2024-03-19T08:31:00Z'), ServiceName: 'sts', Region: 'us-west-2' },
  });
  aws.iam.on(GetUserPolicyCommand).rejects(noSuchEntity('user policy'));
  aws.iam.on(GetLoginProfileCommand, { UserName: userName }).resolves({
    LoginProfile: { UserName: userName, CreateDate: new Date('2024-03-19T06:55:00Z'), PasswordResetRequired: false },
  });
  aws.iam.on(ListMFADevicesCommand).resolves({
    MFADevices: [{ UserName: userName, SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/attacker-phone`, EnableDate: new Date('2024-03-19T07:00:00Z') }],
  });
  aws.iam.on(ListAttachedUserPoliciesCommand).resolves({
    AttachedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
  });
  aws.iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
  aws.iam.on(ListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'deployers', GroupId: 'AGPAEXAMPLE', Arn: `arn:aws:iam::${ACCOUNT}:group/deployers`, Path: '/', CreateDate: new Date() }] });
  aws.iam.on(ListAttachedGroupPoliciesCommand).resolves({ AttachedPolicies: [] });
  aws.iam.on(ListGroupPoliciesCommand).resolves({ PolicyNames: ['everything'] });
}

/** A role with its trust policy and no revocation policy yet. */
export function mockRole(aws: MockedAws, options: { path?: string; roleName?: string } = {}): void {
  const roleName = options.roleName ?? ROLE;
  aws.iam.on(GetRoleCommand, { RoleName: roleName }).resolves({
    Role: {
      RoleName: roleName,
      RoleId: ROLE_ID,
      Arn: `arn:aws:iam::${ACCOUNT}:role${options.path ?? '/'}${roleName}`,
      Path: options.path ?? '/',
      CreateDate: new Date('2023-01-01T00:00:00Z'),
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: encoded({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      RoleLastUsed: { LastUsedDate: new Date('2024-03-22T14:09:00Z'), Region: 'us-east-1' },
    },
  });
  aws.iam.on(GetRolePolicyCommand).rejects(noSuchEntity('role policy'));
  aws.iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }] });
  aws.iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
}
