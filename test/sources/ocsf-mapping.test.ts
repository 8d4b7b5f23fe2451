/**
 * The CloudTrail → OCSF mapping on crafted records, through real DuckDB: the records become
 * a `cloudtrail` relation by the local engine's own framing and typing (CLOUDTRAIL_SOURCE),
 * the mapping's SQL runs over it, and each OCSF field is read back. One test per mapped field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLOUDTRAIL_SOURCE } from '../../lib/engines/local/cloudtrail-source';
import { cloudTrailToOcsf, OCSF_VERSION, type CloudTrailOcsfKind } from '../../lib/sources/ocsf/cloudtrail-mapping';
import { OCSF_COLUMNS, duckdbType } from '../../lib/sources/ocsf/schema';
import {
  ACCOUNT, ALL_RECORDS, ASSUME_ROLE, ATTACH_USER_POLICY, CONSOLE_LOGIN, CREATE_BUCKET, CREATE_OWN_ACCESS_KEY, CREATE_ROLE, CREATE_USER,
  DELETE_OBJECT, DESCRIBE_INSTANCES, GET_OBJECT, INSIGHT, LAMBDA_INVOKE, OLD_DESCRIBE_INSTANCES, OLD_GET_OBJECT, OPS_ROLE_SESSION,
  OTHER_ACCOUNT, PUT_OBJECT, SERVICE_BACKUP, UPDATE_INSTANCE_INFORMATION, READ_ONLY_DECRYPT, WRITING_DECRYPT, CHECK_MFA, TAG_ROLE,
  TRANSFER_CREATE_USER, type CloudTrailRecord,
} from './ocsf-records';

const KINDS: readonly CloudTrailOcsfKind[] = ['cloud_trail_mgmt', 's3_data'];
const LAKE_TABLE: Readonly<Record<CloudTrailOcsfKind, string>> = {
  cloud_trail_mgmt: 'amazon_security_lake_table_us_west_2_cloud_trail_mgmt_2_0',
  s3_data: 'amazon_security_lake_table_us_west_2_s3_data_2_0',
};

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let scratch: string;

/** Writes the records as one framed line and types them as the local engine's ingest does. */
async function createCloudTrailTable(records: readonly CloudTrailRecord[]): Promise<void> {
  const path = join(scratch, 'records.json');
  const framed = CLOUDTRAIL_SOURCE.frame({ path, id: 1, bytes: Buffer.from(JSON.stringify({ Records: records })) }, false);
  if (!framed.ok) throw new Error(framed.reason);
  const lines = join(scratch, 'lines.json');
  writeFileSync(lines, Buffer.concat([framed.line, Buffer.from('\n')]));
  const read = `read_json('${lines}', columns = ${CLOUDTRAIL_SOURCE.lineColumns}, format = 'newline_delimited')`;
  const columns = CLOUDTRAIL_SOURCE.columns.map((c) => `"${c.name}"`).join(', ');
  await connection.run(`CREATE TABLE cloudtrail AS SELECT ${columns} FROM (${CLOUDTRAIL_SOURCE.typedRows(read)})`);
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'irbook-ocsf-'));
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  await createCloudTrailTable(ALL_RECORDS);
  for (const kind of KINDS) await connection.run(`CREATE TABLE ${LAKE_TABLE[kind]} AS ${cloudTrailToOcsf(kind, 'cloudtrail')}`);
  await connection.run(`CREATE VIEW lake AS SELECT * FROM ${LAKE_TABLE.cloud_trail_mgmt} UNION ALL SELECT * FROM ${LAKE_TABLE.s3_data}`);
});

afterAll(() => {
  connection?.closeSync();
  instance?.closeSync();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function rows(sql: string, params: DuckDBValue[] = []): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql, params)).getRowsJS();
}

/** One OCSF expression of the row mapped from a record (the record must be in exactly one table). */
async function field(record: CloudTrailRecord, expression: string): Promise<unknown> {
  const found = await rows(`SELECT ${expression} FROM lake WHERE metadata.uid = $1`, [record.eventID]);
  expect(found, `rows mapped from ${record.eventID}`).toHaveLength(1);
  return found[0]![0];
}

const identity = (record: CloudTrailRecord) => record.userIdentity as { type: string; arn: string; principalId: string; userName?: string };
const text = (value: unknown) => JSON.stringify(value);

