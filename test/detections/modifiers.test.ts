/**
 * Every value form and modifier, compiled for both targets and run on the local engine over
 * crafted CloudTrail records. Each case's expected hits come from a plain-JS predicate over
 * the same records, written here from the Sigma semantics (not from the compiler).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEngine } from '../../lib/engines/local/local-engine';
import { deliveryFile, deliveryPath, makeEvent, writeFile, type Event } from '../support/cloudtrail-fixtures';
import { engineScratch } from '../support/engine-scratch';
import { LocalEngine as Engine } from '../../lib/engines/local/local-engine';
import { hitsOf, oneTest, ruleWith, TARGETS } from './support';
import type { SigmaRule } from '../../lib/detections/types';

type Json = Record<string, unknown>;

/** An event with a readable id; management events unless said otherwise. */
function event(id: string, overrides: Partial<Event> & Json = {}): Event {
  const base = makeEvent(0, { eventCategory: 'Management', eventSource: 'iam.amazonaws.com' });
  delete base.errorCode;
  delete base.errorMessage;
  return { ...base, eventID: id, requestParameters: null, ...overrides };
}

const who = (userName: string, extra: Json = {}) => ({
  type: 'IAMUser',
  principalId: `AIDA${userName.toUpperCase()}`,
  arn: `arn:aws:iam::111122223333:user/${userName}`,
  accountId: '111122223333',
  userName,
  ...extra,
});

const RECORDS: readonly Event[] = [
  event('e-getobject', { eventName: 'GetObject', eventSource: 's3.amazonaws.com', eventCategory: 'Data', userAgent: 'aws-cli/2.15.0 Python', sourceIPAddress: '10.0.0.1', requestParameters: { bucketName: 'logs', key: 'a.txt', count: 5, flag: false, 'x-amz-acl': 'private', nested: { list: [1, 2] }, empty: null } }),
  event('e-listbuckets', { eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userAgent: 'Boto3/1.34', sourceIPAddress: '10.0.0.3', readOnly: true }),
  event('e-createuser', { eventName: 'CreateUser', userIdentity: who('alice'), requestParameters: { userName: 'ALICE' }, userAgent: 'literal*star', sourceIPAddress: '10.0.0.4', readOnly: false }),
  event('e-createuser2', { eventName: 'CreateUser', userIdentity: who('bob'), requestParameters: { userName: 'carol' }, userAgent: 'literalXstar', sourceIPAddress: '2001:db8::1' }),
  event('e-deny', { eventName: 'DeleteBucket', eventSource: 's3.amazonaws.com', errorCode: 'AccessDenied', errorMessage: 'line1\nline2', userAgent: 'back\\slash', sourceIPAddress: 'AWS Internal', requestParameters: { bucketName: 'Logs-Prod', count: 12 } }),
  event('e-percent', { eventName: 'PutBucketPolicy', eventSource: 's3.amazonaws.com', userIdentity: who('bob'), userAgent: '50%_off', sourceIPAddress: '2001:db9::1', requestParameters: { bucketName: 'bobcat' } }),
  event('e-percent2', { eventName: 'PutBucketAcl', eventSource: 's3.amazonaws.com', userAgent: '50xyoff', sourceIPAddress: '192.168.1.10', errorCode: 'Success' }),
  event('e-role', {
    eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/ops/alice', principalId: 'AROA:alice', accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/ops', userName: 'ops' }, attributes: { mfaAuthenticated: 'true', creationDate: '2024-03-12T08:00:00Z' } } },
    requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/ops', roleSessionName: 'alice' },
  }),
  event('e-login', {
    eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: who('dave'),
    additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com/' }, responseElements: { ConsoleLogin: 'Success' },
  }),
  event('e-login-mfa', {
    eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: who('erin'),
    additionalEventData: { MFAUsed: 'Yes' }, responseElements: { ConsoleLogin: 'Success' },
  }),
  event('e-upper', { eventName: 'CreateAccessKey', userIdentity: who('frank'), userAgent: 'AWS-CLI/2 PYTHON', requestParameters: { userName: 'frank', empty: 'x' }, errorCode: 'Throttling', errorMessage: 'line2' }),
  event('e-line12', { eventName: 'UpdateUser', errorCode: 'Throttling', errorMessage: 'line1 line2' }),
  event('e-other-extra', { eventName: 'PutObject', eventSource: 's3.amazonaws.com', eventCategory: 'Data', additionalEventData: { MFAUsed: 'No', bytesTransferredIn: 10 } }),
];

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const req = (e: Event) => (e.requestParameters ?? {}) as Json;
const ui = (e: Event) => e.userIdentity as Json;

