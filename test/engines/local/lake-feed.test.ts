/**
 * Both OCSF feeds go through the ingest cache and follow the files between two queries: a lake
 * data file added, replaced or removed; a CloudTrail delivery added or removed (its events
 * mapped once, the other files' mapped rows kept).
 */
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEngine } from '../../../lib/engines/local/local-engine';
import { lakeTable } from '../../../lib/sources/ocsf/schema';
import { deliveryFile, deliveryPath, makeEvent, writeFile, type Event } from '../../support/cloudtrail-fixtures';
import { engineScratch } from '../../support/engine-scratch';
import { LakeWriter, lakeRows, type LakeRow } from './lake-fixtures';

const { logsFolder, withEngine } = engineScratch();
let writer: LakeWriter;
beforeAll(async () => {
  writer = await LakeWriter.open();
});
afterAll(() => writer?.close());

const MGMT = lakeTable('us-west-2', 'cloud_trail_mgmt');
const S3 = lakeTable('us-west-2', 's3_data');
const uids = async (engine: LocalEngine, table: string) =>
  (await engine.query(`SELECT metadata.uid FROM ${table} ORDER BY 1`)).rows.map((r) => r[0]);
const uidsOf = (rows: readonly LakeRow[]) => rows.map((r) => r.uid).sort();
const count = async (engine: LocalEngine, sql: string) => Number((await engine.query(sql)).rows[0]![0]);

describe('the lake feed through the cache', () => {
  it('takes in a lake file added between two queries, a replaced one and a removed one', async () => {
    const logs = logsFolder();
    const day = (n: string) => join(logs, 'CLOUD_TRAIL_MGMT', '2.0', 'data', 'region=us-east-1', `eventday=2024031${n}`);
    const first = lakeRows(0, 5);
    const second = lakeRows(5, 4, 'us-east-1', { time: '2024-03-13T08:00:00Z' });
    await writer.write(join(day('2'), 'a.parquet'), 'cloud_trail_mgmt', first);
    await withEngine({ logs, cache: join(logsFolder(), 'cache') }, async (engine) => {
      expect(await uids(engine, MGMT)).toEqual(uidsOf(first));
      // A new data file lands.
      const late = await writer.write(join(day('3'), 'b.parquet'), 'cloud_trail_mgmt', second, 'partial');
      expect(await uids(engine, MGMT)).toEqual(uidsOf([...first, ...second]));
      // Replaced by a file of other rows (renamed over it, as syncs do).
      const replacement = lakeRows(20, 2, 'us-east-1', { time: '2024-03-13T09:00:00Z' });
      await writer.write(`${late}.tmp.parquet`, 'cloud_trail_mgmt', replacement, 'zoned');
      copyFileSync(`${late}.tmp.parquet`, late);
      rmSync(`${late}.tmp.parquet`);
      expect(await uids(engine, MGMT)).toEqual(uidsOf([...first, ...replacement]));
      // Removed: forgotten.
      rmSync(late);
      expect(await uids(engine, MGMT)).toEqual(uidsOf(first));
      expect((await engine.inventory()).events).toBe(first.length);
    });
  });

  it('skips a data file whose name DuckDB would read as a pattern, naming it, and reads its neighbours', async () => {
    const logs = logsFolder();
    const folder = join(logs, 'S3_DATA', '2.0', 'data');
    const plain = lakeRows(0, 3);
    await writer.write(join(folder, 'plain.parquet'), 's3_data', plain);
    const patterned = await writer.write(join(folder, 'odd[1].parquet'), 's3_data', lakeRows(10, 2));
    await withEngine({ logs }, async (engine) => {
      const result = await engine.query(`SELECT metadata.uid FROM ${S3} ORDER BY 1`);
      expect(result.rows.map((r) => r[0])).toEqual(uidsOf(plain));
      expect(result.stats.filesSkipped).toEqual([{ file: patterned, reason: expect.stringMatching(/pattern/) }]);
    });
  });

  it('partitions the cached lake rows by day of time_dt', async () => {
    const logs = logsFolder();
    const cache = join(logsFolder(), 'cache');
    const rows = [...lakeRows(0, 2), ...lakeRows(2, 2, 'us-east-1', { time: '2024-03-14T01:00:00Z' })];
    await writer.write(join(logs, 'CLOUD_TRAIL_MGMT', '2.0', 'one.parquet'), 'cloud_trail_mgmt', rows);
    await withEngine({ logs, cache }, async (engine) => expect(await uids(engine, MGMT)).toEqual(uidsOf(rows)));
    const manifest = JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8')) as { parts: Record<string, { path: string; rows: number }[]> };
    const parts = manifest.parts.security_lake_cloud_trail_mgmt!.map((p) => [p.path.split(/[\\/]/).slice(-2, -1)[0], p.rows]);
    expect(parts).toEqual([['_day=2024-03-12', 2], ['_day=2024-03-14', 2]]);
  });

  it('gives a file without time_dt its time_dt and day from time (epoch milliseconds)', async () => {
    const logs = logsFolder();
    const cache = join(logsFolder(), 'cache');
    // 2024-03-14T10:00:00Z.
    await writer.writeSelect(join(logs, 'CLOUD_TRAIL_MGMT', '2.0', 'no-time-dt.parquet'), `SELECT {'uid': 'only-time'} AS metadata, 1710410400000::BIGINT AS "time"`);
    await withEngine({ logs, cache }, async (engine) => {
      const rows = (await engine.query(`SELECT metadata.uid, CAST(time_dt AS VARCHAR) FROM ${MGMT} WHERE time_dt BETWEEN TIMESTAMP '2024-03-14 00:00:00' AND TIMESTAMP '2024-03-14 23:59:00'`)).rows;
      expect(rows).toEqual([['only-time', '2024-03-14 10:00:00']]);
    });
    const manifest = JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8')) as { parts: Record<string, { path: string }[]> };
    expect(manifest.parts.security_lake_cloud_trail_mgmt!.map((p) => p.path.split(/[\\/]/).slice(-2, -1)[0])).toEqual(['_day=2024-03-14']);
  });
});