describe('columns', () => {
  test.each(KINDS)('%s has the lake table\'s columns, in order, with its types', async (kind) => {
    const reference = `reference_${kind}`;
    await connection.run(`CREATE TABLE ${reference} (${OCSF_COLUMNS[kind].map((c) => `"${c.name}" ${duckdbType(c.glueType)}`).join(', ')})`);
    const describe = (relation: string) => rows(`SELECT column_name, column_type FROM (DESCRIBE ${relation})`);
    const expected = await describe(reference);
    expect(expected.map(([name]) => name)).toEqual(OCSF_COLUMNS[kind].map((c) => c.name));
    expect(await describe(`(${cloudTrailToOcsf(kind, 'cloudtrail')})`)).toEqual(expected);
  });
});

describe('rows', () => {
  /** Where each record belongs: undefined = neither table. */
  const TABLE_OF: readonly [CloudTrailRecord, CloudTrailOcsfKind | undefined][] = [
    [CREATE_USER, 'cloud_trail_mgmt'],
    [DESCRIBE_INSTANCES, 'cloud_trail_mgmt'],
    [CONSOLE_LOGIN, 'cloud_trail_mgmt'],
    [CREATE_BUCKET, 'cloud_trail_mgmt'],
    [GET_OBJECT, 's3_data'],
    [DELETE_OBJECT, 's3_data'],
    [LAMBDA_INVOKE, undefined],
    [INSIGHT, undefined],
    [OLD_GET_OBJECT, 's3_data'],
    [OLD_DESCRIBE_INSTANCES, 'cloud_trail_mgmt'],
  ];
  test.each(TABLE_OF.map(([record, kind]) => [record.eventID, kind ?? 'neither', record] as const))('%s goes to %s', async (_id, _kind, record) => {
    const expected = TABLE_OF.find(([r]) => r === record)![1];
    for (const kind of KINDS) {
      const found = await rows(`SELECT count(*)::INTEGER FROM ${LAKE_TABLE[kind]} WHERE metadata.uid = $1`, [record.eventID]);
      expect(found[0]![0], `${record.eventID} in ${kind}`).toBe(kind === expected ? 1 : 0);
    }
  });

  test('every management and S3 data record is mapped once, the others not at all', async () => {
    const mapped = await rows(`SELECT metadata.uid FROM lake ORDER BY metadata.uid`);
    const expected = ALL_RECORDS.filter((r) => r !== LAMBDA_INVOKE && r !== INSIGHT).map((r) => r.eventID).sort();
    expect(mapped.map(([uid]) => uid)).toEqual(expected);
  });
});

