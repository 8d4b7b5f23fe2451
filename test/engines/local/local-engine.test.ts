import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../lib/engines/local/local-engine';
import { OptionError, QueryCancelledError, QueryError } from '../../../lib/errors';
import { sql } from '../../../lib/sql';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile, type Event } from '../../support/cloudtrail-fixtures';

/** Every input shape at once, each with its own events; expected answers come from `all`. */
const dir = tempDir();
const all: { event: Event; account: string; region: string; date: string }[] = [];
let engine: LocalEngine;

function place(events: Event[], where: { account?: string; region?: string; date?: string } = {}) {
  for (const event of events) {
    all.push({
      event,
      account: where.account ?? event.recipientAccountId,
      region: where.region ?? event.awsRegion,
      date: where.date ?? event.eventTime.slice(0, 10).replace(/-/g, '/'),
    });
  }
  return events;
}

beforeAll(async () => {
  let i = 0;
  const batch = (n: number, overrides: Partial<Event> = {}) => Array.from({ length: n }, () => makeEvent(i++, overrides));
  // S3 delivery layout; the path's region and date differ from the record's on purpose.
  writeFile(deliveryPath(dir.path, '111122223333', 'us-west-2', '2024-03-13', 1),
    deliveryFile(place(batch(40), { account: '111122223333', region: 'us-west-2', date: '2024/03/13' })));
  // Organization trail layout.
  writeFile(deliveryPath(dir.path, '444455556666', 'eu-west-1', '2024-03-12', 2, 'o-abc123def4'),
    deliveryFile(place(batch(30, { recipientAccountId: '444455556666' }), { account: '444455556666', region: 'eu-west-1', date: '2024/03/12' })));
  // Loose files: a bare array, JSON lines (gzipped), pretty-printed Records, and an empty Records.
  writeFile(join(dir.path, 'loose', 'array.json'), JSON.stringify(place(batch(7))));
  writeFile(join(dir.path, 'loose', 'lines.jsonl.gz'), gzipSync(place(batch(5)).map((e) => JSON.stringify(e)).join('\n')));
  writeFile(join(dir.path, 'loose', 'pretty.json'), JSON.stringify({ Records: place(batch(3)) }, null, 2));
  writeFile(join(dir.path, 'loose', 'empty-records.json'), '{"Records":[]}');
  // Not events: ignored, and counted as such.
  writeFile(join(dir.path, 'AWSLogs', '111122223333', 'CloudTrail-Digest', 'us-west-2', 'digest.json.gz'), gzipSync('{"digestS3Bucket":"x"}'));
  writeFile(join(dir.path, 'README.txt'), 'notes');
  engine = await LocalEngine.open({ logs: dir.path });
});

afterAll(async () => {
  await engine?.close();
  dir.cleanup();
});

