/** The playbook queries as SQL text: options checked, values bound, Athena's rules kept. */
import { describe, expect, it } from 'vitest';
import {
  AUTHORIZATION_FAILURE_CODES,
  CREDENTIAL_COMPROMISE_QUERIES,
  authorizationFailures,
  consoleLogins,
  entityActivity,
  failuresOverTime,
  iamUserOf,
  mfaChanges,
  offHoursActivity,
  servicesUsed,
  sourceIpsAndAgents,
  entityMatches,
  suspectFrom,
  timeWindow,
  topFailingEntities,
} from '../../lib/playbooks';
import { OptionError } from '../../lib/errors';
import type { SqlFragment } from '../../lib/sql';
import { optionError } from '../support/capture';

const window = timeWindow('2024-03-19', '2024-03-20');
const entity = 'arn:aws:iam::111122223333:user/ci-deployer';
const HOSTILE = ["x' OR '1'='1", "'; DROP TABLE cloudtrail; --", '%', '_', 'arn:aws:iam::111122223333:user/%', '"quoted"', 'a\\b'];


const build = (name: string, context: { entity: string; table?: string }): SqlFragment =>
  CREDENTIAL_COMPROMISE_QUERIES[name as keyof typeof CREDENTIAL_COMPROMISE_QUERIES].build({ window, ...context });

describe('the credential-compromise catalog', () => {
  it('lists every query with a one-line title, the article numbers on 2.1–2.6', () => {
    const entries = Object.entries(CREDENTIAL_COMPROMISE_QUERIES);
    expect(entries.length).toBe(15);
    for (const [, q] of entries) {
      expect(q.title).toMatch(/^\S.{10,90}$/);
      expect(q.title).not.toContain('\n');
    }
    const sections = entries.filter(([, q]) => 'section' in q).map(([name, q]) => [name, (q as { section: string }).section]);
    expect(sections).toEqual([
      ['authorizationFailures', '2.1'],
      ['topFailingEntities', '2.2'],
      ['entityActivity', '2.3'],
      ['servicesUsed', '2.4'],
      ['actionsAttempted', '2.5'],
      ['entityTimeline', '2.6'],
    ]);
  });

  it('binds every value: hostile entities appear only among the parameters', () => {
    for (const name of Object.keys(CREDENTIAL_COMPROMISE_QUERIES)) {
      for (const bad of HOSTILE) {
        const { text, params } = build(name, { entity: bad }).compile();
        if (CREDENTIAL_COMPROMISE_QUERIES[name as keyof typeof CREDENTIAL_COMPROMISE_QUERIES].aboutEntity) {
          expect(params, name).toContain(bad);
        }
        if (bad.length > 1) expect(text, name).not.toContain(bad);
      }
    }
  });

  it('puts ? only in WHERE conditions (Athena takes execution parameters nowhere else)', () => {
    for (const name of Object.keys(CREDENTIAL_COMPROMISE_QUERIES)) {
      const { text } = build(name, { entity }).compile();
      const lines = text.split('\n').filter((line) => line.includes('?'));
      expect(lines.length, name).toBeGreaterThan(0);
      for (const line of lines) expect(line.trim(), `${name}: ${line}`).toMatch(/^(WHERE|AND|OR)\b/);
    }
  });

  it('reads the table named by the table option, checked as an identifier', () => {
    expect(build('servicesUsed', { entity, table: 'security_analysis.cloudtrail_logs' }).compile().text).toContain(
      'FROM "security_analysis"."cloudtrail_logs"',
    );
    expect(build('servicesUsed', { entity }).compile().text).toContain('FROM cloudtrail\n');
    for (const table of ['a.b.c', 'x; DROP', '', 'db."t"']) {
      expect(optionError(() => servicesUsed({ window, entity, table })).option).toBe('table');
    }
  });
});

