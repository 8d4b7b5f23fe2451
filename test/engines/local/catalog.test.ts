/**
 * The table is a real DuckDB object, so DuckDB's binder resolves what a text splice had to
 * guess: CTEs, subqueries, self-joins, aliases and stars. Answers come from plain JS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../lib/engines/local/local-engine';
import { CLOUDTRAIL_FIELDS, CLOUDTRAIL_PARTITIONS } from '../../../lib/sources/cloudtrail-schema';
import { sql } from '../../../lib/sql';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile, type Event } from '../../support/cloudtrail-fixtures';

const dir = tempDir();
const events: Event[] = Array.from({ length: 60 }, (_, i) => makeEvent(i));
let engine: LocalEngine;

beforeAll(async () => {
  writeFile(deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events.slice(0, 35)));
  writeFile(deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 2), deliveryFile(events.slice(35)));
  engine = await LocalEngine.open({ logs: dir.path, cache: false, database: 'ir_case' });
});

afterAll(async () => {
  await engine?.close();
  dir.cleanup();
});

const user = (e: Event) => String(e.userIdentity.userName);
const countBy = <K>(items: readonly Event[], key: (e: Event) => K) => {
  const counts = new Map<K, number>();
  for (const e of items) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
  return counts;
};

describe('the catalog', () => {
  it('resolves CTEs that name the table, and the table again beside them', async () => {
    const result = await engine.query(`
      WITH denied AS (SELECT useridentity.username AS who, eventname FROM cloudtrail WHERE errorcode = 'AccessDenied'),
           per_user AS (SELECT who, count(*) AS n FROM denied GROUP BY who)
      SELECT p.who, p.n, (SELECT count(*) FROM "ir_case"."cloudtrail" c WHERE c.useridentity.username = p.who) AS everything
      FROM per_user p ORDER BY p.who`);
    const denied = countBy(events.filter((e) => e.errorCode === 'AccessDenied'), user);
    const all = countBy(events, user);
    expect(result.rows.map((r) => [r[0], Number(r[1]), Number(r[2])])).toEqual(
      [...denied].sort((a, b) => a[0].localeCompare(b[0])).map(([who, n]) => [who, n, all.get(who)]));
  });

  it('resolves correlated and IN subqueries over the table', async () => {
    const result = await engine.query(`
      SELECT eventid FROM awsdatacatalog.ir_case.cloudtrail outer_t
      WHERE eventname IN (SELECT eventname FROM cloudtrail WHERE errorcode IS NOT NULL)
        AND eventtime = (SELECT max(eventtime) FROM default.cloudtrail i WHERE i.eventname = outer_t.eventname)
      ORDER BY eventid`);
    const failing = new Set(events.filter((e) => e.errorCode).map((e) => e.eventName));
    const latest = new Map<string, string>();
    for (const e of events) if (!latest.has(e.eventName) || e.eventTime > latest.get(e.eventName)!) latest.set(e.eventName, e.eventTime);
    const expected = events.filter((e) => failing.has(e.eventName) && latest.get(e.eventName) === e.eventTime).map((e) => String(e.eventID)).sort();
    expect(result.column('eventid')).toEqual(expected);
  });

  it('joins the table with itself under two aliases', async () => {
    const result = await engine.query(sql`
      SELECT a.eventid AS first, b.eventid AS second
      FROM cloudtrail a JOIN security_analysis.cloudtrail b
        ON a.useridentity.username = b.useridentity.username AND b.eventtime > a.eventtime
      WHERE a.sourceipaddress = ${'203.0.113.7'} AND b.errorcode = ${'AccessDenied'}
      ORDER BY 1, 2`);
    const expected: [string, string][] = [];
    for (const a of events) {
      if (a.sourceIPAddress !== '203.0.113.7') continue;
      for (const b of events) {
        if (user(a) === user(b) && b.eventTime > a.eventTime && b.errorCode === 'AccessDenied') expected.push([String(a.eventID), String(b.eventID)]);
      }
    }
    expected.sort((x, y) => (x[0] + x[1] < y[0] + y[1] ? -1 : 1));
    expect(expected.length).toBeGreaterThan(0);
    expect(result.rows.map((r) => [r[0], r[1]]).sort((x, y) => (`${x[0]}${x[1]}` < `${y[0]}${y[1]}` ? -1 : 1))).toEqual(expected);
  });

  it('expands SELECT * and alias.* to every column, in Athena order, with the rows plain JS has', async () => {
    const columns = [...CLOUDTRAIL_FIELDS.map((f) => f.name), ...CLOUDTRAIL_PARTITIONS];
    const star = await engine.query(`SELECT * FROM cloudtrail WHERE eventname = 'CreateUser' ORDER BY eventid`);
    const aliased = await engine.query(`SELECT t.*, t.eventname AS again FROM "ir_case".cloudtrail AS t WHERE t.eventname = 'CreateUser' ORDER BY t.eventid`);
    const created = events.filter((e) => e.eventName === 'CreateUser').map((e) => String(e.eventID)).sort();
    expect(star.columns.map((c) => c.name)).toEqual(columns);
    expect(aliased.columns.map((c) => c.name)).toEqual([...columns, 'again']);
    expect(star.column('eventid')).toEqual(created);
    expect(aliased.column('again')).toEqual(created.map(() => 'CreateUser'));
    expect(aliased.rows.map((r) => r.slice(0, columns.length))).toEqual(star.rows);
  });
});
