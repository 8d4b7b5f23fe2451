/**
 * A small CloudTrail log set crafted so the crafted rules (fixtures/crafted-rules.yml) meet
 * every modifier's edge: case and unicode, wildcards and their escapes, LIKE's own `%` and
 * `_`, numbers and booleans, JSON null, object and array members, keys missing or spelled
 * in another case, IPv4 and IPv6, fields compared with fields, and missing values under `not`.
 * Management events, S3 data events, events in neither OCSF table (a Lambda data event, an
 * Insights event, a network activity event) and records older than `eventCategory` are all
 * here, so the OCSF comparison meets its row rules too.
 */
import { join } from 'node:path';
import { deliveryFile, deliveryPath, writeFile } from '../support/cloudtrail-fixtures';

export type CraftedRecord = Record<string, unknown> & { eventID: string; eventTime: string };

const ACCOUNT = '111122223333';

const alice = {
  type: 'IAMUser',
  principalId: 'AIDAALICE',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAALICE0001',
  userName: 'alice',
};
const assumed = {
  type: 'AssumedRole',
  principalId: 'AROADEPLOY:ci',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/ci`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIADEPLOY0001',
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROADEPLOY', arn: `arn:aws:iam::${ACCOUNT}:role/deploy`, accountId: ACCOUNT, userName: 'deploy' },
    attributes: { creationDate: '2024-03-05T09:00:00Z', mfaAuthenticated: 'false' },
  },
};
const awsRole = {
  ...assumed,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/aws:ec2-instance/i-0abc`,
  principalId: 'AROAEC2:i-0abc',
};
const root = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };
const service = { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' };

let serial = 0;

/** A management event by alice from the office, with `overrides` (undefined removes a key). */
function event(overrides: Record<string, unknown>): CraftedRecord {
  serial++;
  const record: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: alice,
    eventTime: new Date(Date.UTC(2024, 2, 5, 10, 0, 0) + serial * 60_000).toISOString().replace('.000', ''),
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6',
    requestParameters: null,
    responseElements: null,
    requestID: `req-${serial}`,
    eventID: `crafted-${String(serial).padStart(3, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...overrides,
  };
  for (const [key, value] of Object.entries(record)) if (value === undefined) delete record[key];
  return record as CraftedRecord;
}

function s3Data(overrides: Record<string, unknown>): CraftedRecord {
  return event({
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    managementEvent: false,
    eventCategory: 'Data',
    resources: [{ ARN: 'arn:aws:s3:::reports/q1.csv', type: 'AWS::S3::Object' }, { ARN: 'arn:aws:s3:::reports', accountId: ACCOUNT, type: 'AWS::S3::Bucket' }],
    ...overrides,
  });
}

/** The crafted records, in time order. */
export function craftedRecords(): CraftedRecord[] {
  serial = 0;
  return [
    // Names: exact, other case, longer; the chain CreateUser/AttachUserPolicy/CreateAccessKey.
    event({ eventName: 'CreateUser', readOnly: false, requestParameters: { userName: 'alice' }, responseElements: { user: { userName: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/alice` } } }),
    event({ eventName: 'createuser', readOnly: false, requestParameters: { userName: 'ALICE' } }),
    event({ eventName: 'CreateUserX', readOnly: false, requestParameters: { userName: 'bob' } }),
    event({ eventName: 'AttachUserPolicy', readOnly: false, requestParameters: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } }),
    event({ eventName: 'CreateAccessKey', readOnly: false, requestParameters: { userName: 'bob' }, responseElements: { accessKey: { userName: 'bob', accessKeyId: 'AKIABOB', status: 'Active' } } }),
    event({ eventName: 'CreateAccessKey', readOnly: false, responseElements: { accessKey: { userName: 'alice', accessKeyId: 'AKIAALICE0002', status: 'Active' } } }),
    event({ eventName: 'CreateAccessKey', readOnly: false, requestParameters: { userName: 'carol' } }),
    // Failures: missing errorCode elsewhere; an empty message; a message on two lines.
    event({ eventName: 'DeleteUser', readOnly: false, errorCode: 'AccessDenied', errorMessage: 'User: alice is not authorized' }),
    event({ eventName: 'DeleteRole', readOnly: false, errorCode: 'accessdenied', errorMessage: '' }),
    event({ eventName: 'DeleteBucket', eventSource: 's3.amazonaws.com', readOnly: false, errorCode: 'Success', errorMessage: 'line1\nline2' }),
    event({ eventName: 'DeleteLoginProfile', readOnly: false, errorCode: 'NoSuchEntity', errorMessage: 'line1\rline2' }),
    event({ eventName: 'UpdateLoginProfile', readOnly: false, errorCode: 'Client.UnauthorizedOperation', errorMessage: 'line0\nline2x' }),
    // User agents: wildcard and escape characters, LIKE's own characters, unicode, case.
    event({ userAgent: 'S3 Browser 10.9.9 https://s3browser.com' }),
    event({ userAgent: 's3 BROWSER' }),
    event({ userAgent: 'Browser S3' }),
    event({ userAgent: 'TruffleHog', eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity' }),
    event({ userAgent: 'trufflehog v3.63', eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity' }),
    event({ userAgent: 'weird*agent?v1' }),
    event({ userAgent: 'weirdXXagentYv1' }),
    event({ userAgent: 'C:\\tools\\agent.exe' }),
    event({ userAgent: 'C:\\tools\\*' }),
    event({ userAgent: 'pct%_under' }),
    event({ userAgent: 'pctXYunder' }),
    event({ userAgent: 'Ünïcödé-АГЕНТ/1.0 🚀' }),
    event({ userAgent: 'ünïcödé-агент/1.0 x' }),
    event({ eventName: 'TagUser', readOnly: false, requestParameters: { userName: 'bob', note: 'naïve "quoted" text \\ end' } }),
    event({ userAgent: "it's-agent", requestParameters: { ratio: 1.5, big: 1234567890123 } }),
    event({ userAgent: 'Jersey/${project.version}', eventSource: 'signin.amazonaws.com', eventName: 'GetSigninToken' }),
    // Addresses: IPv4 in and out of networks, IPv6, names, a dotted quad that is no address.
    event({ sourceIPAddress: '10.1.2.3' }),
    event({ sourceIPAddress: '10.255.255.255', eventName: 'ListRoles' }),
    event({ sourceIPAddress: '11.0.0.1' }),
    event({ sourceIPAddress: '203.0.113.77', eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com' } }),
    event({ sourceIPAddress: '198.51.100.9', eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } }),
    event({ sourceIPAddress: '203.0.113.78', eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', errorMessage: 'Failed authentication', responseElements: { ConsoleLogin: 'Failure' }, additionalEventData: { MFAUsed: 'No' } }),
    event({ sourceIPAddress: '2001:db8::1' }),
    event({ sourceIPAddress: '2001:DB8:1:2::ff', eventName: 'ListRoles' }),
    event({ sourceIPAddress: 'fe80::1' }),
    event({ sourceIPAddress: 'ec2.amazonaws.com', userIdentity: service, eventType: 'AwsServiceEvent' }),
    event({ sourceIPAddress: 'AWS Internal', userIdentity: awsRole, eventSource: 'ssm.amazonaws.com', eventName: 'UpdateInstanceInformation' }),
    event({ sourceIPAddress: '10.0.0.256' }),
    // Identities: an assumed role, a role named like AWS's, root, a service.
    event({ userIdentity: assumed, eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', readOnly: false }),
    event({ userIdentity: awsRole, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' }),
    event({ userIdentity: root, eventName: 'GetAccountSummary' }),
    event({ userIdentity: root, eventName: 'EnableRegion', eventSource: 'account.amazonaws.com', eventType: 'AwsServiceEvent' }),
    // JSON members: numbers, booleans, null, objects, arrays, a key in another case, dotted text.
    event({ eventSource: 's3.amazonaws.com', eventName: 'PutBucketVersioning', readOnly: false, requestParameters: { bucketName: 'Ransom-Note-Pay', VersioningConfiguration: { Status: 'Suspended' } } }),
    event({ eventSource: 's3.amazonaws.com', eventName: 'PutBucketVersioning', readOnly: false, requestParameters: { bucketName: 'plain', VersioningConfiguration: { Status: 'Enabled' } } }),
    event({ eventSource: 's3.amazonaws.com', eventName: 'CreateBucket', readOnly: false, requestParameters: { BucketName: 'readme-to-restore', count: 5, flag: true, nothing: null, list: ['a', 'b'], obj: { x: 'y' }, negative: -3 } }),
    event({ eventSource: 's3.amazonaws.com', eventName: 'CreateBucket', readOnly: false, requestParameters: { bucketName: 'decrypt-files', count: '5', flag: 'TRUE', nothing: 'text', list: 'a', obj: 'x', negative: '-3' } }),
    event({ eventSource: 'rds.amazonaws.com', eventName: 'RestoreDBInstanceFromDBSnapshot', readOnly: false, responseElements: { publiclyAccessible: true, dBInstanceIdentifier: 'db1' } }),
    event({ eventSource: 'rds.amazonaws.com', eventName: 'RestoreDBInstanceFromDBSnapshot', readOnly: false, responseElements: { publiclyAccessible: false, dBInstanceIdentifier: 'db2' } }),
    event({ eventSource: 'ec2.amazonaws.com', eventName: 'CreateInstanceExportTask', readOnly: false, responseElements: { exportTask: { state: 'active' } } }),
    event({ eventSource: 'ec2.amazonaws.com', eventName: 'CreateInstanceExportTask', readOnly: false, errorCode: 'Client.InvalidParameter', errorMessage: 'bad' }),
    event({ eventSource: 'ec2.amazonaws.com', eventName: 'CreateInstanceExportTask', readOnly: false, responseElements: { result: 'Failure' } }),
    event({ eventSource: 'lambda.amazonaws.com', eventName: 'UpdateFunctionConfiguration20150331v2', readOnly: false, requestParameters: { functionName: 'f', layers: ['arn:aws:lambda:us-east-1:1:layer:x:1'] } }),
    // Every column of the table, and JSON members of every kind, on one record each.
    event({
      eventVersion: '1.08',
      eventTime: '2024-03-05T12:34:56Z',
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRoleWithWebIdentity',
      awsRegion: 'eu-west-1',
      sourceIPAddress: '198.51.100.200',
      userAgent: 'rich-agent/1.0',
      errorCode: 'ThrottlingException',
      errorMessage: 'Rate exceeded',
      requestID: 'rich-request',
      eventID: 'crafted-rich-1',
      eventType: 'AwsConsoleAction',
      apiVersion: '2011-06-15',
      recipientAccountId: '444455556666',
      sharedEventID: 'shared-1',
      vpcEndpointId: 'vpce-0abc',
      vpcEndpointAccountId: '777788889999',
      sessionCredentialFromConsole: 'true',
      addendum: { reason: 'DELIVERY_DELAY', updatedFields: 'userIdentity', originalRequestID: 'orig-req', originalEventID: 'orig-evt' },
      tlsDetails: { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: 'sts.eu-west-1.amazonaws.com' },
      serviceEventDetails: { state: 'completed', count: 3 },
      edgeDeviceDetails: { deviceId: 'edge-1' },
      additionalEventData: { SignatureVersion: 'SigV4', bytesTransferredIn: 12, nested: { deep: 'v' }, gone: null, 'x-amz-id-2': 'abc=' },
      userIdentity: {
        type: 'WebIdentityUser',
        principalId: 'oidc:sub-1',
        arn: 'arn:aws:sts::444455556666:assumed-role/web/sub-1',
        accountId: '444455556666',
        invokedBy: 'cloudformation.amazonaws.com',
        accessKeyId: 'ASIAWEB0001',
        userName: 'web-user',
        onBehalfOf: { userId: 'u-123', identityStoreArn: 'arn:aws:identitystore::444455556666:identitystore/d-1' },
        sessionContext: {
          attributes: { creationDate: '2024-03-05T12:00:00Z', mfaAuthenticated: 'true' },
          sessionIssuer: { type: 'Role', principalId: 'AROAWEB', arn: 'arn:aws:iam::444455556666:role/web', accountId: '444455556666', userName: 'web' },
          ec2RoleDelivery: '2.0',
          webIdFederationData: { federatedProvider: 'arn:aws:iam::444455556666:oidc-provider/token.example', attributes: { aud: 'sts.amazonaws.com', amr: 'authenticated' } },
        },
      },
    }),
    s3Data({ eventName: 'PutObject', readOnly: false, requestParameters: { bucketName: 'reports', key: 'up.csv' }, additionalEventData: { bytesTransferredIn: 100, 'x-amz-id-2': 'xyz=' }, tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'reports.s3.amazonaws.com' } }),
    // Data events: S3 (in s3_data), Lambda (in neither OCSF table), and two without eventCategory.
    s3Data({ requestParameters: { bucketName: 'reports', key: 'q1.csv' } }),
    s3Data({ eventName: 'DeleteObject', readOnly: false, requestParameters: { bucketName: 'reports', key: 'q1.csv' }, sourceIPAddress: '203.0.113.77' }),
    s3Data({ eventName: 'GetObject', userAgent: 'S3 Browser 9', requestParameters: { bucketName: 'reports', key: 'a/b*c' }, sourceIPAddress: '2001:db8::7' }),
    event({ eventSource: 'lambda.amazonaws.com', eventName: 'Invoke', managementEvent: false, eventCategory: 'Data', userAgent: 'S3 Browser lambda', sourceIPAddress: '10.9.9.9' }),
    event({ eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight', managementEvent: undefined, userAgent: 'S3 Browser insight', insightDetails: { state: 'Start', insightType: 'ApiCallRateInsight' } }),
    event({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventType: 'AwsVpceEvent', eventCategory: 'NetworkActivity', managementEvent: false, userAgent: 'S3 Browser vpce', errorCode: 'VpceAccessDenied' }),
    event({ eventVersion: '1.05', eventCategory: undefined, managementEvent: undefined, eventSource: 's3.amazonaws.com', eventName: 'GetObject', userAgent: 'S3 Browser old', resources: [{ ARN: 'arn:aws:s3:::old/k', type: 'AWS::S3::Object' }] }),
    event({ eventVersion: '1.05', eventCategory: undefined, managementEvent: undefined, eventName: 'CreateUser', requestParameters: { userName: 'carol' } }),
  ];
}

/** Writes the records as CloudTrail delivery files (a few per file) under `root`; returns them. */
export function writeCraftedLogs(root: string): CraftedRecord[] {
  const records = craftedRecords();
  const perFile = 7;
  for (let i = 0; i < records.length; i += perFile) {
    writeFile(deliveryPath(root, ACCOUNT, 'us-east-1', '2024-03-05', i / perFile + 1), deliveryFile(records.slice(i, i + perFile)));
  }
  return records;
}

/** The crafted rules' YAML file. */
export const CRAFTED_RULES = join(__dirname, 'fixtures', 'crafted-rules.yml');
