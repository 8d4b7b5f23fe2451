/**
 * IAM and STS calls with the request and response shapes CloudTrail records: IAM is global
 * (logged in us-east-1), STS is called on regional endpoints as current SDKs do.
 */

import { BASE64, type Rng } from './prng';
import type { Call, JsonObject } from './record';
import { iamDate } from './clock';
import { assumedRoleArn, uniqueId, type RoleRef } from './identities';
import { api } from './api';

/**
 * An IAM call (always us-east-1).
 *
 * @example
 * iam('CreateUser', false, { userName: 'svc-sync' }, { user: { … } });
 */
export function iam(
  eventName: string,
  readOnly: boolean,
  requestParameters: JsonObject | null = null,
  responseElements: JsonObject | null = null,
): Call {
  return api('iam.amazonaws.com', eventName, 'us-east-1', readOnly, requestParameters, responseElements);
}

/**
 * `iam:CreateUser` with the response IAM logs.
 *
 * @example
 * createUser(PRODUCTION, 'svc-sync', t).responseElements; // { user: { userName: 'svc-sync', … } }
 */
export function createUser(account: string, userName: string, ms: number): Call {
  return iam(
    'CreateUser',
    false,
    { userName },
    {
      user: {
        path: '/',
        userName,
        userId: uniqueId('AIDA', account, userName),
        arn: `arn:aws:iam::${account}:user/${userName}`,
        createDate: iamDate(ms),
      },
    },
  );
}

/**
 * `iam:CreateRole` with a trust policy for one service, and the response IAM logs.
 *
 * @example
 * createRole(PRODUCTION, 'ec2-backup-role', 'ec2.amazonaws.com', t);
 */
export function createRole(account: string, roleName: string, trustedService: string, ms: number): Call {
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: trustedService }, Action: 'sts:AssumeRole' }],
  });
  return iam(
    'CreateRole',
    false,
    { roleName, assumeRolePolicyDocument: trust },
    {
      role: {
        path: '/',
        roleName,
        roleId: uniqueId('AROA', account, roleName),
        arn: `arn:aws:iam::${account}:role/${roleName}`,
        createDate: iamDate(ms),
        assumeRolePolicyDocument: encodeURIComponent(trust),
      },
    },
  );
}

/**
 * `iam:CreateAccessKey` for a user; the secret is never logged, the key id is.
 *
 * @example
 * createAccessKey('backup-admin', accessKeyId('AKIA', PRODUCTION, 'backup-admin'), t);
 */
export function createAccessKey(userName: string, keyId: string, ms: number): Call {
  return iam(
    'CreateAccessKey',
    false,
    { userName },
    {
      accessKey: { userName, accessKeyId: keyId, status: 'Active', createDate: iamDate(ms) },
    },
  );
}

/**
 * `sts:GetCallerIdentity` (regional endpoint, as current SDKs and CLIs use).
 *
 * @example
 * getCallerIdentity('us-west-2').eventName; // 'GetCallerIdentity'
 */
export function getCallerIdentity(region: string): Call {
  return api('sts.amazonaws.com', 'GetCallerIdentity', region, true);
}

/**
 * `sts:AssumeRole` of `r` with the credentials it hands out. `global` uses the legacy global
 * endpoint (instance profiles, the console) and so lands in us-east-1.
 *
 * @example
 * assumeRole(rng, role(PRODUCTION, 'WebAppInstanceRole'), 'i-0a1b…', t, 'us-east-1', 'ASIA…');
 */
export function assumeRole(
  rng: Rng,
  r: RoleRef,
  sessionName: string,
  ms: number,
  region: string,
  keyId: string,
  durationSeconds = 3600,
): Call {
  return api(
    'sts.amazonaws.com',
    'AssumeRole',
    region,
    false,
    { roleArn: r.arn, roleSessionName: sessionName, durationSeconds },
    {
      credentials: {
        accessKeyId: keyId,
        sessionToken: rng.chars(BASE64, 96),
        expiration: iamDate(ms + durationSeconds * 1000),
      },
      assumedRoleUser: { assumedRoleId: `${r.principalId}:${sessionName}`, arn: assumedRoleArn(r, sessionName) },
    },
    { resources: [{ accountId: r.accountId, type: 'AWS::IAM::Role', ARN: r.arn }], sharedEventID: rng.uuid() },
  );
}

/**
 * `sts:GetSessionToken` of an IAM user's long-term key, with the temporary credentials it
 * hands out (they stay valid after the key is deactivated, until they expire).
 *
 * @example
 * getSessionToken(rng, 'us-east-1', t, 'ASIA…', 129_600);
 */
export function getSessionToken(rng: Rng, region: string, ms: number, keyId: string, durationSeconds: number): Call {
  return api(
    'sts.amazonaws.com',
    'GetSessionToken',
    region,
    true,
    { durationSeconds },
    {
      credentials: {
        accessKeyId: keyId,
        sessionToken: rng.chars(BASE64, 96),
        expiration: iamDate(ms + durationSeconds * 1000),
      },
    },
  );
}