describe('fields', () => {
  /** [OCSF expression, record, expected value derived from the record]. */
  const FIELDS: readonly [string, CloudTrailRecord, unknown][] = [
    ['time', CREATE_USER, BigInt(Date.parse(CREATE_USER.eventTime as string))],
    ['epoch_ms(time_dt)', DESCRIBE_INSTANCES, BigInt(Date.parse(DESCRIBE_INSTANCES.eventTime as string))],
    ['metadata.uid', GET_OBJECT, GET_OBJECT.eventID],
    ['metadata.product.name', CREATE_USER, 'CloudTrail'],
    ['metadata.product.vendor_name', CREATE_USER, 'AWS'],
    ['metadata.product.version', DESCRIBE_INSTANCES, DESCRIBE_INSTANCES.eventVersion],
    ['metadata.product.feature.name', GET_OBJECT, GET_OBJECT.eventCategory],
    ['metadata.product.feature.name', CREATE_USER, CREATE_USER.eventCategory],
    ['metadata.event_code', CONSOLE_LOGIN, CONSOLE_LOGIN.eventType],
    ['metadata.version', CREATE_USER, OCSF_VERSION],
    ['metadata.profiles', CREATE_USER, ['cloud', 'datetime']],
    ['cloud.region', DESCRIBE_INSTANCES, DESCRIBE_INSTANCES.awsRegion],
    ['cloud.provider', DESCRIBE_INSTANCES, 'AWS'],
    ['region', GET_OBJECT, GET_OBJECT.awsRegion],
    ['actor.user.type', DESCRIBE_INSTANCES, OPS_ROLE_SESSION.type],
    ['actor.user.name', CREATE_USER, SERVICE_BACKUP.userName],
    ['actor.user.name', DESCRIBE_INSTANCES, null],
    ['actor.user.uid', DESCRIBE_INSTANCES, OPS_ROLE_SESSION.arn],
    ['actor.user.uid_alt', DESCRIBE_INSTANCES, OPS_ROLE_SESSION.principalId],
    ['actor.user.account.uid', DESCRIBE_INSTANCES, OPS_ROLE_SESSION.accountId],
    ['actor.user.credential_uid', CREATE_USER, SERVICE_BACKUP.accessKeyId],
    ['actor.session.issuer', DESCRIBE_INSTANCES, OPS_ROLE_SESSION.sessionContext.sessionIssuer.arn],
    ['actor.session.is_mfa', DESCRIBE_INSTANCES, true],
    ['actor.session.is_mfa', CREATE_USER, false],
    ['epoch_ms(actor.session.created_time_dt)', DESCRIBE_INSTANCES, BigInt(Date.parse(OPS_ROLE_SESSION.sessionContext.attributes.creationDate))],
    ['actor.invoked_by', DESCRIBE_INSTANCES, OPS_ROLE_SESSION.invokedBy],
    ['actor.idp.name', DESCRIBE_INSTANCES, OPS_ROLE_SESSION.sessionContext.webIdFederationData.federatedProvider],
    ['api.operation', GET_OBJECT, GET_OBJECT.eventName],
    ['api.service.name', CREATE_USER, CREATE_USER.eventSource],
    ['api.request.uid', CREATE_USER, CREATE_USER.requestID],
    ['json(api.request.data)', CREATE_USER, text(CREATE_USER.requestParameters)],
    ['json(api.response.data)', CREATE_USER, text(CREATE_USER.responseElements)],
    ['api.response.data', GET_OBJECT, null],
    ['api.response.error', DESCRIBE_INSTANCES, DESCRIBE_INSTANCES.errorCode],
    ['api.response.message', DESCRIBE_INSTANCES, DESCRIBE_INSTANCES.errorMessage],
    ['api.response.error', CREATE_USER, null],
    ['api.version', DESCRIBE_INSTANCES, DESCRIBE_INSTANCES.apiVersion],
    ['src_endpoint.ip', CREATE_USER, CREATE_USER.sourceIPAddress],
    ['src_endpoint.domain', CREATE_USER, null],
    ['src_endpoint.ip', CONSOLE_LOGIN, CONSOLE_LOGIN.sourceIPAddress],
    ['src_endpoint.domain', DESCRIBE_INSTANCES, DESCRIBE_INSTANCES.sourceIPAddress],
    ['src_endpoint.ip', DESCRIBE_INSTANCES, null],
    ['src_endpoint.uid', DESCRIBE_INSTANCES, DESCRIBE_INSTANCES.vpcEndpointId],
    ['http_request.user_agent', GET_OBJECT, GET_OBJECT.userAgent],
    ['dst_endpoint.svc_name', CONSOLE_LOGIN, (CONSOLE_LOGIN.additionalEventData as { LoginTo: string }).LoginTo],
    ['dst_endpoint.svc_name', CREATE_USER, null],
    ['is_mfa', CONSOLE_LOGIN, true],
    ['is_mfa', CREATE_USER, null],
    ['accountid', DESCRIBE_INSTANCES, OTHER_ACCOUNT],
    ['accountid', GET_OBJECT, ACCOUNT],
    ['severity_id', GET_OBJECT, 1],
    ['severity', GET_OBJECT, 'Informational'],
    ['asl_version', GET_OBJECT, null],
    // The target principal of an Account Change.
    ['"user".name', CREATE_USER, (CREATE_USER.requestParameters as { userName: string }).userName],
    ['"user".uid', CREATE_USER, (CREATE_USER.responseElements as { user: { arn: string } }).user.arn],
    ['"user".uid_alt', CREATE_USER, (CREATE_USER.responseElements as { user: { userId: string } }).user.userId],
    ['"user".name', ATTACH_USER_POLICY, (ATTACH_USER_POLICY.requestParameters as { userName: string }).userName],
    ['"user".name', CREATE_ROLE, (CREATE_ROLE.requestParameters as { roleName: string }).roleName],
    ['"user".uid', CREATE_ROLE, (CREATE_ROLE.responseElements as { role: { arn: string } }).role.arn],
    ['"user".uid_alt', CREATE_ROLE, (CREATE_ROLE.responseElements as { role: { roleId: string } }).role.roleId],
    ['"user".name', CREATE_OWN_ACCESS_KEY, (CREATE_OWN_ACCESS_KEY.responseElements as { accessKey: { userName: string } }).accessKey.userName],
    ['"user"', DESCRIBE_INSTANCES, null],
    ['"user"', CREATE_BUCKET, null],
    ['policy.uid', ATTACH_USER_POLICY, (ATTACH_USER_POLICY.requestParameters as { policyArn: string }).policyArn],
    ['policy', DESCRIBE_INSTANCES, null],
    // Who logs on, and the session STS hands out.
    ['"user".uid', ASSUME_ROLE, (ASSUME_ROLE.requestParameters as { roleArn: string }).roleArn],
    ['"user".name', ASSUME_ROLE, (ASSUME_ROLE.requestParameters as { roleSessionName: string }).roleSessionName],
    ['"user".uid_alt', ASSUME_ROLE, null],
    ['"user".uid', CONSOLE_LOGIN, identity(CONSOLE_LOGIN).arn],
    ['"user".uid_alt', CONSOLE_LOGIN, identity(CONSOLE_LOGIN).principalId],
    ['session.uid', ASSUME_ROLE, (ASSUME_ROLE.responseElements as { assumedRoleUser: { arn: string } }).assumedRoleUser.arn],
    ['session.uid_alt', ASSUME_ROLE, (ASSUME_ROLE.responseElements as { assumedRoleUser: { assumedRoleId: string } }).assumedRoleUser.assumedRoleId],
    ['session.credential_uid', ASSUME_ROLE, (ASSUME_ROLE.responseElements as { credentials: { accessKeyId: string } }).credentials.accessKeyId],
    ['session', CREATE_USER, null],
    // Status: Failure with an errorCode, or a console sign-in's own verdict.
    ['status', CREATE_USER, 'Success'],
    ['status', GET_OBJECT, 'Success'],
    ['status', DESCRIBE_INSTANCES, 'Failure'],
    ['status', DELETE_OBJECT, 'Failure'],
    ['status', CONSOLE_LOGIN, (CONSOLE_LOGIN.responseElements as { ConsoleLogin: string }).ConsoleLogin],
    // Old records keep what they have.
    ['metadata.product.feature.name', OLD_GET_OBJECT, null],
    ['api.operation', OLD_GET_OBJECT, OLD_GET_OBJECT.eventName],
  ];
  test.each(FIELDS.map(([expression, record, expected]) => [expression, record.eventID, record, expected] as const))(
    '%s of %s',
    async (expression, _id, record, expected) => {
      expect(await field(record, expression)).toEqual(expected);
    },
  );

  test('time_dt is the UTC time whatever the session time zone', async () => {
    const local = await instance.connect();
    try {
      await local.run(`SET TimeZone = 'America/New_York'`);
      const sql = `SELECT CAST(time_dt AS VARCHAR), CAST(actor.session.created_time_dt AS VARCHAR) FROM (${cloudTrailToOcsf('cloud_trail_mgmt', 'cloudtrail')}) WHERE metadata.uid = $1`;
      const [found] = (await local.runAndReadAll(sql, [DESCRIBE_INSTANCES.eventID])).getRowsJS();
      const wallClock = (iso: string) => iso.replace('T', ' ').replace('Z', '');
      expect(found).toEqual([wallClock(DESCRIBE_INSTANCES.eventTime as string), wallClock(OPS_ROLE_SESSION.sessionContext.attributes.creationDate)]);
    } finally {
      local.closeSync();
    }
  });

  test('resources keep CloudTrail\'s order (the object, then the bucket) with uid, type and owner', async () => {
    const found = await field(GET_OBJECT, `list_transform(resources, r -> [r.uid, r.type, r.owner.account.uid])`);
    const expected = (GET_OBJECT.resources as { ARN: string; type: string; accountId?: string }[]).map((r) => [r.ARN, r.type, r.accountId ?? null]);
    expect(found).toEqual(expected);
    expect(expected[0]![1]).toBe('AWS::S3::Object');
    expect(await field(CREATE_USER, 'resources')).toBeNull();
  });
});

