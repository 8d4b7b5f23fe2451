/**
 * Background calls applications and the security team make: S3 object traffic, KMS,
 * Secrets Manager, the SSM agent on instances, and Athena queries from the notebooks.
 */

import { act, apiAction, type Action, type Ctx } from './action';
import { api, shared } from './api';
import { s3Object } from './s3-calls';
import { Memo } from './memo';
import { BUCKETS, SECRETS, instanceAddress, kmsKeyArn } from './inventory';
import { SECURITY } from './identities';
import type { Call } from './record';

const S3 = 's3.amazonaws.com';
const KMS = 'kms.amazonaws.com';
const SSM = 'ssm.amazonaws.com';

/**
 * S3 object reads and writes on some buckets (data events).
 *
 * @example
 * s3Traffic(['invoice-archive-prod'], 3, 1); // three reads for every write
 */
export function s3Traffic(bucketNames: readonly string[], getWeight: number, putWeight: number): Action[] {
  const buckets = BUCKETS.filter((b) => bucketNames.includes(b.name));
  const object = (c: Ctx, eventName: string, bytes: { bytesIn?: number; bytesOut?: number }): Call => {
    const b = c.rng.pick(buckets);
    const response =
      eventName === 'PutObject'
        ? {
            'x-amz-server-side-encryption': 'aws:kms',
            'x-amz-server-side-encryption-aws-kms-key-id': kmsKeyArn(b.account, b.region, 's3'),
          }
        : null;
    return s3Object(c.rng, eventName, b.region, b.account, b.name, b.key(c.rng, c.day), { ...bytes, response });
  };
  return [
    act(getWeight, S3, (c) => object(c, 'GetObject', { bytesOut: c.rng.int(200, 2_000_000) })),
    act(putWeight, S3, (c) => object(c, 'PutObject', { bytesIn: c.rng.int(200, 2_000_000) })),
    act(getWeight / 4, S3, (c) => object(c, 'HeadObject', {})),
  ];
}

const shareable = new Memo<Call>(256);

/** A call that depends only on its key, made once and reused (see `shared`). */
function once(key: string, make: () => Call): Call {
  return shareable.get(key, () => shared(make()));
}

function kmsCall(c: Ctx, eventName: string, request: { [key: string]: string }): Call {
  return once(`${eventName}|${c.account}|${c.region}`, () => {
    const key = { accountId: c.account, type: 'AWS::KMS::Key', ARN: kmsKeyArn(c.account, c.region, 'app') };
    return api(KMS, eventName, c.region, true, request, null, { resources: [key] });
  });
}

/** KMS data-key use by an application (envelope encryption). */
export const KMS_APP: readonly Action[] = [
  act(3, KMS, (c) => kmsCall(c, 'Decrypt', { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' })),
  act(1, KMS, (c) => kmsCall(c, 'GenerateDataKey', { keyId: `alias/app-${c.account}`, keySpec: 'AES_256' })),
];

/** Secrets an application reads at start-up and on cache expiry. */
export const SECRETS_APP: readonly Action[] = [
  apiAction(2, 'secretsmanager.amazonaws.com', 'GetSecretValue', true, (c) => ({ secretId: c.rng.pick(SECRETS) })),
];

/** The SSM agent on an instance (`session` is the instance id) checking in. */
export const SSM_AGENT: readonly Action[] = [
  act(
    4,
    SSM,
    (c) =>
      once(`agent|${c.session}|${c.region}`, () => {
        const ip = instanceAddress(c.session);
        return api(SSM, 'UpdateInstanceInformation', c.region, false, {
          instanceId: c.session,
          agentVersion: '3.3.40.0',
          agentStatus: 'Active',
          platformType: 'Linux',
          platformName: 'Amazon Linux',
          platformVersion: '2023',
          ipAddress: ip,
          computerName: `ip-${ip.replace(/\./g, '-')}.ec2.internal`,
          agentName: 'amazon-ssm-agent',
        });
      }),
    { deniable: false },
  ),
  apiAction(2, SSM, 'ListInstanceAssociations', true, (c) => ({ instanceId: c.session, maxResults: 20 }), {
    deniable: false,
  }),
  apiAction(1, SSM, 'GetParameters', true, () => ({
    names: ['/web/prod/feature-flags', '/web/prod/log-level'],
    withDecryption: true,
  })),
];

const ATHENA = 'athena.amazonaws.com';
const QUERIES = [
  "SELECT eventtime, useridentity.arn, eventname, errorcode FROM cloudtrail WHERE errorcode IN ('AccessDenied','Client.UnauthorizedOperation') LIMIT 100",
  'SELECT useridentity.arn, count(*) AS n FROM cloudtrail WHERE errorcode IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT 5',
  "SELECT eventtime, sourceipaddress, eventname FROM cloudtrail WHERE eventname = 'ConsoleLogin' LIMIT 200",
];

/** The security team's notebooks running Athena over the trail, and looking at findings. */
export const SECURITY_ANALYST: readonly Action[] = [
  act(2, ATHENA, (c) => {
    const request = {
      queryString: c.rng.pick(QUERIES),
      queryExecutionContext: { database: 'security_analysis' },
      workGroup: 'primary',
      resultConfiguration: { outputLocation: `s3://athena-results-${SECURITY}/notebooks/` },
    };
    return api(ATHENA, 'StartQueryExecution', c.region, false, request, { queryExecutionId: c.rng.uuid() });
  }),
  apiAction(6, ATHENA, 'GetQueryExecution', true, (c) => ({ queryExecutionId: c.rng.uuid() })),
  apiAction(2, ATHENA, 'GetQueryResults', true, (c) => ({ queryExecutionId: c.rng.uuid(), maxResults: 1000 })),
  apiAction(2, 'glue.amazonaws.com', 'GetTable', true, () => ({
    databaseName: 'security_analysis',
    name: 'cloudtrail',
  })),
  apiAction(2, 'guardduty.amazonaws.com', 'ListFindings', true, () => ({
    detectorId: '12abc34d567e8fa901bc2d34e56789f0',
    maxResults: 50,
  })),
  apiAction(2, 'securityhub.amazonaws.com', 'GetFindings', true, () => ({
    filters: { RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }] },
    maxResults: 100,
  })),
  apiAction(1, 'cloudtrail.amazonaws.com', 'LookupEvents', true, () => ({
    lookupAttributes: [{ attributeKey: 'EventName', attributeValue: 'ConsoleLogin' }],
    maxResults: 50,
  })),
  apiAction(1, 'cloudtrail.amazonaws.com', 'DescribeTrails', true, () => ({ includeShadowTrails: false })),
  apiAction(1, 'organizations.amazonaws.com', 'ListAccounts', true),
];