/** A case: rule value, and which records it should match (a plain predicate). */
interface Case {
  readonly name: string;
  readonly rule: SigmaRule;
  readonly expected: (e: Event) => boolean;
  /** Targets where the mapping cannot hold the field, with why. */
  readonly skip?: { readonly ocsf: string };
}

const CASES: readonly Case[] = [
  { name: 'equality is case-insensitive', rule: oneTest('eventName', 'getobject'), expected: (e) => lower(e.eventName) === 'getobject' },
  { name: 'cased equality', rule: oneTest('eventName|cased', 'getobject'), expected: (e) => e.eventName === 'getobject' },
  { name: 'cased equality, right case', rule: oneTest('eventName|cased', 'GetObject'), expected: (e) => e.eventName === 'GetObject' },
  { name: 'contains', rule: oneTest('eventName|contains', 'BUCKET'), expected: (e) => lower(e.eventName)!.includes('bucket') },
  { name: 'startswith', rule: oneTest('eventName|startswith', 'put'), expected: (e) => lower(e.eventName)!.startsWith('put') },
  { name: 'endswith', rule: oneTest('eventName|endswith', 'USER'), expected: (e) => lower(e.eventName)!.endsWith('user') },
  { name: 'contains|cased', rule: oneTest('userAgent|contains|cased', 'CLI'), expected: (e) => String(e.userAgent).includes('CLI') },
  {
    name: 'contains|all', rule: oneTest('userAgent|contains|all', ['AWS-CLI', 'python']),
    expected: (e) => ['aws-cli', 'python'].every((v) => lower(e.userAgent)?.includes(v) === true),
  },
  { name: 'a list is an OR', rule: oneTest('eventName', ['ListBuckets', 'createuser']), expected: (e) => ['listbuckets', 'createuser'].includes(lower(e.eventName)!) },
  { name: 'wildcard *', rule: oneTest('eventName', 'put*acl'), expected: (e) => /^put.*acl$/i.test(e.eventName) },
  { name: 'wildcard ?', rule: oneTest('eventName', 'Li?tBuckets'), expected: (e) => /^li.tbuckets$/i.test(e.eventName) },
  { name: 'escaped \\* is a star', rule: oneTest('userAgent', 'literal\\*star'), expected: (e) => e.userAgent === 'literal*star' },
  { name: 'unescaped * is a wildcard', rule: oneTest('userAgent', 'literal*star'), expected: (e) => /^literal.*star$/i.test(String(e.userAgent)) },
  { name: 'escaped \\\\ is a backslash', rule: oneTest('userAgent', 'back\\\\slash'), expected: (e) => e.userAgent === 'back\\slash' },
  { name: 'a lone backslash is itself', rule: oneTest('userAgent', 'back\\slash'), expected: (e) => e.userAgent === 'back\\slash' },
  { name: '% and _ are not wildcards', rule: oneTest('userAgent|startswith', '50%_'), expected: (e) => String(e.userAgent).startsWith('50%_') },
  { name: 're is case-sensitive', rule: oneTest('userIdentity.arn|re', ':user/(alice|BOB)$'), expected: (e) => /:user\/(alice|BOB)$/.test(String(ui(e).arn)) },
  { name: 're|i', rule: oneTest('userIdentity.arn|re|i', ':USER/(alice|BOB)$'), expected: (e) => /:user\/(alice|bob)$/i.test(String(ui(e).arn)) },
  { name: 're|m', rule: oneTest('errorMessage|re|m', '^line2$'), expected: (e) => /^line2$/m.test(String(e.errorMessage ?? '')) && e.errorMessage !== undefined },
  { name: 're without m', rule: oneTest('errorMessage|re', '^line2$'), expected: (e) => /^line2$/.test(String(e.errorMessage ?? '\0')) },
  { name: 're|s', rule: oneTest('errorMessage|re|s', 'line1.line2'), expected: (e) => /line1.line2/s.test(String(e.errorMessage ?? '')) },
  { name: 're without s', rule: oneTest('errorMessage|re', 'line1.line2'), expected: (e) => /line1.line2/.test(String(e.errorMessage ?? '')) },
  {
    name: 'cidr IPv4', rule: oneTest('sourceIPAddress|cidr', '10.0.0.0/30'),
    expected: (e) => /^10\.0\.0\.[0-3]$/.test(String(e.sourceIPAddress)),
  },
  {
    name: 'cidr IPv6, a list', rule: oneTest('sourceIPAddress|cidr', ['2001:db8::/32', '192.168.0.0/16']),
    expected: (e) => String(e.sourceIPAddress).startsWith('2001:db8:') || String(e.sourceIPAddress).startsWith('192.168.'),
  },
  {
    name: 'fieldref equality (case-insensitive)', rule: oneTest('userIdentity.userName|fieldref', 'requestParameters.userName'),
    expected: (e) => lower(ui(e).userName) !== undefined && lower(ui(e).userName) === lower(req(e).userName),
  },
  {
    name: 'fieldref|cased', rule: oneTest('userIdentity.userName|fieldref|cased', 'requestParameters.userName'),
    expected: (e) => ui(e).userName !== undefined && ui(e).userName === req(e).userName,
  },
  {
    name: 'fieldref|contains', rule: oneTest('userIdentity.arn|fieldref|contains', 'requestParameters.userName'),
    expected: (e) => typeof req(e).userName === 'string' && lower(ui(e).arn)?.includes(lower(req(e).userName)!) === true,
  },
  {
    name: 'fieldref|startswith', rule: oneTest('requestParameters.bucketName|fieldref|startswith', 'userIdentity.userName'),
    expected: (e) => typeof req(e).bucketName === 'string' && typeof ui(e).userName === 'string' && lower(req(e).bucketName)!.startsWith(lower(ui(e).userName)!),
  },
  {
    name: 'fieldref|endswith', rule: oneTest('userIdentity.arn|fieldref|endswith', 'requestParameters.roleSessionName'),
    expected: (e) => typeof req(e).roleSessionName === 'string' && lower(ui(e).arn)!.endsWith(lower(req(e).roleSessionName)!),
  },
  { name: 'exists: true', rule: oneTest('errorCode|exists', true), expected: (e) => e.errorCode !== undefined && e.errorCode !== null },
  { name: 'exists: false', rule: oneTest('errorCode|exists', false), expected: (e) => e.errorCode === undefined || e.errorCode === null },
  { name: 'exists on a JSON object member', rule: oneTest('requestParameters.nested|exists', true), expected: (e) => req(e).nested != null },
  { name: 'null: missing field', rule: oneTest('errorCode', null), expected: (e) => e.errorCode == null },
  { name: 'null: JSON member missing or null', rule: oneTest('requestParameters.empty', null), expected: (e) => req(e).empty == null },
  { name: 'null: an object member is not null', rule: oneTest('requestParameters.nested', null), expected: (e) => req(e).nested == null },
  { name: 'an object member equals no string', rule: oneTest('requestParameters.nested|contains', ''), expected: () => false },
  { name: 'a JSON number compares as text', rule: oneTest('requestParameters.count', 5), expected: (e) => text(req(e).count) === '5' },
  { name: 'a JSON boolean compares as text', rule: oneTest('requestParameters.flag', false), expected: (e) => text(req(e).flag) === 'false' },
  { name: 'a boolean column compares as text', rule: oneTest('readOnly', true), expected: (e) => text(e.readOnly) === 'true', skip: undefined },
  { name: 'gte on a JSON number', rule: oneTest('requestParameters.count|gte', 6), expected: (e) => typeof req(e).count === 'number' && (req(e).count as number) >= 6 },
  { name: 'lt on a JSON number', rule: oneTest('requestParameters.count|lt', 6), expected: (e) => typeof req(e).count === 'number' && (req(e).count as number) < 6 },
  { name: 'a JSON key with a dash', rule: oneTest('requestParameters.x-amz-acl', 'PRIVATE'), expected: (e) => lower(req(e)['x-amz-acl']) === 'private' },
  { name: 'a whole JSON column, contains', rule: oneTest('requestParameters|contains', 'logs-prod'), expected: (e) => JSON.stringify(e.requestParameters ?? null).toLowerCase().includes('logs-prod') },
  { name: 'a struct member', rule: oneTest('userIdentity.sessionContext.sessionIssuer.type', 'role'), expected: (e) => lower(((ui(e).sessionContext as Json)?.sessionIssuer as Json)?.type) === 'role' },
  { name: 'a field case-insensitively named', rule: oneTest('useridentity.TYPE', 'assumedrole'), expected: (e) => lower(ui(e).type) === 'assumedrole' },
  {
    name: 'mfaAuthenticated as text', rule: oneTest('userIdentity.sessionContext.attributes.mfaAuthenticated', 'true'),
    expected: (e) => ((ui(e).sessionContext as Json)?.attributes as Json)?.mfaAuthenticated === 'true',
  },
  {
    name: 'additionalEventData.MFAUsed (Authentication rows and others)', rule: oneTest('additionalEventData.MFAUsed', 'no'),
    expected: (e) => lower((e.additionalEventData as Json | undefined)?.MFAUsed) === 'no',
  },
  { name: 'responseElements member', rule: oneTest('responseElements.ConsoleLogin', 'success'), expected: (e) => lower((e.responseElements as Json | null)?.ConsoleLogin) === 'success' },
  {
    name: 'a map is an AND', rule: ruleWith({ s: { eventSource: 's3.amazonaws.com', 'eventName|startswith': 'Put' }, condition: 's' }),
    expected: (e) => e.eventSource === 's3.amazonaws.com' && e.eventName.startsWith('Put'),
  },
  {
    name: 'a list of maps is an OR', rule: ruleWith({ s: [{ eventName: 'CreateUser', 'userIdentity.userName': 'bob' }, { errorCode: 'AccessDenied' }], condition: 's' }),
    expected: (e) => (e.eventName === 'CreateUser' && ui(e).userName === 'bob') || e.errorCode === 'AccessDenied',
  },
  {
    name: 'not over a missing field matches', rule: ruleWith({ s: { eventSource: 's3.amazonaws.com' }, f: { errorCode: 'AccessDenied' }, condition: 's and not f' }),
    expected: (e) => e.eventSource === 's3.amazonaws.com' && e.errorCode !== 'AccessDenied',
  },
  {
    name: 'contains * matches any present value', rule: ruleWith({ s: { eventSource: 's3.amazonaws.com' }, f: { 'errorCode|contains': '*' }, condition: 's and not f' }),
    expected: (e) => e.eventSource === 's3.amazonaws.com' && e.errorCode == null,
  },
  {
    name: 'precedence: not > and > or', rule: ruleWith({ a: { eventName: 'CreateUser' }, b: { errorCode: 'Success' }, c: { 'userIdentity.userName': 'bob' }, condition: 'a and not c or b' }),
    expected: (e) => (e.eventName === 'CreateUser' && ui(e).userName !== 'bob') || e.errorCode === 'Success',
  },
  {
    name: 'parentheses', rule: ruleWith({ a: { eventName: 'CreateUser' }, b: { errorCode: 'Success' }, c: { 'userIdentity.userName': 'bob' }, condition: 'a and not (c or b)' }),
    expected: (e) => e.eventName === 'CreateUser' && ui(e).userName !== 'bob' && e.errorCode !== 'Success',
  },
  {
    name: 'all of sel_*', rule: ruleWith({ sel_a: { eventSource: 's3.amazonaws.com' }, sel_b: { 'eventName|startswith': 'Put' }, other: { errorCode: 'x' }, condition: 'all of sel_*' }),
    expected: (e) => e.eventSource === 's3.amazonaws.com' && e.eventName.startsWith('Put'),
  },
  {
    name: '1 of them', rule: ruleWith({ a: { eventName: 'AssumeRole' }, b: { errorCode: 'Success' }, _hidden: { eventName: 'GetObject' }, condition: '1 of them' }),
    expected: (e) => e.eventName === 'AssumeRole' || e.errorCode === 'Success',
  },
];

const { logsFolder } = engineScratch();
let engine: LocalEngine;

beforeAll(async () => {
  const logs = logsFolder();
  writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(RECORDS));
  engine = await Engine.open({ logs, cache: false });
});
afterAll(async () => {
  await engine?.close();
});

describe.each(TARGETS)('on the %s target', (target) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const expected = RECORDS.filter(c.expected).map((e) => String(e.eventID)).sort();
    expect(await hitsOf(engine, target, c.rule)).toEqual(expected);
  });
});

it('the record set makes every case discriminate (some records match, some do not)', () => {
  const trivial = CASES.filter((c) => c.name !== 'an object member equals no string' && c.name !== 'cased equality')
    .filter((c) => { const n = RECORDS.filter(c.expected).length; return n === 0 || n === RECORDS.length; });
  expect(trivial.map((c) => c.name)).toEqual([]);
});