describe('classes', () => {
  /** [record, class_uid, class_name, category_uid, category_name, activity_id, activity_name]. */
  const CLASSES: readonly [CloudTrailRecord, number, string, number, string, number, string][] = [
    [CREATE_USER, 3001, 'Account Change', 3, 'Identity & Access Management', 1, 'Create'],
    [CREATE_ROLE, 3001, 'Account Change', 3, 'Identity & Access Management', 1, 'Create'],
    [ATTACH_USER_POLICY, 3001, 'Account Change', 3, 'Identity & Access Management', 7, 'Attach Policy'],
    [CREATE_OWN_ACCESS_KEY, 3001, 'Account Change', 3, 'Identity & Access Management', 99, 'Other'],
    [CONSOLE_LOGIN, 3002, 'Authentication', 3, 'Identity & Access Management', 1, 'Logon'],
    [ASSUME_ROLE, 3002, 'Authentication', 3, 'Identity & Access Management', 1, 'Logon'],
    [DESCRIBE_INSTANCES, 6003, 'API Activity', 6, 'Application Activity', 2, 'Read'],
    [CREATE_BUCKET, 6003, 'API Activity', 6, 'Application Activity', 1, 'Create'],
    [GET_OBJECT, 6003, 'API Activity', 6, 'Application Activity', 2, 'Read'],
    [PUT_OBJECT, 6003, 'API Activity', 6, 'Application Activity', 1, 'Create'],
    [DELETE_OBJECT, 6003, 'API Activity', 6, 'Application Activity', 4, 'Delete'],
    [UPDATE_INSTANCE_INFORMATION, 6003, 'API Activity', 6, 'Application Activity', 3, 'Update'],
    [READ_ONLY_DECRYPT, 6003, 'API Activity', 6, 'Application Activity', 2, 'Read'],
    [WRITING_DECRYPT, 6003, 'API Activity', 6, 'Application Activity', 99, 'Other'],
    [CHECK_MFA, 3002, 'Authentication', 3, 'Identity & Access Management', 99, 'Other'],
    [TAG_ROLE, 6003, 'API Activity', 6, 'Application Activity', 3, 'Update'],
    [TRANSFER_CREATE_USER, 6003, 'API Activity', 6, 'Application Activity', 1, 'Create'],
  ];
  test.each(CLASSES.map((c) => [c[0].eventID, c[2], c[6], ...c] as const))(
    '%s is %s: %s',
    async (_name, _class, _activity, record, classUid, className, categoryUid, categoryName, activityId, activityName) => {
      const found = await field(record, '[class_uid::VARCHAR, class_name, category_uid::VARCHAR, category_name, activity_id::VARCHAR, activity_name, type_uid::VARCHAR, type_name]');
      expect(found).toEqual([classUid, className, categoryUid, categoryName, activityId, activityName, classUid * 100 + activityId, `${className}: ${activityName}`].map(String));
    },
  );
});

