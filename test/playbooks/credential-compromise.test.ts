/**
 * The credential-compromise queries on the local engine over a generated sample, each answer
 * compared with one computed in plain JS from the same records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import {
  AUTHORIZATION_FAILURE_CODES,
  CREDENTIAL_COMPROMISE_QUERIES,
  accessKeysUsed,
  actionsAttempted,
  activityByHour,
  authorizationFailures,
  consoleLogins,
  entityActivity,
  entityTimeline,
  failuresOverTime,
  iamChanges,
  inWindow,
  mfaChanges,
  offHoursActivity,
  servicesUsed,
  sourceIpsAndAgents,
  suspectFrom,
  timeWindow,
  topFailingEntities,
  type TimeWindow,
} from '../../lib/playbooks';
import { OptionError } from '../../lib/errors';
import { contextOf } from '../../lib/result/context';
import type { QueryResult } from '../../lib/result/query-result';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { sql, type SqlFragment } from '../../lib/sql';
import { deliveryFile, deliveryPath, tempDir, writeFile } from '../support/cloudtrail-fixtures';
import { readSample, type ParsedRecord } from '../support/sample-reader';

const dir = tempDir('irbook-playbooks-');
const fixtures = tempDir('irbook-playbooks-fixtures-');
let manifest: SampleManifest;
let records: ParsedRecord[];
let engine: LocalEngine;
let small: LocalEngine;

const MONTH = timeWindow('2024-03-01', '2024-04-01');
const LEAK_DAY = timeWindow('2024-03-19', '2024-03-20');
const ATTACKER_IP = '203.0.113.77';
const CI_IP = '10.20.5.14';
const HOSTILE = ["x' OR '1'='1", "' OR '1'='1", "%", "_", "arn:aws:iam::%", "arn:aws:iam::111122223333:user/ci_deployer", 'a"b', "\\'; --"];

/** Runs a query; `label` names it in a failure. */
async function run(label: string, query: SqlFragment, on: LocalEngine = engine): Promise<QueryResult> {
  try {
    return await on.query(query);
  } catch (error) {
    throw new Error(`${label}: ${(error as Error).message}`, { cause: error });
  }
}

