/**
 * Field names → SQL. The OCSF field map restates cloudtrail-mapping.ts backwards; this test
 * holds them together: the same records go through the local engine's `cloudtrail` table and
 * its OCSF tables (fed by that mapping), and every mapped field must read the same value,
 * and be present or absent alike, on both, event by event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldAccess, fieldExpression } from '../../lib/detections/fields';
import { RuleCompileError, RuleReason } from '../../lib/detections/errors';
import type { DetectionTarget } from '../../lib/detections/types';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { OCSF_FIELDS } from '../../lib/sources/ocsf/cloudtrail-fields';
import { lakeTable } from '../../lib/sources/ocsf/schema';
import { sql } from '../../lib/sql';
import { deliveryFile, deliveryPath, makeEvent, writeFile, type Event } from '../support/cloudtrail-fixtures';
import { engineScratch } from '../support/engine-scratch';

const full = (i: number, overrides: Partial<Event> & Record<string, unknown>): Event => ({
  ...makeEvent(i, { eventCategory: 'Management', eventSource: 'iam.amazonaws.com' }),
  eventID: `f-${i}`,
  apiVersion: `2024-0${i}`,
  vpcEndpointId: `vpce-${i}`,
  vpcEndpointAccountId: `44445555666${i}`,
  sharedEventID: `shared-${i}`,
  sessionCredentialFromConsole: i % 2 === 0 ? 'true' : 'false',
  addendum: { reason: `r${i}`, updatedFields: `u${i}`, originalRequestID: `oreq${i}`, originalEventID: `oevt${i}` },
  serviceEventDetails: { detail: `d${i}`, nested: { deep: `deep${i}` } },
  edgeDeviceDetails: { device: `dev${i}` },
  additionalEventData: { MFAUsed: i % 2 === 0 ? 'Yes' : 'No', LoginTo: `https://console/${i}`, other: `o${i}`, nested: { deep: `deep${i}` } },
  ...overrides,
});

const identity = (i: number) => ({
  type: i % 2 === 0 ? 'AssumedRole' : 'IAMUser',
  principalId: `AROA${i}:s${i}`,
  arn: `arn:aws:sts::111122223333:assumed-role/r${i}/s${i}`,
  accountId: '111122223333',
  accessKeyId: `ASIA${i}`,
  userName: `user${i}`,
  invokedBy: `svc${i}.amazonaws.com`,
  onBehalfOf: { userId: `uid${i}`, identityStoreArn: `arn:store${i}` },
  sessionContext: {
    attributes: { mfaAuthenticated: i % 2 === 0 ? 'true' : 'false', creationDate: `2024-03-1${i}T0${i}:00:00Z` },
    sessionIssuer: { type: 'Role', principalId: `AROA${i}`, arn: `arn:aws:iam::111122223333:role/r${i}`, accountId: '111122223333', userName: `r${i}` },
    ec2RoleDelivery: '2.0',
    webIdFederationData: { federatedProvider: `idp${i}`, attributes: { aud: `aud${i}` } },
  },
});

const RECORDS: readonly Event[] = [
  // Authentication (sign-in), with additionalEventData members the mapping keeps apart.
  full(1, { eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: identity(1), responseElements: { ConsoleLogin: 'Success' }, sourceIPAddress: '198.51.100.1' }),
  full(2, { eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: identity(2), sourceIPAddress: '2001:db8::2' }),
  // Account Change and API Activity, one with a service name for its source.
  full(3, { eventName: 'CreateUser', userIdentity: identity(3), requestParameters: { userName: 'new', 'x-y': 'dash' }, sourceIPAddress: 'AWS Internal' }),
  full(4, { eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com', userIdentity: identity(4), readOnly: true }),
  // An S3 data event (the other table), and an event with few fields.
  full(5, { eventName: 'GetObject', eventSource: 's3.amazonaws.com', eventCategory: 'Data', userIdentity: identity(5) }),
  // status: a sign-in that failed (no errorCode) and a refused call.
  full(7, { eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: identity(7), responseElements: { ConsoleLogin: 'Failure' }, errorMessage: 'Failed authentication' }),
  full(8, { eventName: 'DeleteSAMLProvider', eventSource: 'iam.amazonaws.com', userIdentity: identity(8), errorCode: 'AccessDenied' }),
  { ...makeEvent(6, { eventCategory: 'Management', eventSource: 'iam.amazonaws.com' }), eventID: 'f-6', requestParameters: null, tlsDetails: undefined } as Event,
];

/** Sigma fields to compare: every mapped column, plus members inside JSON and maps. */
const FIELDS: readonly string[] = [
  ...Object.keys(OCSF_FIELDS),
  'status',
  'requestParameters.userName', 'requestParameters.x-y', 'requestParameters.bucketName', 'responseElements.ConsoleLogin',
  'additionalEventData.MFAUsed', 'additionalEventData.LoginTo', 'additionalEventData.other', 'additionalEventData.nested.deep',
  'serviceEventDetails.detail', 'serviceEventDetails.nested.deep', 'edgeDeviceDetails.device',
  'userIdentity.sessionContext.webIdFederationData.attributes.aud',
];