describe('options', () => {
  it('rejects unknown option names, naming them', () => {
    expect(optionError(() => authorizationFailures({ window, limt: 5 } as never)).option).toBe('limt');
    expect(optionError(() => servicesUsed({ window, entity, limit: 5 } as never)).option).toBe('limit');
    expect(optionError(() => topFailingEntities({ window, entity } as never)).option).toBe('entity');
  });

  it('requires a window and an entity where the query needs them', () => {
    expect(optionError(() => authorizationFailures({} as never)).option).toBe('window');
    expect(optionError(() => entityActivity({ window } as never)).option).toBe('entity');
    expect(optionError(() => entityActivity({ window, entity: '   ' })).option).toBe('entity');
    expect(optionError(() => entityActivity({ window, entity: 42 as never })).option).toBe('entity');
    expect(optionError(() => entityActivity({ window: { start: '2024-03-20', end: '2024-03-19' }, entity })).option).toBe('end');
    expect(optionError(() => authorizationFailures(null as never)).option).toBe('authorizationFailures');
  });

  it('checks limits, booleans, buckets, entities, networks and working hours', () => {
    for (const limit of [0, -1, 1.5, Number.NaN, '10', 1e21]) {
      expect(optionError(() => authorizationFailures({ window, limit: limit as number })).option).toBe('limit');
    }
    expect(authorizationFailures({ window, limit: Infinity }).compile().text).not.toContain('LIMIT');
    expect(authorizationFailures({ window }).compile().text).toMatch(/\nLIMIT 500$/);
    expect(topFailingEntities({ window, limit: 10 }).compile().text).toMatch(/\nLIMIT 10$/);
    expect(optionError(() => authorizationFailures({ window, identityCenterOnly: 'yes' as never })).option).toBe('identityCenterOnly');
    expect(optionError(() => failuresOverTime({ window, entities: [entity], bucket: 'minute' as never })).option).toBe('bucket');
    expect(optionError(() => failuresOverTime({ window, entities: [] })).option).toBe('entities');
    expect(optionError(() => failuresOverTime({ window, entities: entity as never })).option).toBe('entities');
    expect(optionError(() => failuresOverTime({ window, entities: [entity, ''] })).option).toBe('entities');
    for (const cidrs of [['10.0.0.1/8'], ['10.0.0.0'], ['300.0.0.0/8'], ['10.0.0.0/33'], 'x', [7]]) {
      expect(optionError(() => sourceIpsAndAgents({ window, entity, internalCidrs: cidrs as never })).option).toBe('internalCidrs');
    }
    for (const hours of [[18, 8], [8, 25], [-1, 8], [8], [8.5, 18], '8-18']) {
      expect(optionError(() => offHoursActivity({ window, entity, workingHours: hours as never })).option).toBe('workingHours');
    }
    expect(optionError(() => offHoursActivity({ window, entity, weekends: 1 as never })).option).toBe('weekends');
  });
});

describe('the queries as text', () => {
  it('2.1 filters on the failure codes, bound, and on entities; Identity Center as the article says', () => {
    const { text, params } = authorizationFailures({ window }).compile();
    expect(text).toContain(`errorcode IN (${AUTHORIZATION_FAILURE_CODES.map(() => '?').join(', ')})`);
    expect(params.slice(4)).toEqual([...AUTHORIZATION_FAILURE_CODES]);
    expect(text).not.toContain("LIKE '%iam%'");
    expect(text).toContain('ORDER BY eventtime DESC');
    expect(text).not.toContain('sso.amazonaws.com');
    expect(authorizationFailures({ window, identityCenterOnly: true }).compile().text).toContain(
      "AND useridentity.sessioncontext.sessionissuer.arn LIKE '%sso.amazonaws.com%'",
    );
  });

  it('covers the error codes the sample generator writes for refused calls', () => {
    for (const code of ['AccessDenied', 'AccessDeniedException', 'AuthorizationError', 'Client.UnauthorizedOperation', 'Client.InvalidPermission.NotFound', 'Client.OperationNotPermitted']) {
      expect(AUTHORIZATION_FAILURE_CODES).toContain(code);
    }
  });

  it('binds the internal networks; with none, nothing is internal', () => {
    const { text, params } = sourceIpsAndAgents({ window, entity, internalCidrs: ['10.0.0.0/8', '2001:db8::/32'] }).compile();
    expect(text.match(/contains\(\?, TRY_CAST\(sourceipaddress AS IPADDRESS\)\)/g)?.length).toBe(2);
    expect(params.slice(-2)).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    const none = sourceIpsAndAgents({ window, entity, internalCidrs: [] }).compile().text;
    expect(none).not.toContain('contains(');
    expect(none).toContain('WHERE (1 = 0)');
  });

  it('matches failed sign-ins of an IAM user by account and user name; other entities by ARN', () => {
    const user = consoleLogins({ window, entity: 'arn:aws:iam::111122223333:user/ops/alice' }).compile();
    expect(user.params.slice(-2)).toEqual(['111122223333', 'alice']);
    expect(user.text).toContain('useridentity.arn IS NULL');
    const role = consoleLogins({ window, entity: 'arn:aws:iam::111122223333:role/Admin' }).compile();
    expect(role.text).not.toContain('useridentity.username');
    expect(mfaChanges({ window, entity: 'arn:aws:iam::111122223333:user/alice' }).compile().params.slice(-2)).toEqual(['111122223333', 'alice']);
    expect(iamUserOf('arn:aws:iam::111122223333:root')).toBeUndefined();
    expect(iamUserOf('arn:aws:sts::111122223333:assumed-role/R/s')).toBeUndefined();
    expect(iamUserOf('arn:aws-us-gov:iam::111122223333:user/a/b/carol')).toEqual({ accountId: '111122223333', userName: 'carol' });
  });

  it('keeps the SQL readable: one clause a line, lower-case columns', () => {
    const text = entityActivity({ window, entity }).compile().text;
    expect(text.split('\n')[0]).toBe('SELECT');
    expect(text).toContain('\nFROM cloudtrail\nWHERE (date_partition BETWEEN ? AND ?');
    expect(text).toContain('\n  AND (useridentity.arn = ? OR useridentity.sessioncontext.sessionissuer.arn = ?)');
    expect(text).toMatch(/\nLIMIT 1000$/);
  });
});