// ---- the same questions in plain JS -------------------------------------------------------
const issuer = (r: ParsedRecord) => r.userIdentity.sessionContext?.sessionIssuer?.arn;
const entityOf = (r: ParsedRecord) => issuer(r) ?? r.userIdentity.arn ?? null;
const sessionOf = (r: ParsedRecord) => (issuer(r) ? r.userIdentity.arn!.split('/').pop()! : null);
const by = (entity: string) => (r: ParsedRecord) => r.userIdentity.arn === entity || issuer(r) === entity;
const within = (w: TimeWindow) => {
  const start = w.start.toISOString().replace('.000', '');
  const end = w.end.toISOString().replace('.000', '');
  return (r: ParsedRecord) => r.eventTime >= start && r.eventTime < end;
};
const CODES = new Set(AUTHORIZATION_FAILURE_CODES);
const isAuthFailure = (r: ParsedRecord) => r.errorCode !== undefined && CODES.has(r.errorCode);
/** Compares tuples element by element, as ORDER BY a, b does (numbers descending when negated by the caller). */
const cmp = (a: readonly (string | number)[], b: readonly (string | number)[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
};
const newestFirst = (a: ParsedRecord, b: ParsedRecord) =>
  a.eventTime !== b.eventTime ? (a.eventTime < b.eventTime ? 1 : -1) : a.eventID < b.eventID ? -1 : 1;
const oldestFirst = (a: ParsedRecord, b: ParsedRecord) => cmp([a.eventTime, a.eventID], [b.eventTime, b.eventID]);
const distinct = <T>(values: readonly (T | null | undefined)[]) =>
  [...new Set(values.filter((v): v is T => v !== null && v !== undefined))].sort();
const joined = (values: readonly (string | null | undefined)[]) => {
  const d = distinct(values);
  return d.length === 0 ? null : d.join(', ');
};
function groupBy<K>(rs: readonly ParsedRecord[], key: (r: ParsedRecord) => K): Map<string, ParsedRecord[]> {
  const groups = new Map<string, ParsedRecord[]>();
  for (const r of rs) {
    const k = JSON.stringify(key(r));
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return groups;
}
const span = (rs: readonly ParsedRecord[]) => {
  const times = rs.map((r) => r.eventTime).sort();
  return { first_seen: times[0], last_seen: times[times.length - 1] };
};
const failures = (rs: readonly ParsedRecord[]) => rs.filter((r) => r.errorCode !== undefined).length;
const rfc1918 = (ip: string) =>
  ip.startsWith('10.') || ip.startsWith('192.168.') || (/^172\.(\d+)\./.test(ip) && Number(ip.split('.')[1]) >= 16 && Number(ip.split('.')[1]) <= 31);
const isAddress = (ip: string) => /^\d+\.\d+\.\d+\.\d+$/.test(ip) || ip.includes(':');

/** Result rows as plain objects with counts as numbers. */
function rowsOf(result: QueryResult): Record<string, unknown>[] {
  return result.toRecords().map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
  );
}

// ---- a few hand-written events the sample does not have -----------------------------------
const ACCOUNT = '111122223333';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
const SSO_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_0123456789abcdef`;
const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/AppRole`;
const ALICE_ELSEWHERE = 'arn:aws:iam::999988887777:user/alice';
function event(i: number, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventTime: `2024-03-12T10:${String(i).padStart(2, '0')}:00Z`,
    eventSource: 'iam.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.9',
    userAgent: 'Mozilla/5.0',
    requestParameters: null,
    responseElements: null,
    eventID: `fixture-${String(i).padStart(2, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...fields,
  };
}
const session = (roleArn: string, name: string) => ({
  type: 'AssumedRole',
  principalId: `AROAEXAMPLE:${name}`,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleArn.split('/').pop()}/${name}`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLE',
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: roleArn, accountId: ACCOUNT, userName: roleArn.split('/').pop() },
    attributes: { creationDate: '2024-03-12T09:00:00Z', mfaAuthenticated: 'false' },
  },
});
const user = (name: string, account = ACCOUNT) => ({
  type: 'IAMUser',
  principalId: `AIDA${name.toUpperCase()}`,
  arn: `arn:aws:iam::${account}:user/${name}`,
  accountId: account,
  accessKeyId: `AKIA${name.toUpperCase()}`,
  userName: name,
});
/** A failed sign-in as CloudTrail logs it: no ARN, only account and user name. */
const failedSignInIdentity = (name: string, account = ACCOUNT) => ({
  type: 'IAMUser',
  principalId: name === 'HIDDEN_DUE_TO_SECURITY_REASONS' ? '' : `AIDA${name.toUpperCase()}`,
  accountId: account,
  accessKeyId: '',
  userName: name,
});
const signIn = (i: number, identity: object, outcome: 'Success' | 'Failure', mfa: 'Yes' | 'No') =>
  event(i, {
    userIdentity: identity,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    eventType: 'AwsConsoleSignIn',
    responseElements: { ConsoleLogin: outcome },
    additionalEventData: { MobileVersion: 'No', MFAUsed: mfa },
    ...(outcome === 'Failure' ? { errorMessage: 'Failed authentication' } : {}),
  });