const { logsFolder } = engineScratch();
let engine: LocalEngine;
beforeAll(async () => {
  const logs = logsFolder();
  writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(RECORDS));
  engine = await LocalEngine.open({ logs, cache: false });
});
afterAll(async () => {
  await engine?.close();
});

async function valuesOn(target: DetectionTarget, field: string): Promise<Map<string, [unknown, unknown]>> {
  const { text, present } = fieldAccess(target, field);
  const query = target === 'cloudtrail'
    ? sql`SELECT eventid, ${text}, ${present} FROM cloudtrail`
    : sql`SELECT metadata.uid, ${text}, ${present} FROM ${sql.raw(lakeTable('us-west-2', 'cloud_trail_mgmt'))}
          UNION ALL SELECT metadata.uid, ${text}, ${present} FROM ${sql.raw(lakeTable('us-west-2', 's3_data'))}`;
  const result = await engine.query(query);
  return new Map(result.rows.map((row) => [String(row[0]), [row[1], row[2]]]));
}

describe('the OCSF field map agrees with the CloudTrail → OCSF mapping', () => {
  it('holds every record in the OCSF tables', async () => {
    expect([...(await valuesOn('ocsf', 'eventID')).keys()].sort()).toEqual(RECORDS.map((r) => r.eventID).sort());
  });

  it.each(FIELDS)('%s reads the same value on both targets', async (field) => {
    const cloudtrail = await valuesOn('cloudtrail', field);
    const ocsf = await valuesOn('ocsf', field);
    expect(Object.fromEntries(ocsf)).toEqual(Object.fromEntries(cloudtrail));
    // The comparison means something only if the records give the field some value.
    expect([...cloudtrail.values()].some(([value]) => value !== null)).toBe(true);
  });
});

describe('field names', () => {
  it('maps CloudTrail spellings case-insensitively to Athena names', () => {
    expect(fieldExpression('cloudtrail', 'userIdentity.sessionContext.sessionIssuer.type').toString()).toBe('useridentity.sessioncontext.sessionissuer.type');
    expect(fieldExpression('cloudtrail', 'EVENTNAME').toString()).toBe('eventname');
    expect(fieldExpression('ocsf', 'eventName').toString()).toBe('api.operation');
  });

  it('reads JSON members with json_extract_scalar, bracketing keys a dotted path cannot name', () => {
    expect(fieldExpression('cloudtrail', 'requestParameters.bucketName').toString()).toBe(`json_extract_scalar(requestparameters, '$.bucketName')`);
    expect(fieldExpression('cloudtrail', 'requestParameters.x-amz-acl.a').toString()).toBe(`json_extract_scalar(requestparameters, '$["x-amz-acl"].a')`);
    expect(fieldExpression('ocsf', 'responseElements.user.arn').toString()).toBe(`json_extract_scalar(api.response.data, '$.user.arn')`);
  });

  it.each([
    ['state', /"state" is not a CloudTrail field/],
    ['userIdentity.nosuch', /"nosuch" is not in userIdentity/],
    ['userIdentity', /is a struct/],
    ['eventName.x', /eventName is text/],
    ['resources.ARN', /resources is a list/],
    ['requestParameters.a"b', /character a JSON path cannot name/],
    ['requestParameters..a', /empty part/],
  ])('%s is refused, naming the field', (field, reason) => {
    for (const target of ['cloudtrail', 'ocsf'] as const) {
      expect(() => fieldAccess(target, field)).toThrow(RuleReason);
      expect(() => fieldAccess(target, field)).toThrow(reason);
    }
  });

  it("reads status, which CloudTrail lacks, as OCSF's status: derived on the cloudtrail table, the column on OCSF", () => {
    expect(fieldExpression('ocsf', 'Status').toString()).toBe('status');
    expect(fieldExpression('cloudtrail', 'status').toString()).toContain("WHEN errorcode IS NOT NULL THEN 'Failure'");
  });

  it('refuses on OCSF what the mapping does not keep whole', () => {
    expect(() => fieldAccess('ocsf', 'additionalEventData')).toThrow(/no OCSF mapping/);
    expect(fieldAccess('cloudtrail', 'additionalEventData').text.toString()).toBe('additionaleventdata');
  });

  it('fieldExpression throws RuleCompileError naming the field and, when given, the rule', () => {
    let error: unknown;
    try {
      fieldExpression('ocsf', 'nosuch', { id: 'r-1', title: 'My rule', author: undefined, references: [], source: 'x.yml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleCompileError);
    expect(error).toMatchObject({ title: 'My rule', id: 'r-1', source: 'x.yml' });
    expect((error as RuleCompileError).reason).toMatch(/"nosuch"/);
  });
});
