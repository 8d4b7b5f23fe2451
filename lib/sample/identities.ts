/**
 * The sample's accounts and regions, and builders for each `userIdentity` shape CloudTrail
 * writes. Ids (AIDA…, AROA…, AKIA…, ASIA…) are hashed from what they name, so the same user
 * has the same ids in every run and every seed.
 */

import { BASE32, hashChars } from './prng';
import { Memo } from './memo';
import { eventTime } from './clock';
import type { UserIdentity } from './record';

const roles = new Memo<RoleRef>();
const ssoRoles = new Memo<RoleRef>();

/** The production workload account. */
export const PRODUCTION = '111122223333';
/** The security / tooling account (log archive, Athena, the notebooks). */
export const SECURITY = '444455556666';

/** Both accounts of the sample with their role in the organization. */
export const ACCOUNTS = [
  { id: PRODUCTION, name: 'production' },
  { id: SECURITY, name: 'security-tooling' },
] as const;

/** The regions the trails cover. */
export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;
/** One of `REGIONS`. */
export type Region = (typeof REGIONS)[number];

/**
 * A long-term (`AKIA…`) or temporary (`ASIA…`) access key id, stable for the parts.
 *
 * @example
 * accessKeyId('ASIA', 'alice@example.com', 4711); // 'ASIA' + 16 base32 characters
 */
export function accessKeyId(kind: 'AKIA' | 'ASIA', ...parts: readonly (string | number)[]): string {
  return kind + hashChars(BASE32, 16, kind, ...parts);
}

/**
 * A unique id as IAM shows it (`AIDA…` for users, `AROA…` for roles), 21 characters.
 *
 * @example
 * uniqueId('AIDA', '111122223333', 'bob'); // 'AIDA' + 17 base32 characters
 */
export function uniqueId(prefix: 'AIDA' | 'AROA', ...parts: readonly (string | number)[]): string {
  return prefix + hashChars(BASE32, 17, prefix, ...parts);
}

/**
 * `userIdentity` of an IAM user calling with a long-term access key.
 *
 * @example
 * iamUser(PRODUCTION, 'ci-deployer', 'AKIA…').arn; // 'arn:aws:iam::111122223333:user/ci-deployer'
 */
export function iamUser(account: string, userName: string, keyId: string): UserIdentity {
  return Object.freeze({
    type: 'IAMUser',
    principalId: uniqueId('AIDA', account, userName),
    arn: `arn:aws:iam::${account}:user/${userName}`,
    accountId: account,
    accessKeyId: keyId,
    userName,
  });
}

/**
 * `userIdentity` of an IAM user's console session (temporary key, MFA recorded); pass no key
 * for the `ConsoleLogin` record itself, which carries none.
 *
 * @example
 * iamUserConsole(PRODUCTION, 'bob'); // the ConsoleLogin record's identity
 * iamUserConsole(PRODUCTION, 'bob', Date.UTC(2024, 2, 4, 14), 'ASIA…'); // calls in the session
 */
export function iamUserConsole(account: string, userName: string, creationMs = 0, keyId?: string): UserIdentity {
  const id: UserIdentity = {
    type: 'IAMUser',
    principalId: uniqueId('AIDA', account, userName),
    arn: `arn:aws:iam::${account}:user/${userName}`,
    accountId: account,
  };
  if (keyId === undefined) {
    id.userName = userName;
    return Object.freeze(id);
  }
  id.accessKeyId = keyId;
  id.userName = userName;
  id.sessionContext = { attributes: { creationDate: eventTime(creationMs), mfaAuthenticated: 'true' } };
  return Object.freeze(id);
}

/** An IAM role as the session issuer of assumed-role identities. */
export interface RoleRef {
  readonly accountId: string;
  readonly roleName: string;
  readonly principalId: string;
  /** The role's IAM ARN, path included. */
  readonly arn: string;
}

/**
 * An IAM role; `path` is `/aws-reserved/sso.amazonaws.com/` for IAM Identity Center roles.
 *
 * @example
 * role(PRODUCTION, 'WebAppInstanceRole').arn; // 'arn:aws:iam::111122223333:role/WebAppInstanceRole'
 */
export function role(account: string, roleName: string, path = '/'): RoleRef {
  return roles.get(`${account}|${path}|${roleName}`, () => ({
    accountId: account,
    roleName,
    principalId: uniqueId('AROA', account, roleName),
    arn: `arn:aws:iam::${account}:role${path}${roleName}`,
  }));
}

/**
 * The role IAM Identity Center creates for a permission set in an account
 * (`AWSReservedSSO_<set>_<16 hex>`).
 *
 * @example
 * ssoRole(PRODUCTION, 'ReadOnly').roleName; // 'AWSReservedSSO_ReadOnly_…'
 */
export function ssoRole(account: string, permissionSet: 'AdministratorAccess' | 'ReadOnly'): RoleRef {
  return ssoRoles.get(`${account}|${permissionSet}`, () => {
    const suffix = hashChars('0123456789abcdef', 16, 'sso', account, permissionSet);
    return role(account, `AWSReservedSSO_${permissionSet}_${suffix}`, '/aws-reserved/sso.amazonaws.com/');
  });
}