describe('suspectFrom', () => {
  const top = {
    columnNames: ['entity', 'identitytype', 'failures'],
    rows: [
      ['arn:aws:iam::111122223333:user/ci-deployer', 'IAMUser', 222n],
      ['arn:aws:iam::111122223333:role/WebAppInstanceRole', 'AssumedRole', 29n],
    ],
  };
  const said: string[] = [];
  const quiet = { say: (line: string) => void said.push(line) };

  it('takes the first row, unless the analyst names someone else', async () => {
    expect(await suspectFrom(top, undefined, quiet)).toBe('arn:aws:iam::111122223333:user/ci-deployer');
    expect(await suspectFrom(top, '', quiet)).toBe('arn:aws:iam::111122223333:user/ci-deployer');
    expect(await suspectFrom(top, '   ', quiet)).toBe('arn:aws:iam::111122223333:user/ci-deployer');
    expect(await suspectFrom(top, null, quiet)).toBe('arn:aws:iam::111122223333:user/ci-deployer');
    expect(await suspectFrom(top, ' arn:aws:iam::111122223333:role/WebAppInstanceRole ', quiet)).toBe('arn:aws:iam::111122223333:role/WebAppInstanceRole');
  });

  it('says clearly when the result cannot name a suspect', async () => {
    const failures = [
      suspectFrom({ columnNames: ['arn', 'total'], rows: [['x', 1]] }, '', quiet),
      suspectFrom({ columnNames: ['entity'], rows: [[null]] }, '', quiet),
      suspectFrom(top, 42 as never, quiet),
      suspectFrom(undefined as never, '', quiet),
      // A bare name needs the window to be looked up in; this result does not carry one.
      suspectFrom(top, 'ci-deployer', quiet),
    ];
    for (const failure of failures) {
      const error = await failure.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(OptionError);
      expect((error as OptionError).option).toBe('suspect');
    }
  });

  it('with no rows, says nothing failed in the window and gives no suspect, which matches no row', async () => {
    said.length = 0;
    const empty = { columnNames: ['entity'], rows: [], context: { window: { start: '2024-03-19T00:00:00Z', end: '2024-03-20T00:00:00Z' } } };
    const suspect = await suspectFrom(empty, '', quiet);
    expect(suspect).toBeNull();
    expect(said.join('\n')).toMatch(/^Nothing failed in this window \(2024-03-19T00:00:00Z to 2024-03-20T00:00:00Z\)/);
    expect(entityMatches(suspect).compile()).toEqual({ text: '(1 = 0)', params: [] });
  });

  it('says which tables are stale when the suspect changes', async () => {
    await suspectFrom(top, '', quiet);
    said.length = 0;
    await suspectFrom(top, '', quiet);
    expect(said.filter((l) => l.startsWith('The suspect changed'))).toEqual([]);
    await suspectFrom(top, 'arn:aws:iam::111122223333:role/WebAppInstanceRole', quiet);
    expect(said.at(-1)).toBe(
      'The suspect changed from arn:aws:iam::111122223333:user/ci-deployer to arn:aws:iam::111122223333:role/WebAppInstanceRole: ' +
        'the tables below still show the previous one (their footers name it) until their cells run again: Cell > Run All Below.',
    );
  });

  it('feeds the next query as a bound value', async () => {
    const { text, params } = entityActivity({ window, entity: (await suspectFrom(top, '', quiet))! }).compile();
    expect(text).not.toContain('ci-deployer');
    expect(params).toContain('arn:aws:iam::111122223333:user/ci-deployer');
  });
});