describe('unmapped', () => {
  const unmapped = async (record: CloudTrailRecord) =>
    Object.fromEntries((await field(record, `map_entries(unmapped)`) as { key: string; value: string }[]).map((e) => [e.key, e.value]));

  test('holds, flattened with CloudTrail\'s key spelling, what no OCSF attribute holds', async () => {
    const issuer = OPS_ROLE_SESSION.sessionContext.sessionIssuer;
    const addendum = DESCRIBE_INSTANCES.addendum as Record<string, string>;
    const tls = DESCRIBE_INSTANCES.tlsDetails as Record<string, string>;
    const details = DESCRIBE_INSTANCES.serviceEventDetails as { reason: string; detail: object };
    const [webKey, webValue] = Object.entries(OPS_ROLE_SESSION.sessionContext.webIdFederationData.attributes)[0]!;
    expect(await unmapped(DESCRIBE_INSTANCES)).toEqual({
      recipientAccountId: DESCRIBE_INSTANCES.recipientAccountId,
      readOnly: String(DESCRIBE_INSTANCES.readOnly),
      sharedEventID: DESCRIBE_INSTANCES.sharedEventID,
      vpcEndpointAccountId: DESCRIBE_INSTANCES.vpcEndpointAccountId,
      'userIdentity.sessionContext.sessionIssuer.type': issuer.type,
      'userIdentity.sessionContext.sessionIssuer.principalId': issuer.principalId,
      'userIdentity.sessionContext.sessionIssuer.accountId': issuer.accountId,
      'userIdentity.sessionContext.sessionIssuer.userName': issuer.userName,
      'userIdentity.sessionContext.ec2RoleDelivery': OPS_ROLE_SESSION.sessionContext.ec2RoleDelivery,
      [`userIdentity.sessionContext.webIdFederationData.attributes.${webKey}`]: webValue,
      'addendum.reason': addendum.reason,
      'addendum.updatedFields': addendum.updatedFields,
      'addendum.originalRequestID': addendum.originalRequestID,
      'addendum.originalEventID': addendum.originalEventID,
      'tlsDetails.tlsVersion': tls.tlsVersion,
      'tlsDetails.cipherSuite': tls.cipherSuite,
      'tlsDetails.clientProvidedHostHeader': tls.clientProvidedHostHeader,
      'serviceEventDetails.reason': details.reason,
      'serviceEventDetails.detail': text(details.detail),
      edgeDeviceDetails: DESCRIBE_INSTANCES.edgeDeviceDetails,
    });
  });

  test('flattens additionalEventData, values as text', async () => {
    const found = await unmapped(GET_OBJECT);
    for (const [key, value] of Object.entries(GET_OBJECT.additionalEventData as Record<string, unknown>)) {
      expect(found[`additionalEventData.${key}`]).toBe(String(value));
    }
    expect(found.sessionCredentialFromConsole).toBeUndefined();
    expect((await unmapped(CREATE_USER)).sessionCredentialFromConsole).toBe(CREATE_USER.sessionCredentialFromConsole);
  });

  test('leaves out what Authentication maps (LoginTo, MFAUsed) and keeps the rest of additionalEventData', async () => {
    const found = await unmapped(CONSOLE_LOGIN);
    expect(found['additionalEventData.MobileVersion']).toBe((CONSOLE_LOGIN.additionalEventData as { MobileVersion: string }).MobileVersion);
    expect(found['additionalEventData.LoginTo']).toBeUndefined();
    expect(found['additionalEventData.MFAUsed']).toBeUndefined();
  });
});

