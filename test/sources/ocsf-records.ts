/**
 * Crafted CloudTrail records for the OCSF mapping tests, shaped as CloudTrail writes them
 * (the article's story: the IAM user Service_Backup creates a user, attaches a policy, reads
 * S3 objects). Tests derive their expectations from these objects.
 */

export type CloudTrailRecord = Record<string, unknown> & { eventID: string };

export const ACCOUNT = '111122223333';
/** The account that received some events (not the caller's), to tell accountid from actor.user.account.uid. */
export const OTHER_ACCOUNT = '444455556666';

export const SERVICE_BACKUP = {
  type: 'IAMUser',
  principalId: 'AIDASERVICEBACKUP0001',
  arn: `arn:aws:iam::${ACCOUNT}:user/Service_Backup`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIASERVICEBACKUP001',
  userName: 'Service_Backup',
  sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes: { creationDate: '2024-03-11T22:15:00Z', mfaAuthenticated: 'false' } },
};

export const OPS_ROLE_SESSION = {
  type: 'AssumedRole',
  principalId: 'AROAOPSROLE0001:alice',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Ops/alice`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAOPSSESSION0001',
  invokedBy: 'cloudformation.amazonaws.com',
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROAOPSROLE0001', arn: `arn:aws:iam::${ACCOUNT}:role/Ops`, accountId: ACCOUNT, userName: 'Ops' },
    webIdFederationData: {
      federatedProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      attributes: { 'token.actions.githubusercontent.com:sub': 'repo:example/deploy:ref:refs/heads/main' },
    },
    attributes: { creationDate: '2024-03-12T09:00:00Z', mfaAuthenticated: 'true' },
    ec2RoleDelivery: '2.0',
  },
};

const TLS = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'iam.amazonaws.com' };

const management = (fields: Record<string, unknown> & { eventID: string }): CloudTrailRecord => ({
  eventVersion: '1.09',
  userIdentity: SERVICE_BACKUP,
  eventTime: '2024-03-12T10:15:30Z',
  eventSource: 'iam.amazonaws.com',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.23',
  userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64',
  requestParameters: null,
  responseElements: null,
  requestID: `req-${fields.eventID}`,
  readOnly: false,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: ACCOUNT,
  eventCategory: 'Management',
  tlsDetails: TLS,
  ...fields,
});

export const CREATE_USER = management({
  eventID: 'evt-create-user',
  eventName: 'CreateUser',
  requestParameters: { userName: 'backup-admin' },
  responseElements: {
    user: { path: '/', userName: 'backup-admin', userId: 'AIDABACKUPADMIN0001', arn: `arn:aws:iam::${ACCOUNT}:user/backup-admin`, createDate: 'Mar 12, 2024 10:15:30 AM' },
  },
  sessionCredentialFromConsole: 'true',
});

export const ATTACH_USER_POLICY = management({
  eventID: 'evt-attach-user-policy',
  eventTime: '2024-03-12T10:16:02Z',
  eventName: 'AttachUserPolicy',
  requestParameters: { userName: 'backup-admin', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
});

export const CREATE_ROLE = management({
  eventID: 'evt-create-role',
  eventName: 'CreateRole',
  requestParameters: { roleName: 'exfil-role', assumeRolePolicyDocument: '{"Version":"2012-10-17"}' },
  responseElements: { role: { path: '/', roleName: 'exfil-role', roleId: 'AROAEXFILROLE0001', arn: `arn:aws:iam::${ACCOUNT}:role/exfil-role` } },
});

/** CreateAccessKey for oneself: no userName in the request, the response names the user. */
export const CREATE_OWN_ACCESS_KEY = management({
  eventID: 'evt-create-access-key',
  eventName: 'CreateAccessKey',
  responseElements: { accessKey: { accessKeyId: 'AKIANEWKEY0001', status: 'Active', userName: 'Service_Backup', createDate: 'Mar 12, 2024 10:20:00 AM' } },
});

/** A failed EC2 call by a role session that a service invoked through a VPC endpoint, received by another account. */
export const DESCRIBE_INSTANCES = management({
  eventID: 'evt-describe-instances',
  eventVersion: '1.08',
  userIdentity: OPS_ROLE_SESSION,
  eventTime: '2024-03-13T23:59:59Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  awsRegion: 'eu-west-1',
  sourceIPAddress: 'AWS Internal',
  errorCode: 'Client.UnauthorizedOperation',
  errorMessage: 'You are not authorized to perform this operation.',
  requestParameters: { instancesSet: {}, filterSet: { items: [{ name: 'tag:env', valueSet: { items: [{ value: 'prod' }] } }] } },
  readOnly: true,
  apiVersion: '2016-11-15',
  vpcEndpointId: 'vpce-0123456789abcdef0',
  vpcEndpointAccountId: OTHER_ACCOUNT,
  recipientAccountId: OTHER_ACCOUNT,
  sharedEventID: 'shared-0001',
  serviceEventDetails: { reason: 'scheduled', detail: { nested: true } },
  addendum: { reason: 'DELIVERY_DELAY', updatedFields: 'eventTime', originalRequestID: 'req-original', originalEventID: 'evt-original' },
  edgeDeviceDetails: 'outpost-1',
});

export const CONSOLE_LOGIN = management({
  eventID: 'evt-console-login',
  userIdentity: { type: 'IAMUser', principalId: 'AIDASERVICEBACKUP0001', arn: `arn:aws:iam::${ACCOUNT}:user/Service_Backup`, accountId: ACCOUNT, userName: 'Service_Backup' },
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  sourceIPAddress: '2001:db8::7',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  eventType: 'AwsConsoleSignIn',
  errorMessage: 'Failed authentication',
  responseElements: { ConsoleLogin: 'Failure' },
  additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'Yes' },
  requestID: undefined,
  readOnly: undefined,
  tlsDetails: undefined,
});

export const ASSUME_ROLE = management({
  eventID: 'evt-assume-role',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRole',
  readOnly: true,
  requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/Ops`, roleSessionName: 'alice', durationSeconds: 3600 },
  responseElements: {
    credentials: { accessKeyId: 'ASIAOPSSESSION0001', sessionToken: 'token', expiration: 'Mar 12, 2024 11:15:30 AM' },
    assumedRoleUser: { assumedRoleId: 'AROAOPSROLE0001:alice', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Ops/alice` },
  },
  resources: [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${ACCOUNT}:role/Ops` }],
  sharedEventID: 'shared-assume-0001',
});