describe('the CloudTrail feed through the cache', () => {
  const managementEvents = (from: number, n: number): Event[] => Array.from({ length: n }, (_, i) => makeEvent(from + i, {
    eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', eventCategory: 'Management', managementEvent: true, resources: undefined,
  }));
  const s3DataEvents = (from: number, n: number): Event[] => Array.from({ length: n }, (_, i) => makeEvent(from + i));
  const MANAGEMENT = `SELECT count(*) FROM cloudtrail WHERE eventcategory = 'Management'`;
  const S3_DATA = `SELECT count(*) FROM cloudtrail WHERE eventcategory = 'Data' AND eventsource = 's3.amazonaws.com'`;

  it('routes management events to the mgmt table and S3 data events to s3_data, and follows deliveries', async () => {
    const logs = logsFolder();
    const cache = join(logsFolder(), 'cache');
    writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile([...managementEvents(0, 6), ...s3DataEvents(100, 4)]));
    const second = writeFile(deliveryPath(logs, '111122223333', 'eu-west-1', '2024-03-13', 2), deliveryFile(managementEvents(200, 3)));
    const derivedParts = () => (JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8')) as { parts: Record<string, { path: string }[]> })
      .parts.cloudtrail_ocsf_cloud_trail_mgmt!.map((p) => p.path);
    await withEngine({ logs, cache }, async (engine) => {
      const pair = async () => [await count(engine, `SELECT count(*) FROM ${MGMT}`), await count(engine, `SELECT count(*) FROM ${S3}`)];
      const expected = async () => [await count(engine, MANAGEMENT), await count(engine, S3_DATA)];
      expect(await pair()).toEqual([9, 4]);
      expect(await expected()).toEqual([9, 4]);
      const before = derivedParts();
      // A delivery lands: its events are mapped, the earlier mapped rows kept as they are.
      const late = writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 3), deliveryFile([...managementEvents(300, 2), ...s3DataEvents(400, 5)]));
      expect(await pair()).toEqual([11, 9]);
      expect(await expected()).toEqual([11, 9]);
      expect(derivedParts()).toEqual(expect.arrayContaining(before));
      // Removed: its mapped rows go with it.
      rmSync(late);
      expect(await pair()).toEqual(await expected());
      expect(await pair()).toEqual([9, 4]);
      // A file mapped together with another one is removed: the other's mapped rows stay.
      rmSync(second);
      expect(await pair()).toEqual([6, 4]);
    });
    // A new process opens on the saved proof and finds the mapped rows current.
    await withEngine({ logs, cache }, async (engine) => {
      expect(await count(engine, `SELECT count(*) FROM ${S3}`)).toBe(4);
    });
  });

  it('keeps every mapped event when a day folder gathers enough deliveries to be mapped again as one', async () => {
    const logs = logsFolder();
    const written = { management: 0, s3: 0 };
    const deliver = (i: number) => {
      written.management += 2;
      written.s3 += 1;
      writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', i), deliveryFile([...managementEvents(i * 10, 2), ...s3DataEvents(i * 10 + 5, 1)]));
    };
    deliver(0);
    const cache = join(logsFolder(), 'cache');
    await withEngine({ logs, cache }, async (engine) => {
      for (let i = 1; i <= 12; i++) {
        expect([await count(engine, `SELECT count(*) FROM ${MGMT}`), await count(engine, `SELECT count(*) FROM ${S3}`)], `after delivery ${i}`)
          .toEqual([written.management, written.s3]);
        deliver(i);
      }
      expect([await count(engine, `SELECT count(*) FROM ${MGMT}`), await count(engine, `SELECT count(*) FROM ${S3}`)]).toEqual([written.management, written.s3]);
    });
    // One generation per delivery would be 13 data files in the day's folder.
    const parts = (JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8')) as { parts: Record<string, unknown[]> }).parts;
    expect(parts.cloudtrail_ocsf_cloud_trail_mgmt!.length).toBeLessThanOrEqual(9);
  });

  it('maps the CloudTrail rows only once a query names a lake table', async () => {
    const logs = logsFolder();
    const cache = join(logsFolder(), 'cache');
    writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(managementEvents(0, 3)));
    const tables = () => Object.keys((JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8')) as { parts: object }).parts);
    await withEngine({ logs, cache }, async (engine) => {
      expect(await count(engine, 'SELECT count(*) FROM cloudtrail')).toBe(3);
      expect(tables()).not.toContain('cloudtrail_ocsf_cloud_trail_mgmt');
      expect(await count(engine, `SELECT count(*) FROM ${MGMT}`)).toBe(3);
      expect(tables()).toContain('cloudtrail_ocsf_cloud_trail_mgmt');
    });
  });
});