/**
 * The assumed-role ARN of a session.
 *
 * @example
 * assumedRoleArn(role(PRODUCTION, 'WebAppInstanceRole'), 'i-0a3f9c2e7b1d45e68');
 * // 'arn:aws:sts::111122223333:assumed-role/WebAppInstanceRole/i-0a3f9c2e7b1d45e68'
 */
export function assumedRoleArn(r: RoleRef, sessionName: string): string {
  return `arn:aws:sts::${r.accountId}:assumed-role/${r.roleName}/${sessionName}`;
}

/** Extra facts about an assumed-role session. */
export interface SessionOptions {
  readonly mfa?: boolean;
  /** The AWS service acting with the role (service-linked roles). */
  readonly invokedBy?: string;
  /** Credentials delivered through the EC2 instance metadata service (IMDSv2). */
  readonly ec2?: boolean;
}

/**
 * `userIdentity` of a role session.
 *
 * @example
 * assumedRole(ssoRole(PRODUCTION, 'ReadOnly'), 'carol@example.com', 'ASIA…', Date.UTC(2024, 2, 5, 14));
 */
export function assumedRole(
  r: RoleRef,
  sessionName: string,
  keyId: string,
  creationMs: number,
  options: SessionOptions = {},
): UserIdentity {
  const id: UserIdentity = {
    type: 'AssumedRole',
    principalId: `${r.principalId}:${sessionName}`,
    arn: assumedRoleArn(r, sessionName),
    accountId: r.accountId,
    accessKeyId: keyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: r.principalId,
        arn: r.arn,
        accountId: r.accountId,
        userName: r.roleName,
      },
      webIdFederationData: {},
      attributes: { creationDate: eventTime(creationMs), mfaAuthenticated: options.mfa ? 'true' : 'false' },
    },
  };
  if (options.ec2 && id.sessionContext) id.sessionContext.ec2RoleDelivery = '2.0';
  if (options.invokedBy) id.invokedBy = options.invokedBy;
  return Object.freeze(id);
}

/**
 * `userIdentity` of an AWS service acting on its own (`AssumeRole` for an instance profile,
 * CloudTrail checking its bucket).
 *
 * @example
 * awsService('ec2.amazonaws.com'); // { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' }
 */
export function awsService(invokedBy: string): UserIdentity {
  return Object.freeze({ type: 'AWSService', invokedBy });
}

/**
 * `userIdentity` of an `AwsServiceEvent` (no type: the service itself raised the event).
 *
 * @example
 * serviceEvent(PRODUCTION, 'backup.amazonaws.com');
 */
export function serviceEvent(account: string, invokedBy: string): UserIdentity {
  return Object.freeze({ accountId: account, invokedBy });
}

/**
 * `userIdentity` of the account's root user.
 *
 * @example
 * root(SECURITY).arn; // 'arn:aws:iam::444455556666:root'
 */
export function root(account: string): UserIdentity {
  return Object.freeze({
    type: 'Root',
    principalId: account,
    arn: `arn:aws:iam::${account}:root`,
    accountId: account,
    accessKeyId: '',
  });
}

/**
 * `userIdentity` of a federated user made by `GetFederationToken` from an IAM user.
 *
 * @example
 * federatedUser(PRODUCTION, 'reporting-portal', 'reporting-svc', 'ASIA…', Date.UTC(2024, 2, 5, 8));
 */
export function federatedUser(
  account: string,
  name: string,
  issuerUser: string,
  keyId: string,
  creationMs: number,
): UserIdentity {
  const issuerId = uniqueId('AIDA', account, issuerUser);
  const id: UserIdentity = {
    type: 'FederatedUser',
    principalId: `${account}:${name}`,
    arn: `arn:aws:sts::${account}:federated-user/${name}`,
    accountId: account,
    accessKeyId: keyId,
    sessionContext: {
      sessionIssuer: {
        type: 'IAMUser',
        principalId: issuerId,
        arn: `arn:aws:iam::${account}:user/${issuerUser}`,
        accountId: account,
        userName: issuerUser,
      },
      webIdFederationData: {},
      attributes: { creationDate: eventTime(creationMs), mfaAuthenticated: 'false' },
    },
  };
  return Object.freeze(id);
}

/**
 * `userIdentity` of an `AssumeRoleWithSAML` call from IAM Identity Center.
 *
 * @example
 * samlUser(PRODUCTION, 'alice@example.com').type; // 'SAMLUser'
 */
export function samlUser(account: string, userName: string): UserIdentity {
  const provider = hashChars(BASE32, 28, 'saml', account);
  return Object.freeze({
    type: 'SAMLUser',
    principalId: `${provider}=:${userName}`,
    userName,
    identityProvider: provider + '=',
  });
}

/**
 * The SAML provider IAM Identity Center registers in each account.
 *
 * @example
 * ssoSamlProviderArn(PRODUCTION); // 'arn:aws:iam::111122223333:saml-provider/AWSSSO_…_DO_NOT_DELETE'
 */
export function ssoSamlProviderArn(account: string): string {
  return `arn:aws:iam::${account}:saml-provider/AWSSSO_${hashChars('0123456789abcdef', 16, 'idp', account)}_DO_NOT_DELETE`;
}