const FIXTURE_EVENTS = [
  signIn(1, failedSignInIdentity('alice'), 'Failure', 'No'),
  signIn(2, failedSignInIdentity('alice'), 'Failure', 'No'),
  signIn(3, { ...user('alice'), accessKeyId: '' }, 'Success', 'Yes'),
  signIn(4, failedSignInIdentity('HIDDEN_DUE_TO_SECURITY_REASONS'), 'Failure', 'No'),
  signIn(5, failedSignInIdentity('alice', '999988887777'), 'Failure', 'No'),
  event(6, { userIdentity: user('alice'), eventName: 'CreateVirtualMFADevice', requestParameters: { virtualMFADeviceName: 'alice-phone', path: '/' } }),
  event(7, { userIdentity: user('alice'), eventName: 'EnableMFADevice', requestParameters: { userName: 'alice', serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice-phone` } }),
  event(8, { userIdentity: user('bob'), eventName: 'DeactivateMFADevice', requestParameters: { userName: 'alice', serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice-phone` } }),
  event(9, { userIdentity: user('bob'), eventName: 'DeactivateMFADevice', requestParameters: { userName: 'carol', serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/carol` } }),
  event(10, { userIdentity: user('bob'), eventName: 'DeleteVirtualMFADevice', errorCode: 'AccessDenied', errorMessage: 'denied', requestParameters: { serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice-phone` } }),
  event(11, { userIdentity: user('alice'), eventName: 'ListMFADevices', requestParameters: { userName: 'alice' } }),
  event(12, { userIdentity: user('alice'), eventName: 'GetUser', sourceIPAddress: '10.1.2.3' }),
  event(13, { userIdentity: user('alice'), eventName: 'GetUser', sourceIPAddress: 'iam.amazonaws.com', userAgent: 'iam.amazonaws.com' }),
  event(14, { userIdentity: session(SSO_ROLE, 'dave@example.com'), eventName: 'ListUsers', errorCode: 'AccessDenied', errorMessage: 'denied' }),
  event(15, { userIdentity: session(APP_ROLE, 'i-0123456789abcdef0'), eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', errorCode: 'Client.UnauthorizedOperation', errorMessage: 'denied' }),
  // Another account's alice: a bare "alice" names two entities.
  event(16, { userIdentity: user('alice', '999988887777'), eventName: 'GetUser', recipientAccountId: '999988887777' }),
];

beforeAll(async () => {
  manifest = await generateSample({ out: dir.path, events: 20_000, seed: 1, lake: false });
  records = readSample(dir.path).flatMap((f) => f.records);
  engine = await LocalEngine.open({ logs: dir.path });
  writeFile(deliveryPath(fixtures.path, ACCOUNT, 'us-east-1', '2024-03-12', 1), deliveryFile(FIXTURE_EVENTS));
  small = await LocalEngine.open({ logs: fixtures.path });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await small?.close();
  dir.cleanup();
  fixtures.cleanup();
});

describe('2.1 authorizationFailures', () => {
  it('lists every authorization failure of users, root and role sessions in the window, newest first', async () => {
    const result = await run('authorizationFailures', authorizationFailures({ window: MONTH, limit: Infinity }));
    const expected = records.filter((r) => within(MONTH)(r) && isAuthFailure(r) && entityOf(r) !== null).sort(newestFirst);
    expect(expected.length).toBeGreaterThan(200);
    expect(result.rowCount).toBe(expected.length);
    expect(rowsOf(result).map((r) => [r.eventtime, r.entity, r.sessionname, r.eventname, r.errorcode, r.sourceipaddress])).toEqual(
      expected.map((r) => [r.eventTime, entityOf(r), sessionOf(r), r.eventName, r.errorCode, r.sourceIPAddress]),
    );
    // The stolen instance credentials are a role session: the article's LIKE '%iam%' misses them, this does not.
    const stolen = manifest.stories.credentialCompromise.stolenRoleSession;
    expect(rowsOf(result).some((r) => r.entity === stolen.roleArn && r.sessionname === stolen.userName)).toBe(true);
    expect(result.columnNames).toEqual([
      'eventtime', 'entity', 'eventname', 'errorcode', 'sourceipaddress', 'eventsource', 'identitytype', 'sessionname',
      'awsregion', 'recipientaccountid', 'useragent', 'errormessage',
    ]);
  });

  it('narrows to IAM Identity Center roles on request', async () => {
    const all = await run('authorizationFailures (fixture)', authorizationFailures({ window: MONTH }), small);
    expect(rowsOf(all).map((r) => [r.eventtime, r.entity, r.identitytype, r.sessionname, r.errorcode])).toEqual([
      ['2024-03-12T10:15:00Z', APP_ROLE, 'AssumedRole', 'i-0123456789abcdef0', 'Client.UnauthorizedOperation'],
      ['2024-03-12T10:14:00Z', SSO_ROLE, 'AssumedRole', 'dave@example.com', 'AccessDenied'],
      ['2024-03-12T10:10:00Z', BOB, 'IAMUser', null, 'AccessDenied'],
    ]);
    const sso = await run('authorizationFailures (fixture, Identity Center)', authorizationFailures({ window: MONTH, identityCenterOnly: true }), small);
    expect(rowsOf(sso).map((r) => [r.entity, r.sessionname])).toEqual([[SSO_ROLE, 'dave@example.com']]);
  });
});

describe('2.2 topFailingEntities', () => {
  function expectedTop(w: TimeWindow) {
    const failing = records.filter((r) => within(w)(r) && isAuthFailure(r) && entityOf(r) !== null);
    return [...groupBy(failing, entityOf)]
      .map(([key, rs]) => ({
        entity: JSON.parse(key) as string,
        identitytype: joined(rs.map((r) => r.userIdentity.type)),
        failures: rs.length,
        sessions: joined(rs.map(sessionOf)),
        sourceips: distinct(rs.map((r) => r.sourceIPAddress)).length,
        ...span(rs),
      }))
      .sort((a, b) => b.failures - a.failures || cmp([a.entity], [b.entity]));
  }

  it("puts the compromised user first with the failures counted in JS; suspectFrom takes it", async () => {
    const result = await run('topFailingEntities', topFailingEntities({ window: MONTH }));
    const expected = expectedTop(MONTH);
    expect(rowsOf(result)).toEqual(expected.slice(0, 5));
    expect(rowsOf(result)[0]!.entity).toBe(manifest.stories.credentialCompromise.principalArn);
    expect(await suspectFrom(result, '', { engine, say: () => {} })).toBe(manifest.stories.credentialCompromise.principalArn);
  });

  it('resolves a suspect named by user name, role name, session name or access key id to the entity that made the calls', async () => {
    const story = manifest.stories.credentialCompromise;
    const stolen = story.stolenRoleSession;
    const q = topFailingEntities({ window: MONTH });
    const top = (await run('topFailingEntities', q)).withContext(contextOf(q));
    // The entities each name made calls as, counted in JS over the same records.
    const entitiesBy = (match: (r: ParsedRecord) => boolean) =>
      distinct(records.filter((r) => within(MONTH)(r) && match(r)).map(entityOf));
    const said: string[] = [];
    const options = { engine, say: (line: string) => void said.push(line) };
    const cases: [string, (r: ParsedRecord) => boolean][] = [
      [story.userName, (r) => r.userIdentity.userName === story.userName],
      [stolen.roleName, (r) => r.userIdentity.sessionContext?.sessionIssuer?.userName === stolen.roleName],
      [stolen.userName, (r) => issuer(r) !== undefined && sessionOf(r) === stolen.userName],
      [story.accessKeyIds[0]!, (r) => r.userIdentity.accessKeyId === story.accessKeyIds[0]],
      [stolen.accessKeyIds[0]!, (r) => r.userIdentity.accessKeyId === stolen.accessKeyIds[0]],
    ];
    for (const [name, match] of cases) {
      const expected = entitiesBy(match);
      expect(expected, name).toHaveLength(1);
      expect(await suspectFrom(top, name, options), name).toBe(expected[0]);
    }
    expect(entitiesBy((r) => r.userIdentity.userName === story.userName)).toEqual([story.principalArn]);
    expect(said.some((line) => line.includes(`"${story.userName}" is its user name`))).toBe(true);
    // An assumed-role ARN narrows to that session: it is kept as given.
    expect(await suspectFrom(top, stolen.principalArn, options)).toBe(stolen.principalArn);
  }, 180_000);

  it('fails saying what matched: nothing (listing the top entities), or several entities', async () => {
    const q = topFailingEntities({ window: MONTH });
    const top = (await run('topFailingEntities', q)).withContext(contextOf(q));
    const failure = async (name: string, on: LocalEngine, result = top) =>
      (await suspectFrom(result, name, { engine: on, say: () => {} }).then(() => undefined, (e: unknown) => e)) as OptionError;
    const none = await failure('no-such-user', engine);
    expect(none).toBeInstanceOf(OptionError);
    expect(none.message).toContain('no call in the window 2024-03-01T00:00:00Z to 2024-04-01T00:00:00Z was made by "no-such-user"');
    expect(none.message).toContain(manifest.stories.credentialCompromise.principalArn);
    expect(await failure('arn:aws:iam::111122223333:user/nobody', engine)).toBeInstanceOf(OptionError);
    // alice exists in two accounts of the fixture.
    const fq = topFailingEntities({ window: MONTH });
    const smallTop = (await run('topFailingEntities (fixture)', fq, small)).withContext(contextOf(fq));
    const both = await failure('alice', small, smallTop);
    expect(both).toBeInstanceOf(OptionError);
    expect(both.message).toContain('"alice" matches 2 entities');
    expect(both.message).toContain(ALICE);
    expect(both.message).toContain(ALICE_ELSEWHERE);
  }, 180_000);

  it('lists the stolen role with its session name when the window covers 22 March', async () => {
    const w = timeWindow('2024-03-22', '2024-03-23');
    const result = await run('topFailingEntities (22 March)', topFailingEntities({ window: w }));
    expect(rowsOf(result)).toEqual(expectedTop(w).slice(0, 5));
    const stolen = manifest.stories.credentialCompromise.stolenRoleSession;
    const row = rowsOf(result).find((r) => r.entity === stolen.roleArn);
    expect(row?.identitytype).toBe('AssumedRole');
    expect(String(row?.sessions).split(', ')).toContain(stolen.userName);
  });
});

describe('failuresOverTime', () => {
  it('counts failures per hour for the chosen entities; hostile entity strings match nothing', async () => {
    const stolen = manifest.stories.credentialCompromise.stolenRoleSession.roleArn;
    const suspect = manifest.stories.credentialCompromise.principalArn;
    const result = await run('failuresOverTime', failuresOverTime({ window: MONTH, entities: [suspect, stolen, ...HOSTILE] }));
    const chosen = records.filter((r) => within(MONTH)(r) && isAuthFailure(r) && (by(suspect)(r) || by(stolen)(r)));
    const expected = [...groupBy(chosen, (r) => [`${r.eventTime.slice(0, 13)}:00:00.000Z`, entityOf(r)])]
      .map(([key, rs]) => [...(JSON.parse(key) as string[]), rs.length])
      .sort((a, b) => cmp(a.slice(0, 2) as string[], b.slice(0, 2) as string[]));
    expect(rowsOf(result).map((r) => [(r.bucket as Date).toISOString(), r.entity, r.failures])).toEqual(expected);
    expect(result.columns.map((c) => c.kind)).toEqual(['timestamp', 'string', 'bigint']);
  });
});

describe('2.3–2.6: one suspect', () => {
  const suspect = () => manifest.stories.credentialCompromise.principalArn;

  it('2.3 entityActivity lists the suspect\'s events in the window, newest first, and nothing outside it', async () => {
    const w = timeWindow('2024-03-19T06:00:00Z', '2024-03-19T07:00:00Z');
    const result = await run('entityActivity', entityActivity({ window: w, entity: suspect() }));
    const expected = records.filter((r) => within(w)(r) && by(suspect())(r)).sort(newestFirst);
    expect(expected.length).toBeGreaterThan(100);
    expect(records.filter((r) => within(LEAK_DAY)(r) && by(suspect())(r)).length).toBeGreaterThan(expected.length);
    expect(result.rowCount).toBe(expected.length);
    expect(rowsOf(result).map((r) => [r.eventtime, r.eventname, r.errorcode, r.sourceipaddress, r.accesskeyid, r.sessionname])).toEqual(
      expected.map((r) => [r.eventTime, r.eventName, r.errorCode ?? null, r.sourceIPAddress, r.userIdentity.accessKeyId, null]),
    );
    for (const t of result.column('eventtime') as string[]) expect(t >= '2024-03-19T06:00:00Z' && t < '2024-03-19T07:00:00Z').toBe(true);
    const createUser = rowsOf(result).find((r) => r.eventname === 'CreateUser');
    expect(JSON.parse(String(createUser?.requestparameters))).toEqual({ userName: 'support-admin' });
  });

  it('2.4 servicesUsed and 2.5 actionsAttempted count what plain JS counts', async () => {
    const mine = records.filter((r) => within(MONTH)(r) && by(suspect())(r));
    const services = await run('servicesUsed', servicesUsed({ window: MONTH, entity: suspect() }));
    expect(rowsOf(services)).toEqual(
      [...groupBy(mine, (r) => r.eventSource)]
        .map(([key, rs]) => ({ eventsource: JSON.parse(key), events: rs.length, failures: failures(rs), ...span(rs) }))
        .sort((a, b) => b.events - a.events || cmp([a.eventsource], [b.eventsource])),
    );
    const actions = await run('actionsAttempted', actionsAttempted({ window: MONTH, entity: suspect() }));
    expect(rowsOf(actions)).toEqual(
      [...groupBy(mine, (r) => [r.eventSource, r.eventName])]
        .map(([key, rs]) => {
          const [eventsource, eventname] = JSON.parse(key) as string[];
          return { eventsource, eventname, attempts: rs.length, failures: failures(rs), errorcodes: joined(rs.map((r) => r.errorCode)) };
        })
        .sort((a, b) => b.attempts - a.attempts || cmp([a.eventsource!, a.eventname!], [b.eventsource!, b.eventname!])),
    );
  });

  it('2.6 entityTimeline gives timestamps, oldest first', async () => {
    const result = await run('entityTimeline', entityTimeline({ window: LEAK_DAY, entity: suspect() }));
    const expected = records.filter((r) => within(LEAK_DAY)(r) && by(suspect())(r)).sort(oldestFirst);
    expect(result.columns[0]).toMatchObject({ name: 'eventtime', kind: 'timestamp' });
    expect(rowsOf(result).map((r) => [(r.eventtime as Date).getTime(), r.eventname])).toEqual(
      expected.map((r) => [Date.parse(r.eventTime), r.eventName]),
    );
  });
});

describe('where the calls came from', () => {
  it("accessKeysUsed: the user's one long-term key; the stolen role's temporary keys", async () => {
    const story = manifest.stories.credentialCompromise;
    const keys = await run('accessKeysUsed', accessKeysUsed({ window: MONTH, entity: story.principalArn }));
    const mine = records.filter((r) => within(MONTH)(r) && by(story.principalArn)(r));
    expect(rowsOf(keys)).toEqual([
      {
        accesskeyid: story.accessKeyIds[0],
        keytype: 'long-term (AKIA)',
        events: mine.length,
        failures: failures(mine),
        sourceips: `${CI_IP}, ${ATTACKER_IP}`,
        ...span(mine),
      },
    ]);
    const w = timeWindow('2024-03-22', '2024-03-23');
    const roleKeys = await run('accessKeysUsed (role)', accessKeysUsed({ window: w, entity: story.stolenRoleSession.roleArn }));
    const roleCalls = records.filter((r) => within(w)(r) && by(story.stolenRoleSession.roleArn)(r) && r.userIdentity.accessKeyId);
    expect(rowsOf(roleKeys).map((r) => [r.accesskeyid, r.keytype, r.events])).toEqual(
      [...groupBy(roleCalls, (r) => r.userIdentity.accessKeyId)]
        .map(([key, rs]) => ({ key: JSON.parse(key) as string, rs, ...span(rs) }))
        .sort((a, b) => cmp([a.first_seen!, a.key], [b.first_seen!, b.key]))
        .map(({ key, rs }) => [key, 'temporary (ASIA)', rs.length]),
    );
    expect(rowsOf(roleKeys).map((r) => r.accesskeyid)).toEqual(expect.arrayContaining([...story.stolenRoleSession.accessKeyIds]));
  });

  it('sourceIpsAndAgents: the attacker external, the CI host internal, as plain JS classifies them', async () => {
    const story = manifest.stories.credentialCompromise;
    const result = await run('sourceIpsAndAgents', sourceIpsAndAgents({ window: MONTH, entity: story.principalArn }));
    const mine = records.filter((r) => within(MONTH)(r) && by(story.principalArn)(r));
    const expected = [...groupBy(mine, (r) => [r.sourceIPAddress, r.userAgent])]
      .map(([key, rs]) => {
        const [sourceipaddress, useragent] = JSON.parse(key) as string[];
        const network = !isAddress(sourceipaddress!) ? 'AWS service' : rfc1918(sourceipaddress!) ? 'internal' : 'external';
        return { sourceipaddress, network, useragent, events: rs.length, failures: failures(rs), ...span(rs) };
      })
      .sort((a, b) => b.events - a.events || cmp([a.sourceipaddress!, a.useragent!], [b.sourceipaddress!, b.useragent!]));
    expect(rowsOf(result)).toEqual(expected);
    const network = new Map(rowsOf(result).map((r) => [r.sourceipaddress, r.network]));
    expect(network.get(ATTACKER_IP)).toBe('external');
    expect(network.get(CI_IP)).toBe('internal');
  });

  it('sourceIpsAndAgents: service names are AWS service; internalCidrs are the analyst\'s to set', async () => {
    const byDefault = await run('sourceIpsAndAgents (fixture)', sourceIpsAndAgents({ window: MONTH, entity: ALICE }), small);
    expect(rowsOf(byDefault).map((r) => [r.sourceipaddress, r.network, r.events])).toEqual([
      ['198.51.100.9', 'external', 4],
      ['10.1.2.3', 'internal', 1],
      ['iam.amazonaws.com', 'AWS service', 1],
    ]);
    const own = await run('sourceIpsAndAgents (fixture, own networks)', sourceIpsAndAgents({ window: MONTH, entity: ALICE, internalCidrs: ['198.51.100.0/24', '2001:db8::/32'] }), small);
    expect(rowsOf(own).map((r) => [r.sourceipaddress, r.network])).toEqual([
      ['198.51.100.9', 'internal'],
      ['10.1.2.3', 'external'],
      ['iam.amazonaws.com', 'AWS service'],
    ]);
    const none = await run('sourceIpsAndAgents (fixture, no networks)', sourceIpsAndAgents({ window: MONTH, entity: ALICE, internalCidrs: [] }), small);
    expect(rowsOf(none).map((r) => r.network)).toEqual(['external', 'external', 'AWS service']);
  });
});

describe('when', () => {
  const suspect = () => manifest.stories.credentialCompromise.principalArn;
  const hourOf = (r: ParsedRecord) => Number(r.eventTime.slice(11, 13));

  it('activityByHour counts calls per UTC hour', async () => {
    const result = await run('activityByHour', activityByHour({ window: MONTH, entity: suspect() }));
    const mine = records.filter((r) => within(MONTH)(r) && by(suspect())(r));
    expect(result.columns[0]).toMatchObject({ name: 'hour', kind: 'integer' });
    expect(rowsOf(result)).toEqual(
      [...groupBy(mine, hourOf)].map(([h, rs]) => ({ hour: Number(h), events: rs.length, failures: failures(rs) })).sort((a, b) => a.hour - b.hour),
    );
  });

  it('offHoursActivity finds the night of the leak (and weekends when asked)', async () => {
    for (const [label, options] of [
      ['offHoursActivity', {}],
      ['offHoursActivity (9–17, no weekends)', { workingHours: [9, 17] as [number, number], weekends: false }],
    ] as const) {
      const { workingHours: [from, to] = [8, 18], weekends = true } = options as { workingHours?: [number, number]; weekends?: boolean };
      const result = await run(label, offHoursActivity({ window: MONTH, entity: suspect(), ...options }));
      const off = records.filter((r) => {
        if (!within(MONTH)(r) || !by(suspect())(r)) return false;
        const dow = new Date(r.eventTime).getUTCDay();
        return hourOf(r) < from || hourOf(r) >= to || (weekends && (dow === 0 || dow === 6));
      });
      const expected = [...groupBy(off, (r) => [r.eventTime.slice(0, 10), hourOf(r)])]
        .map(([key, rs]) => {
          const [day, hour] = JSON.parse(key) as [string, number];
          return { day, hour, events: rs.length, failures: failures(rs), eventnames: joined(rs.map((r) => r.eventName)) };
        })
        .sort((a, b) => cmp([a.day, a.hour], [b.day, b.hour]));
      expect(rowsOf(result).map((r) => ({ ...r, day: (r.day as Date).toISOString().slice(0, 10) }))).toEqual(expected);
      const leakNight = rowsOf(result).filter((r) => (r.day as Date).toISOString().startsWith('2024-03-19') && (r.hour as number) < from);
      expect(leakNight.reduce((n, r) => n + (r.failures as number), 0)).toBeGreaterThan(150);
    }
  });
});

describe('identity changes', () => {
  it('iamChanges lists the compromised user\'s denied attempts at persistence, in time order', async () => {
    const story = manifest.stories.credentialCompromise;
    const result = await run('iamChanges', iamChanges({ window: LEAK_DAY, entity: story.principalArn }));
    expect(rowsOf(result).map((r) => [r.eventname, r.target, r.errorcode])).toEqual([
      ['CreateUser', 'support-admin', 'AccessDenied'],
      ['CreateAccessKey', story.userName, 'AccessDenied'],
      ['AttachUserPolicy', story.userName, 'AccessDenied'],
      ['CreateLoginProfile', story.userName, 'AccessDenied'],
      ['PutUserPolicy', story.userName, 'AccessDenied'],
    ]);
    const expected = records
      .filter((r) => within(LEAK_DAY)(r) && by(story.principalArn)(r) && r.eventSource === 'iam.amazonaws.com' && !/^(Get|List|Generate|Simulate)/.test(r.eventName))
      .sort(oldestFirst);
    expect(rowsOf(result).map((r) => [r.eventtime, r.sourceipaddress])).toEqual(expected.map((r) => [r.eventTime, r.sourceIPAddress]));
    expect(rowsOf(result)[2]!.policy).toBe('arn:aws:iam::aws:policy/AdministratorAccess');
  });

  it('iamChanges shows Service_Backup\'s CreateUser → AttachUserPolicy → CreateAccessKey and the key it made', async () => {
    const story = manifest.stories.s3DataAccess;
    const result = await run('iamChanges (Service_Backup)', iamChanges({ window: MONTH, entity: story.principalArn }));
    const rows = rowsOf(result);
    const chain = rows.filter((r) => r.target === story.adminUserName).map((r) => [r.eventname, r.errorcode]);
    expect(chain).toEqual([
      ['CreateUser', null],
      ['AttachUserPolicy', null],
      ['CreateAccessKey', null],
    ]);
    expect(rows.find((r) => r.eventname === 'AttachUserPolicy')?.policy).toBe(story.attachedPolicyArn);
    expect(rows.find((r) => r.eventname === 'CreateAccessKey')?.newaccesskeyid).toBe(story.createdAccessKeyIds[0]);
    const times = rows.map((r) => r.eventtime as string);
    expect(times).toEqual([...times].sort());
  });

  it('consoleLogins: the sample\'s sign-ins of an IAM user, with outcome and MFA', async () => {
    const login = records.find((r) => r.eventName === 'ConsoleLogin' && r.userIdentity.type === 'IAMUser')!;
    const entity = login.userIdentity.arn!;
    const result = await run('consoleLogins', consoleLogins({ window: MONTH, entity }));
    const expected = records.filter((r) => within(MONTH)(r) && r.eventName === 'ConsoleLogin' && r.userIdentity.arn === entity).sort(oldestFirst);
    expect(rowsOf(result)).toEqual(
      expected.map((r) => ({
        eventtime: r.eventTime,
        sourceipaddress: r.sourceIPAddress,
        useragent: r.userAgent,
        outcome: (r.responseElements as { ConsoleLogin: string }).ConsoleLogin,
        mfaused: (r.additionalEventData as { MFAUsed: string }).MFAUsed,
        errormessage: null,
      })),
    );
  });

  it('consoleLogins matches failed sign-ins logged without an ARN by account and user name', async () => {
    const result = await run('consoleLogins (fixture)', consoleLogins({ window: MONTH, entity: ALICE }), small);
    expect(rowsOf(result).map((r) => [r.eventtime, r.outcome, r.mfaused, r.errormessage])).toEqual([
      ['2024-03-12T10:01:00Z', 'Failure', 'No', 'Failed authentication'],
      ['2024-03-12T10:02:00Z', 'Failure', 'No', 'Failed authentication'],
      ['2024-03-12T10:03:00Z', 'Success', 'Yes', null],
    ]);
  });

  it('mfaChanges lists MFA changes by the user and to the user', async () => {
    const result = await run('mfaChanges (fixture)', mfaChanges({ window: MONTH, entity: ALICE }), small);
    expect(rowsOf(result).map((r) => [r.eventname, r.actor, r.target, r.errorcode])).toEqual([
      ['CreateVirtualMFADevice', ALICE, 'alice-phone', null],
      ['EnableMFADevice', ALICE, 'alice', null],
      ['DeactivateMFADevice', BOB, 'alice', null],
    ]);
    const bob = await run('mfaChanges (fixture, bob)', mfaChanges({ window: MONTH, entity: BOB }), small);
    expect(rowsOf(bob).map((r) => [r.eventname, r.target, r.serialnumber, r.errorcode])).toEqual([
      ['DeactivateMFADevice', 'alice', `arn:aws:iam::${ACCOUNT}:mfa/alice-phone`, null],
      ['DeactivateMFADevice', 'carol', `arn:aws:iam::${ACCOUNT}:mfa/carol`, null],
      ['DeleteVirtualMFADevice', null, `arn:aws:iam::${ACCOUNT}:mfa/alice-phone`, 'AccessDenied'],
    ]);
  });
});

describe('windows and hostile input', () => {
  it('a one-day window touches only that day\'s date_partition', async () => {
    const result = await run(
      'inWindow (one day)',
      sql`SELECT date_partition, count(*) AS events FROM cloudtrail WHERE ${inWindow(LEAK_DAY)} GROUP BY date_partition`,
    );
    expect(rowsOf(result)).toEqual([{ date_partition: '2024/03/19', events: records.filter(within(LEAK_DAY)).length }]);
  });

  it('hostile entity strings match nothing and do not fail, in every query', async () => {
    for (const bad of HOSTILE) {
      for (const [name, q] of Object.entries(CREDENTIAL_COMPROMISE_QUERIES)) {
        if (!q.aboutEntity) continue;
        const answer = await small.query(q.build({ window: MONTH, entity: bad }));
        expect(answer.rowCount, `${name} with ${bad}`).toBe(0);
      }
    }
  });

  it('every catalog query runs and returns the documented columns', async () => {
    const columns: Record<string, string[]> = {};
    for (const [name, q] of Object.entries(CREDENTIAL_COMPROMISE_QUERIES)) {
      columns[name] = [...(await small.query(q.build({ window: MONTH, entity: ALICE }))).columnNames];
    }
    expect(columns).toEqual({
      authorizationFailures: ['eventtime', 'entity', 'eventname', 'errorcode', 'sourceipaddress', 'eventsource', 'identitytype', 'sessionname', 'awsregion', 'recipientaccountid', 'useragent', 'errormessage'],
      topFailingEntities: ['entity', 'identitytype', 'failures', 'sessions', 'sourceips', 'first_seen', 'last_seen'],
      failuresOverTime: ['bucket', 'entity', 'failures'],
      entityActivity: ['eventtime', 'eventname', 'errorcode', 'sourceipaddress', 'accesskeyid', 'eventsource', 'sessionname', 'awsregion', 'useragent', 'requestparameters'],
      servicesUsed: ['eventsource', 'events', 'failures', 'first_seen', 'last_seen'],
      actionsAttempted: ['eventsource', 'eventname', 'attempts', 'failures', 'errorcodes'],
      entityTimeline: ['eventtime', 'eventsource', 'eventname', 'errorcode', 'sourceipaddress'],
      accessKeysUsed: ['accesskeyid', 'keytype', 'events', 'failures', 'sourceips', 'first_seen', 'last_seen'],
      sourceIpsAndAgents: ['sourceipaddress', 'network', 'useragent', 'events', 'failures', 'first_seen', 'last_seen'],
      activityByHour: ['hour', 'events', 'failures'],
      offHoursActivity: ['day', 'hour', 'events', 'failures', 'eventnames'],
      iamChanges: ['eventtime', 'eventname', 'target', 'policy', 'newaccesskeyid', 'errorcode', 'sourceipaddress'],
      consoleLogins: ['eventtime', 'sourceipaddress', 'useragent', 'outcome', 'mfaused', 'errormessage'],
      mfaChanges: ['eventtime', 'eventname', 'actor', 'target', 'serialnumber', 'errorcode', 'sourceipaddress'],
      instancesTouched: ['instanceid', 'eventname', 'calls', 'failed', 'first_seen', 'last_seen'],
    });
  });

  it('reads the table under its database name too', async () => {
    const q = servicesUsed({ window: MONTH, entity: ALICE, table: 'security_analysis.cloudtrail' });
    expect(rowsOf(await small.query(q)).map((r) => r.eventsource)).toEqual(['iam.amazonaws.com', 'signin.amazonaws.com']);
  });
});