describe('observables', () => {
  test('name the IP address, the actor\'s user name and each resource ARN', async () => {
    const found = await field(GET_OBJECT, 'list_transform(observables, o -> [o.name, o.value, o.type, o.type_id::VARCHAR])');
    expect(found).toEqual([
      ['src_endpoint.ip', GET_OBJECT.sourceIPAddress, 'IP Address', '2'],
      ['actor.user.name', SERVICE_BACKUP.userName, 'User Name', '4'],
      ...(GET_OBJECT.resources as { ARN: string }[]).map((r) => ['resources[].uid', r.ARN, 'Resource UID', '10']),
    ]);
  });

  test('name a host that is not an IP address, and the target user', async () => {
    expect(await field(DESCRIBE_INSTANCES, 'list_transform(observables, o -> [o.name, o.value, o.type])')).toEqual([
      ['src_endpoint.domain', DESCRIBE_INSTANCES.sourceIPAddress, 'Hostname'],
    ]);
    const target = (CREATE_USER.requestParameters as { userName: string }).userName;
    expect(await field(CREATE_USER, `[o.value FOR o IN observables IF o.name = 'user.name']`)).toEqual([target]);
  });
});

describe("the article's queries", () => {
  const named = (sql: string) => rows(sql).then((found) => found);
  const serviceBackup = (r: CloudTrailRecord) => identity(r).userName === SERVICE_BACKUP.userName;
  const mgmtRecords = ALL_RECORDS.filter((r) => r.eventCategory === 'Management' || r === OLD_DESCRIBE_INSTANCES);

  test('lists the API calls of a user', async () => {
    const found = await named(`SELECT DISTINCT api.operation FROM ${LAKE_TABLE.cloud_trail_mgmt} WHERE lower(actor.user.name) = 'service_backup'`);
    expect(found.map(([operation]) => operation).sort()).toEqual([...new Set(mgmtRecords.filter(serviceBackup).map((r) => r.eventName))].sort());
  });

  test("shows a user's calls with source, region, type, account, status, service and request", async () => {
    const found = await named(`SELECT time_dt AS "Time Date", metadata.product.name AS "Log Source", cloud.region, actor.user.type, actor.user.name, actor.user.account.uid AS "User AWS Acc ID", api.operation AS "API Operation", status AS "API Response", api.service.name AS "Service", api.request.data AS "Request Data"
FROM ${LAKE_TABLE.cloud_trail_mgmt}
WHERE lower(actor.user.name) = 'service_backup' AND api.operation = 'CreateUser' AND api.service.name = 'iam.amazonaws.com'`);
    expect(found).toHaveLength(1);
    const [time, source, region, type, name, account, operation, status, service, request] = found[0]!;
    expect(time).toBeTruthy();
    expect([source, region, type, name, account, operation, status, service]).toEqual(
      ['CloudTrail', CREATE_USER.awsRegion, SERVICE_BACKUP.type, SERVICE_BACKUP.userName, ACCOUNT, 'CreateUser', 'Success', 'iam.amazonaws.com'],
    );
    expect(JSON.parse(request as string)).toEqual(CREATE_USER.requestParameters);
  });

  test('finds the IAM resources a user created, attached or deleted, with target principal, policy and role', async () => {
    const found = await named(`SELECT time_dt AS "Time", cloud.region AS "Region", actor.session.issuer AS "Role Issuer", actor.user.name AS "User Name", api.operation AS "API Call", json_extract(api.request.data, '$.userName') AS "Target Principal", json_extract(api.request.data, '$.policyArn') AS "Target Policy", json_extract(api.request.data, '$.roleName') AS "Target Role", actor.user.uid AS "User ID", user.name AS "Target Principal", status AS "Response Status", accountid AS "AWS Account"
FROM ${LAKE_TABLE.cloud_trail_mgmt}
WHERE (lower(api.operation) LIKE 'create%' OR lower(api.operation) LIKE 'attach%' OR lower(api.operation) LIKE 'delete%')
AND lower(api.service.name) = 'iam.amazonaws.com'
AND lower(actor.user.name) = 'service_backup'
AND time_dt BETWEEN TIMESTAMP '2024-03-01 00:00:00.000' AND TIMESTAMP  '2024-05-31 23:59:00.000'
ORDER BY "API Call"`);
    const iam = mgmtRecords.filter((r) => r.eventSource === 'iam.amazonaws.com' && /^(Create|Attach|Delete)/.test(r.eventName as string));
    expect(found.map((r) => r[4])).toEqual(iam.map((r) => r.eventName).sort());
    const byCall = new Map(found.map((r) => [r[4], r]));
    const createUser = byCall.get('CreateUser')!;
    const newUser = (CREATE_USER.requestParameters as { userName: string }).userName;
    // json_extract gives JSON, quotes included, as on Athena; user.name is the plain name.
    expect(createUser.slice(1, 12)).toEqual([CREATE_USER.awsRegion, null, SERVICE_BACKUP.userName, 'CreateUser', text(newUser), null, null, SERVICE_BACKUP.arn, newUser, 'Success', ACCOUNT]);
    expect(byCall.get('AttachUserPolicy')![6]).toBe(text((ATTACH_USER_POLICY.requestParameters as { policyArn: string }).policyArn));
    expect(byCall.get('CreateRole')![7]).toBe(text((CREATE_ROLE.requestParameters as { roleName: string }).roleName));
    expect(byCall.get('CreateRole')![9]).toBe((CREATE_ROLE.requestParameters as { roleName: string }).roleName);
  });

  test("fills the role issuer of a role session's calls", async () => {
    const found = await named(`SELECT actor.session.issuer FROM ${LAKE_TABLE.cloud_trail_mgmt} WHERE api.operation = 'DescribeInstances' AND actor.user.type = 'AssumedRole'`);
    expect(found).toEqual([[OPS_ROLE_SESSION.sessionContext.sessionIssuer.arn], [OPS_ROLE_SESSION.sessionContext.sessionIssuer.arn]]);
  });

  test("lists a user's S3 data events with status, request and account", async () => {
    const found = await named(`SELECT time_dt AS "Time Date", cloud.region AS "Region", actor.user.type, actor.user.name AS "User Name", api.operation AS "API Call", status AS "Status", api.request.data AS "Request Data", accountid AS "AWS Account ID"
FROM ${LAKE_TABLE.s3_data}
WHERE lower(actor.user.name) = 'service_backup' ORDER BY "API Call", "Status"`);
    const s3 = [GET_OBJECT, PUT_OBJECT, DELETE_OBJECT, OLD_GET_OBJECT];
    expect(found.map((r) => [r[4], r[5]])).toEqual(
      s3.map((r) => [r.eventName, r.errorCode ? 'Failure' : 'Success']).sort((a, b) => `${a}`.localeCompare(`${b}`)),
    );
    for (const r of found) {
      expect(r[0]).toBeTruthy();
      expect([r[1], r[2], r[3], r[7]]).toEqual([GET_OBJECT.awsRegion, SERVICE_BACKUP.type, SERVICE_BACKUP.userName, ACCOUNT]);
      expect(JSON.parse(r[6] as string)).toHaveProperty('bucketName', 'customer-payments');
    }
  });
});
