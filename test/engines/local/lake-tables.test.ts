/**
 * Security Lake's OCSF tables on the local engine: the lake's names for any region, the Parquet
 * feed read by column name whatever the files' shapes, bad files skipped by name, Iceberg
 * metadata ignored, and which feed fills each table.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEngine } from '../../../lib/engines/local/local-engine';
import { duckdbType, OCSF_COLUMNS, OCSF_TABLE_KINDS, lakeDatabase, lakeTable } from '../../../lib/sources/ocsf/schema';
import { deliveryFile, deliveryPath, makeEvent, writeFile, type Event } from '../../support/cloudtrail-fixtures';
import { engineScratch } from '../../support/engine-scratch';
import { LakeWriter, lakeRows, type LakeRow } from './lake-fixtures';

const { logsFolder, withEngine } = engineScratch();
let writer: LakeWriter;
let logs: string;
const mgmtRows: LakeRow[] = [
  ...lakeRows(0, 4, 'us-east-1'),
  ...lakeRows(4, 3, 'eu-west-1'),
  ...lakeRows(7, 2, 'eu-west-1'),
  ...lakeRows(9, 1, 'us-east-1', { time: '2024-03-12T23:30:00Z' }),
];
const findings = lakeRows(100, 3, 'us-east-1', { operation: 'finding' });
let broken: string;
let wrongType: string;
let metadataFiles: string[];
let stray: string;
const management: Event[] = Array.from({ length: 7 }, (_, i) => makeEvent(200 + i, {
  eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', eventCategory: 'Management', managementEvent: true, resources: undefined,
}));
const s3Data: Event[] = Array.from({ length: 5 }, (_, i) => makeEvent(300 + i));

beforeAll(async () => {
  writer = await LakeWriter.open();
  logs = logsFolder();
  const mgmt = join(logs, 'aws', 'CLOUD_TRAIL_MGMT', '2.0');
  await writer.write(join(mgmt, 'data', 'region=us-east-1', 'accountid=111122223333', 'eventday=20240312', 'reference.parquet'), 'cloud_trail_mgmt', mgmtRows.slice(0, 4));
  await writer.write(join(mgmt, 'data', 'region=eu-west-1', 'accountid=111122223333', 'eventday=20240312', 'partial.parquet'), 'cloud_trail_mgmt', mgmtRows.slice(4, 7), 'partial');
  await writer.write(join(mgmt, 'elsewhere', 'extra.parquet'), 'cloud_trail_mgmt', mgmtRows.slice(7, 9), 'extra');
  await writer.write(join(mgmt, 'zoned.parquet'), 'cloud_trail_mgmt', mgmtRows.slice(9), 'zoned');
  broken = join(mgmt, 'data', 'broken.parquet');
  writeFileSync(broken, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(200, 7), Buffer.from('PAR1')]));
  // `actor` as a number: no cast makes it the table's struct.
  wrongType = await writer.writeSelect(join(mgmt, 'data', 'wrong-type.parquet'), `SELECT 5 AS actor, 'us-east-1' AS region`);
  metadataFiles = [join(mgmt, 'metadata', '00000-5d1c.metadata.json'), join(mgmt, 'metadata', 'snap-1234-1-abcd.avro')];
  for (const file of metadataFiles) writeFile(file, '{"format-version": 2}');
  stray = join(logs, 'exports', 'stray.parquet');
  await writer.write(stray, 'cloud_trail_mgmt', lakeRows(500, 2));
  await writer.write(join(logs, 'aws', 'SH_FINDINGS', '2.0', 'data', 'f.parquet'), 'sh_findings', findings, 'partial');
  writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile([...management, ...s3Data]));
});

afterAll(() => writer?.close());

const MGMT = (region: string) => lakeTable(region, 'cloud_trail_mgmt');
const uids = async (engine: LocalEngine, table: string) =>
  (await engine.query(`SELECT metadata.uid FROM ${table} ORDER BY 1`)).rows.map((r) => r[0]);
const uidsOf = (rows: readonly LakeRow[]) => rows.map((r) => r.uid).sort();
const count = async (engine: LocalEngine, table: string) => Number((await engine.query(`SELECT count(*) FROM ${table}`)).rows[0]![0]);

describe('lake table names', () => {
  it("reads the whole local lake under any region's name, unqualified, in the lake's database and under awsdatacatalog", async () => {
    await withEngine({ logs }, async (engine) => {
      const every = uidsOf(mgmtRows);
      for (const region of ['us-west-2', 'eu-west-1', 'ap-southeast-7', 'us-gov-west-1']) {
        expect(await uids(engine, MGMT(region)), region).toEqual(every);
        expect(await uids(engine, `${lakeDatabase(region)}.${MGMT(region)}`), region).toEqual(every);
        expect(await uids(engine, `awsdatacatalog.${lakeDatabase(region)}.${MGMT(region)}`), region).toEqual(every);
      }
      expect(await uids(engine, `"${MGMT('us-west-2').toUpperCase()}"`)).toEqual(every);
    });
  });

  it("with lakeRegions 'own', keeps each region's name to the rows of its region", async () => {
    await withEngine({ logs, lakeRegions: 'own' }, async (engine) => {
      expect(await uids(engine, MGMT('us-east-1'))).toEqual(uidsOf(mgmtRows.filter((r) => r.region === 'us-east-1')));
      expect(await uids(engine, `awsdatacatalog.${lakeDatabase('eu-west-1')}.${MGMT('eu-west-1')}`)).toEqual(uidsOf(mgmtRows.filter((r) => r.region === 'eu-west-1')));
      expect(await uids(engine, MGMT('us-west-2'))).toEqual([]);
    });
  });

  it('describes each table with exactly the reference columns and types', async () => {
    await withEngine({ logs }, async (engine) => {
      const unquoted = (type: string) => type.replace(/"/g, '');
      for (const kind of OCSF_TABLE_KINDS) {
        const described = await engine.query(`DESCRIBE ${lakeDatabase('sa-east-1')}.${lakeTable('sa-east-1', kind)}`);
        expect(described.rows.map((r) => [r[0], unquoted(String(r[1]))]), kind)
          .toEqual(OCSF_COLUMNS[kind].map((c) => [c.name, unquoted(duckdbType(c.glueType))]));
      }
    });
  });
});

describe('the Parquet feed', () => {
  it('reads columns by name whatever their order, with missing members and columns NULL and extra ones dropped', async () => {
    await withEngine({ logs }, async (engine) => {
      const result = await engine.query(`
        SELECT metadata.uid, actor.user.name, api.operation, user.name, region, "time", actor.user.uid_alt, metadata.product.vendor_name, session.uid
        FROM ${MGMT('us-west-2')} ORDER BY 1`);
      const expected = [...mgmtRows].sort((a, b) => (a.uid < b.uid ? -1 : 1))
        .map((r) => [r.uid, r.user, r.operation, r.target, r.region, BigInt(Date.parse(r.time)), null, null, null]);
      expect(result.rows.map((r) => [...r])).toEqual(expected);
      await expect(engine.query(`SELECT extra_column FROM ${MGMT('us-west-2')}`)).rejects.toThrow(/extra_column/);
    });
  });

  it('reads a TIMESTAMP WITH TIME ZONE time_dt as UTC, which TIMESTAMP literals compare against', async () => {
    await withEngine({ logs }, async (engine) => {
      const late = await engine.query(`SELECT metadata.uid, CAST(time_dt AS VARCHAR) FROM ${MGMT('us-west-2')}
        WHERE time_dt BETWEEN TIMESTAMP '2024-03-12 23:00:00.000' AND TIMESTAMP '2024-03-12 23:59:00.000'`);
      expect(late.rows.map((r) => [...r])).toEqual([['lake-9', '2024-03-12 23:30:00']]);
      const times = await engine.query(`SELECT count(*) FROM ${MGMT('us-west-2')} WHERE epoch_ms(time_dt) = "time"`);
      expect(Number(times.rows[0]![0])).toBe(mgmtRows.length);
    });
  });

  it('skips a corrupt file and one with a column of another type, naming each, and answers from the rest', async () => {
    await withEngine({ logs }, async (engine) => {
      const result = await engine.query(`SELECT count(*) FROM ${MGMT('us-west-2')}`);
      expect(Number(result.rows[0]![0])).toBe(mgmtRows.length);
      const skipped = result.stats.filesSkipped.map((s) => s.file).sort();
      expect(skipped).toEqual([broken, wrongType].sort());
      for (const s of result.stats.filesSkipped) expect(s.reason).toMatch(/DuckDB could not read it/);
    });
  });

  it("ignores Iceberg's metadata folder and Parquet outside a lake source folder, and counts them as ignored", async () => {
    await withEngine({ logs }, async (engine) => {
      const ignored = new Map((await engine.inventory()).ignored.map((i) => [i.file, i.reason]));
      for (const file of metadataFiles) expect(ignored.get(file), file).toMatch(/Iceberg metadata/);
      expect(ignored.get(stray)).toMatch(/Parquet outside a Security Lake source folder/);
      expect(await uids(engine, MGMT('us-west-2'))).not.toContain('lake-500');
    });
  });

  it("runs the article's queries as written, `user.name` included, and reads resources by index", async () => {
    await withEngine({ logs }, async (engine) => {
      const operations = await engine.query(`SELECT DISTINCT api.operation FROM ${MGMT('us-west-2')}
WHERE lower(actor.user.name) = 'service_backup'`);
      expect(operations.column('operation').sort()).toEqual([...new Set(mgmtRows.filter((r) => r.user === 'Service_Backup').map((r) => r.operation))].sort());
      const iam = await engine.query(`SELECT time_dt AS "Time", actor.user.name AS "User Name", api.operation AS "API Call", json_extract(api.request.data, '$.userName') AS "Target Principal", user.name AS "Target Principal", status AS "Response Status", accountid AS "AWS Account"
FROM ${MGMT('us-west-2')}
WHERE (lower(api.operation) LIKE 'create%' OR lower(api.operation) LIKE 'attach%' OR lower(api.operation) LIKE 'delete%')
AND lower(api.service.name) = 'iam.amazonaws.com'
AND user.name IS NOT NULL
AND time_dt BETWEEN TIMESTAMP '2024-03-01 00:00:00.000' AND TIMESTAMP  '2024-05-31 23:59:00.000'`);
      const created = mgmtRows.filter((r) => /^(Create|Attach|Delete)/.test(r.operation));
      expect(iam.rows.map((r) => r[4]).sort()).toEqual(created.map((r) => r.target).sort());
      expect(iam.rows.map((r) => r[3]).sort()).toEqual(created.map((r) => `"${r.target}"`).sort());
      // Out of range: NULL here (Trino fails the query instead).
      const resources = await engine.query(`SELECT resources[1].type, resources[2].uid, resources[3].uid FROM ${MGMT('us-west-2')} WHERE metadata.uid = 'lake-0'`);
      expect([...resources.rows[0]!]).toEqual(['AwsS3Bucket', 'arn:aws:s3:::bucket-lake-0/key', null]);
    });
  });
});

describe('which feed fills each table (ocsfSource)', () => {
  const counts = (engine: LocalEngine) => Promise.all(OCSF_TABLE_KINDS.map((kind) => count(engine, lakeTable('us-west-2', kind))));

  it("'auto': the lake's Parquet where the logs hold some, else CloudTrail mapped; no findings without lake files", async () => {
    await withEngine({ logs }, async (engine) => {
      expect(await counts(engine)).toEqual([mgmtRows.length, s3Data.length, findings.length]);
    });
    const cloudTrailOnly = logsFolder();
    writeFile(deliveryPath(cloudTrailOnly, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile([...management, ...s3Data]));
    await withEngine({ logs: cloudTrailOnly }, async (engine) => {
      expect(await counts(engine)).toEqual([management.length, s3Data.length, 0]);
    });
  });

  it("'lake' reads only the lake; 'cloudtrail' only the mapped CloudTrail", async () => {
    await withEngine({ logs, ocsfSource: 'lake' }, async (engine) => {
      expect(await counts(engine)).toEqual([mgmtRows.length, 0, findings.length]);
    });
    await withEngine({ logs, ocsfSource: 'cloudtrail' }, async (engine) => {
      expect(await counts(engine)).toEqual([management.length, s3Data.length, 0]);
    });
  });

  it('refuses an unknown option value, naming it', async () => {
    await expect(withEngine({ logs, ocsfSource: 'both' as never }, async () => undefined)).rejects.toThrow(/ocsfSource.*auto, lake, cloudtrail/);
    await expect(withEngine({ logs, lakeRegions: 'some' as never }, async () => undefined)).rejects.toThrow(/lakeRegions.*all, own/);
  });
});