describe('LocalEngine over every input shape', () => {
  it('reads every event once from every shape and layout', async () => {
    const result = await engine.query('SELECT eventid FROM cloudtrail ORDER BY eventid');
    expect(result.column('eventid')).toEqual(all.map((a) => a.event.eventID).sort());
    // The cache holds one data file per day; a full scan reads them all.
    expect(result.stats.filesRead).toBe(new Set(all.map((a) => a.date)).size);
    expect(result.stats.filesSkipped).toEqual([]);
    expect(result.stats.filesIgnored).toBe(2);
  });

  it('answers the 2.2 query as plain JS over the same events does', async () => {
    const result = await engine.query(sql`
      SELECT useridentity.arn, count(*) AS total FROM cloudtrail
      WHERE errorcode IN (${sql.join(['AccessDenied', 'Client.UnauthorizedOperation'])}) AND useridentity.arn LIKE '%iam%'
      GROUP BY useridentity.arn ORDER BY total DESC, 1 LIMIT 5`);
    const counts = new Map<string, number>();
    for (const { event } of all) {
      if (event.errorCode === 'AccessDenied' || event.errorCode === 'Client.UnauthorizedOperation') {
        const arn = String(event.userIdentity.arn);
        counts.set(arn, (counts.get(arn) ?? 0) + 1);
      }
    }
    const expected = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
    expect(result.rows.map((r) => [r[0], Number(r[1])])).toEqual(expected);
    expect(result.columns.map((c) => [c.name, c.kind])).toEqual([['arn', 'string'], ['total', 'bigint']]);
  });

  it('takes partitions from the S3 path, and from the record for loose files', async () => {
    const result = await engine.query(
      'SELECT account_partition, region_partition, date_partition, count(*) AS n FROM cloudtrail GROUP BY ALL ORDER BY ALL');
    const counts = new Map<string, number>();
    for (const a of all) counts.set(`${a.account}|${a.region}|${a.date}`, (counts.get(`${a.account}|${a.region}|${a.date}`) ?? 0) + 1);
    const expected = [...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([k, n]) => [...k.split('|'), n]);
    expect(result.rows.map((r) => [r[0], r[1], r[2], Number(r[3])])).toEqual(expected);
  });

  it('has the Athena CloudTrail columns, lower-case, with Athena types', async () => {
    const result = await engine.query(`SELECT * FROM cloudtrail WHERE eventid = 'evt-0'`);
    const names = result.columns.map((c) => c.name);
    expect(names.slice(0, 6)).toEqual(['eventversion', 'useridentity', 'eventtime', 'eventsource', 'eventname', 'awsregion']);
    expect(names).toEqual(expect.arrayContaining(['requestparameters', 'resources', 'readonly', 'eventcategory', 'tlsdetails',
      'sessioncredentialfromconsole', 'vpcendpointaccountid', 'account_partition', 'region_partition', 'date_partition']));
    const row = result.toRecords()[0]!;
    const identity = row.useridentity as Record<string, Record<string, Record<string, unknown>>>;
    expect(identity.sessioncontext!.attributes!.mfaauthenticated).toBe('true');
    expect(row.resources).toEqual([{ arn: 'arn:aws:s3:::logs/k0', accountid: '111122223333', type: 'AWS::S3::Object' }]);
    expect(JSON.parse(String(row.requestparameters))).toEqual({ bucketName: 'logs', key: 'k0', nested: { list: [1, 2] } });
    expect(row.readonly).toBe('true');
    expect(row.errorcode).toBeNull();
  });

  it('finds the table under the database names Athena users write', async () => {
    for (const from of ['cloudtrail', '"security_analysis"."cloudtrail"', 'security_analysis.cloudtrail',
      '"default"."cloudtrail"', 'default.cloudtrail', 'AwsDataCatalog.security_analysis.cloudtrail']) {
      const result = await engine.query(`SELECT count(*) AS n FROM ${from}`);
      expect(Number(result.rows[0]![0]), from).toBe(all.length);
    }
    const custom = await LocalEngine.open({ logs: dir.path, database: 'ir_logs' });
    try {
      const result = await custom.query('SELECT count(*) FROM "ir_logs"."cloudtrail" c WHERE c.eventname IS NOT NULL');
      expect(Number(result.rows[0]![0])).toBe(all.length);
    } finally {
      await custom.close();
    }
  });

  it('keeps bound parameters in order around the table reference', async () => {
    const user = 'bob';
    const result = await engine.query(sql`
      WITH mine AS (SELECT * FROM cloudtrail WHERE useridentity.username = ${user})
      SELECT count(*) FROM mine JOIN cloudtrail other USING (eventid) WHERE other.eventname <> ${'nothing'}`);
    expect(Number(result.rows[0]![0])).toBe(all.filter((a) => a.event.userIdentity.userName === user).length);
  });

  it('answers queries started together, each with its own answer', async () => {
    const users = ['alice', 'bob', 'carol', 'mallory'];
    const results = await Promise.all(users.map((u) =>
      engine.query(sql`SELECT count(*) FROM cloudtrail WHERE useridentity.username = ${u}`)));
    expect(results.map((r) => Number(r.rows[0]![0]))).toEqual(
      users.map((u) => all.filter((a) => a.event.userIdentity.userName === u).length));
  });

  it('keeps duplicate column names, as Athena does', async () => {
    const result = await engine.query(`SELECT eventname AS x, eventsource AS x FROM cloudtrail LIMIT 1`);
    expect(result.columns.map((c) => c.name)).toEqual(['x', 'x']);
  });

  it('binds Dates as UTC timestamps that compare with from_iso8601_timestamp', async () => {
    const start = new Date('2024-03-12T10:10:00Z');
    const end = new Date('2024-03-12T10:30:00Z');
    const result = await engine.query(sql`
      SELECT count(*) FROM cloudtrail WHERE from_iso8601_timestamp(eventtime) BETWEEN ${start} AND ${end}`);
    const expected = all.filter((a) => {
      const t = Date.parse(a.event.eventTime);
      return t >= start.getTime() && t <= end.getTime();
    }).length;
    expect(expected).toBeGreaterThan(0);
    expect(Number(result.rows[0]![0])).toBe(expected);
  });

  it('reports a SQL error as QueryError with the SQL sent', async () => {
    const error = await engine.query('SELECT nosuchcolumn FROM cloudtrail').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).sql).toBe('SELECT nosuchcolumn FROM cloudtrail');
  });

  it('stops a running query on abort', async () => {
    const controller = new AbortController();
    const running = engine.query('SELECT count(*) FROM range(100000000000) a, cloudtrail', { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    await expect(running).rejects.toBeInstanceOf(QueryCancelledError);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The engine still works afterwards.
    const after = await engine.query('SELECT count(*) FROM cloudtrail');
    expect(Number(after.rows[0]![0])).toBe(all.length);
  });

  it('rejects unknown options by name', async () => {
    const error = await LocalEngine.open({ logs: dir.path, databse: 'x' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).option).toBe('databse');
  });
});