/** Calls whose class and activity come from rules rather than a named event. */
export const UPDATE_INSTANCE_INFORMATION = management({ eventID: 'evt-update-instance-information', eventSource: 'ssm.amazonaws.com', eventName: 'UpdateInstanceInformation' });
export const READ_ONLY_DECRYPT = management({ eventID: 'evt-decrypt', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', readOnly: true });
export const WRITING_DECRYPT = management({ eventID: 'evt-decrypt-write', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', readOnly: false });
export const CHECK_MFA = management({ eventID: 'evt-check-mfa', eventSource: 'signin.amazonaws.com', eventName: 'CheckMfa', eventType: 'AwsConsoleSignIn' });
export const TAG_ROLE = management({ eventID: 'evt-tag-role', eventName: 'TagRole', requestParameters: { roleName: 'Ops', tags: [] } });
/** Another service's CreateUser is not an IAM account change. */
export const TRANSFER_CREATE_USER = management({ eventID: 'evt-transfer-create-user', eventSource: 'transfer.amazonaws.com', eventName: 'CreateUser', requestParameters: { userName: 'sftp-user' } });

/** An S3 bucket-level call is a management event, not an S3 data event. */
export const CREATE_BUCKET = management({
  eventID: 'evt-create-bucket',
  eventSource: 's3.amazonaws.com',
  eventName: 'CreateBucket',
  requestParameters: { bucketName: 'breach.notify', Host: 's3.amazonaws.com' },
  resources: [{ accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::breach.notify' }],
});

const s3Data = ({ key, ...fields }: Record<string, unknown> & { eventID: string; eventName: string; key: string }): CloudTrailRecord =>
  management({
    eventVersion: '1.10',
    eventTime: '2024-03-12T11:00:00Z',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-west-2',
    userAgent: '[aws-cli/2.15.30]',
    requestParameters: { bucketName: 'customer-payments', Host: 'customer-payments.s3.us-west-2.amazonaws.com', key },
    additionalEventData: { SignatureVersion: 'SigV4', bytesTransferredOut: 1024, 'x-amz-id-2': 'abc+def' },
    readOnly: fields.eventName.startsWith('Get'),
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::customer-payments/${key}` },
      { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::customer-payments' },
    ],
    managementEvent: false,
    eventCategory: 'Data',
    tlsDetails: { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: 'customer-payments.s3.us-west-2.amazonaws.com' },
    ...fields,
  });

export const GET_OBJECT = s3Data({ eventID: 'evt-get-object', eventName: 'GetObject', key: 'exports/cc-data-2.csv' });
export const PUT_OBJECT = s3Data({ eventID: 'evt-put-object', eventName: 'PutObject', key: 'data-locked-xxx.txt' });
export const DELETE_OBJECT = s3Data({ eventID: 'evt-delete-object', eventName: 'DeleteObject', key: 'exports/cc-data-2.csv', errorCode: 'AccessDenied', errorMessage: 'Access Denied' });

/** A Lambda data event: the lake keeps it in another source, so neither table holds it. */
export const LAMBDA_INVOKE: CloudTrailRecord = {
  ...s3Data({ eventID: 'evt-lambda-invoke', eventName: 'Invoke', key: 'unused' }),
  eventSource: 'lambda.amazonaws.com',
  requestParameters: { functionName: 'arn:aws:lambda:us-west-2:111122223333:function:export' },
  resources: [{ accountId: ACCOUNT, type: 'AWS::Lambda::Function', ARN: 'arn:aws:lambda:us-west-2:111122223333:function:export' }],
};

/** An Insights event: neither management nor data. */
export const INSIGHT = management({ eventID: 'evt-insight', eventName: 'CreateUser', eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight' });

/** Records from before eventCategory existed (eventVersion 1.05). */
const old = (record: CloudTrailRecord, eventID: string): CloudTrailRecord => {
  const { eventCategory: _, managementEvent: __, ...rest } = record;
  return { ...rest, eventVersion: '1.05', eventID };
};
export const OLD_GET_OBJECT = old(GET_OBJECT, 'evt-old-get-object');
export const OLD_DESCRIBE_INSTANCES = old(DESCRIBE_INSTANCES, 'evt-old-describe-instances');

export const ALL_RECORDS: readonly CloudTrailRecord[] = [
  CREATE_USER, ATTACH_USER_POLICY, CREATE_ROLE, CREATE_OWN_ACCESS_KEY, DESCRIBE_INSTANCES, CONSOLE_LOGIN, ASSUME_ROLE, CREATE_BUCKET,
  UPDATE_INSTANCE_INFORMATION, READ_ONLY_DECRYPT, WRITING_DECRYPT, CHECK_MFA, TAG_ROLE, TRANSFER_CREATE_USER,
  GET_OBJECT, PUT_OBJECT, DELETE_OBJECT, LAMBDA_INVOKE, INSIGHT, OLD_GET_OBJECT, OLD_DESCRIBE_INSTANCES,
];
