import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { OCSF_COLUMNS, duckdbType, type OcsfTableKind } from '../../lib/sources/ocsf/schema';
import { tempDir } from '../support/cloudtrail-fixtures';
import { lakeFiles, readSample, type ParsedRecord } from '../support/sample-reader';

const { path: dir, cleanup } = tempDir('irbook-sample-lake-');
let manifest: SampleManifest;
let records: ParsedRecord[];
let instance: DuckDBInstance;
let db: DuckDBConnection;

const SOURCES: Readonly<Record<OcsfTableKind, string>> = {
  cloud_trail_mgmt: 'CLOUD_TRAIL_MGMT',
  s3_data: 'S3_DATA',
  sh_findings: 'SH_FINDINGS',
};
// Stated here, not imported: the layout the issue decided.
const LAYOUT =
  /^security-lake\/(CLOUD_TRAIL_MGMT|S3_DATA|SH_FINDINGS)\/2\.0\/data\/region=(us-east-1|us-west-2|eu-west-1)\/accountid=(111122223333|444455556666)\/eventday=(202403\d\d)\/[^/]+\.parquet$/;

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
const files = (kind: OcsfTableKind) => `read_parquet(${quote(join(dir, 'security-lake', SOURCES[kind], '2.0', '**', '*.parquet'))}, filename = true, hive_partitioning = false)`;

async function rows(sql: string, params: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[];
}

/** The article's Macie query, word for word but for the account literal it says to replace (a parameter here). */
const MACIE_QUERY = [
  `SELECT time_dt AS "Date/Time", metadata.product.name AS "Log Source", cloud.account.uid AS "AWS Account ID", cloud.region AS "AWS Region", resources[1].type AS "Resource Type", resources[1].uid AS "Bucket ARN", resources[2].type AS "Resource Type 2", resources[2].uid AS "Object Name", finding_info.desc AS "Finding summary" FROM amazon_security_lake_table_us_west_2_sh_findings_2_0`,
  `WHERE cloud.account.uid = ?`,
  `AND lower(metadata.product.name) = 'macie'`,
  `AND time_dt BETWEEN TIMESTAMP '2024-03-10 00:00:00.000' AND TIMESTAMP  '2024-03-14 23:59:00.000';`,
];

/** The query without one of its three filters (the first remaining one becomes the WHERE). */
function without(filter: 1 | 2 | 3): string {
  const kept = MACIE_QUERY.slice(1).filter((_, i) => i + 1 !== filter).map((line) => line.replace(/^(WHERE|AND) /, ''));
  return `${MACIE_QUERY[0]}\nWHERE ${kept.join('\nAND ')}`;
}

/** The manifest's lake section (a sample written with its lake has one). */
function lake(): NonNullable<SampleManifest['securityLake']> {
  expect(manifest.securityLake).not.toBeNull();
  return manifest.securityLake!;
}

const byStory2 = (r: ParsedRecord) => r.userIdentity.userName === 'Service_Backup';

beforeAll(async () => {
  manifest = await generateSample({ out: dir, events: 6000, seed: 2 });
  records = readSample(dir).flatMap((f) => f.records);
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  db = await instance.connect();
  await db.run(`SET TimeZone = 'UTC'`);
  await db.run(`CREATE VIEW amazon_security_lake_table_us_west_2_sh_findings_2_0 AS SELECT * FROM ${files('sh_findings')}`);
}, 120_000);

afterAll(() => {
  db?.closeSync();
  instance?.closeSync();
  cleanup();
});

describe('the sample lake', () => {
  it('writes Parquet files in the lake layout only, as many and as large as the manifest says', () => {
    const written = lakeFiles(dir);
    expect(written.filter((f) => !LAYOUT.test(f))).toEqual([]);
    expect(new Set(written.map((f) => LAYOUT.exec(f)![1]))).toEqual(new Set(Object.values(SOURCES)));
    expect(written).toHaveLength(lake().files);
    expect(written.reduce((n, f) => n + statSync(join(dir, f)).size, 0)).toBe(lake().bytes);
    expect(readdirSync(dir).sort()).toEqual(['AWSLogs', 'manifest.json', 'security-lake']);
    expect(lake().layout).toBe('security-lake/<SOURCE>/2.0/data/region=<region>/accountid=<accountId>/eventday=<yyyymmdd>/<name>.parquet');
    expect(lake().homeRegion).toBe('us-west-2');
  });

  it.each(Object.keys(SOURCES) as OcsfTableKind[])('gives %s exactly the reference columns and types', async (kind) => {
    const expected = OCSF_COLUMNS[kind].map((c) => `CAST(NULL AS ${duckdbType(c.glueType)}) AS "${c.name}"`).join(', ');
    const describe = async (select: string) => (await rows(`DESCRIBE ${select}`)).map((r) => [r.column_name, r.column_type]);
    expect(await describe(`SELECT * EXCLUDE (filename) FROM ${files(kind)}`)).toEqual(await describe(`SELECT ${expected}`));
  });

  it.each(Object.keys(SOURCES) as OcsfTableKind[])("puts each %s row in the partition of its accountid, region and day", async (kind) => {
    const found = await rows(
      `SELECT filename, accountid, region, strftime(time_dt, '%Y%m%d') AS day, count(*)::INTEGER AS n FROM ${files(kind)} GROUP BY ALL ORDER BY filename`,
    );
    expect(found.length).toBeGreaterThan(0);
    for (const r of found) {
      const [, , region, account, day] = LAYOUT.exec(String(r.filename).slice(dir.length + 1).split('\\').join('/'))!;
      expect({ account: r.accountid, region: r.region, day: r.day }).toEqual({ account, region, day });
    }
    expect(new Set(found.map((r) => r.filename)).size).toBe(found.length);
  });

  it('holds the CloudTrail sample\'s management and S3 data events, each once', async () => {
    const ids = async (kind: OcsfTableKind) => (await rows(`SELECT metadata.uid AS id FROM ${files(kind)} ORDER BY id`)).map((r) => r.id);
    const idsOf = (category: string) => records.filter((r) => r.eventCategory === category).map((r) => r.eventID).sort();
    const [mgmt, data] = [await ids('cloud_trail_mgmt'), await ids('s3_data')];
    expect(mgmt).toEqual(idsOf('Management'));
    expect(data).toEqual(idsOf('Data'));
    expect(lake().rows).toEqual({
      cloudTrailMgmt: mgmt.length,
      s3Data: data.length,
      shFindings: (await rows(`SELECT count(*)::INTEGER AS n FROM ${files('sh_findings')}`))[0]!.n,
    });
    expect(mgmt.length + data.length).toBe(manifest.events);
  });
});

describe('the Security Hub findings', () => {
  const macie = () => lake().findings.macieQuery;

  it("answer the article's Macie query with the card files Service_Backup read and deleted, and nothing else", async () => {
    const found = await rows(MACIE_QUERY.join('\n'), [macie().accountId]);
    const story = records.filter(
      (r) => byStory2(r) && ['GetObject', 'DeleteObject'].includes(r.eventName) && r.requestParameters?.bucketName === 'customer-payments-prod',
    );
    const keys = [...new Set(story.map((r) => String(r.requestParameters?.key)))].sort();
    expect(keys.length).toBeGreaterThan(3);
    expect(found.map((r) => r['Object Name']).sort()).toEqual(keys.map((k) => `arn:aws:s3:::customer-payments-prod/${k}`));
    expect(macie().findings.map((f) => f.key).sort()).toEqual(keys);
    for (const r of found) {
      expect(r).toMatchObject({
        'Log Source': 'Macie',
        'AWS Account ID': '111122223333',
        'AWS Region': 'us-west-2',
        'Resource Type': 'AwsS3Bucket',
        'Bucket ARN': 'arn:aws:s3:::customer-payments-prod',
        'Resource Type 2': 'AwsS3Object',
      });
      expect(String(r['Finding summary'])).toMatch(/credit card numbers/);
    }
    const ids = await rows(
      `SELECT finding_info.uid AS id, strftime(time_dt, '%Y-%m-%dT%H:%M:%S.%gZ') AS t FROM amazon_security_lake_table_us_west_2_sh_findings_2_0 WHERE lower(metadata.product.name) = 'macie' AND cloud.account.uid = ? AND time_dt BETWEEN TIMESTAMP '2024-03-10 00:00:00.000' AND TIMESTAMP '2024-03-14 23:59:00.000' ORDER BY time_dt`,
      [macie().accountId],
    );
    expect(ids.map((r) => [r.id, r.t])).toEqual(macie().findings.map((f) => [f.uid, f.time]));
  });

  it('are dated near the creation of the ransom bucket', () => {
    const created = records.find((r) => byStory2(r) && r.eventName === 'CreateBucket' && r.requestParameters?.bucketName === 'breach.notify')!;
    for (const f of macie().findings) {
      expect(Math.abs(Date.parse(f.time) - Date.parse(created.eventTime))).toBeLessThan(60 * 60_000);
    }
  });

  it.each([
    [1, 'another account', (r: Record<string, unknown>) => r['AWS Account ID'] !== '111122223333'],
    [2, 'GuardDuty and Security Hub', (r: Record<string, unknown>) => r['Log Source'] !== 'Macie'],
    [3, 'other days', (r: Record<string, unknown>) => {
      const t = (r['Date/Time'] as Date).getTime();
      return t < Date.UTC(2024, 2, 10) || t > Date.UTC(2024, 2, 14, 23, 59);
    }],
  ] as const)('filter %i of the query leaves out findings of %s', async (filter, _what, excluded) => {
    const all = await rows(without(filter), filter === 1 ? [] : [macie().accountId]);
    const kept = await rows(MACIE_QUERY.join('\n'), [macie().accountId]);
    const extra = all.filter(excluded);
    expect(extra.length).toBeGreaterThan(0);
    expect(all.length).toBe(kept.length + extra.length);
  });

  it('count as the manifest says, per product and account, with the GuardDuty finding on Service_Backup', async () => {
    const count = async (by: string) =>
      Object.fromEntries((await rows(`SELECT ${by} AS k, count(*)::INTEGER AS n FROM ${files('sh_findings')} GROUP BY ALL`)).map((r) => [r.k, r.n]));
    const { findings } = lake();
    expect(await count('metadata.product.name')).toEqual(findings.byProduct);
    expect(await count('cloud.account.uid')).toEqual(findings.byAccount);
    expect(Object.values(findings.byProduct).every((n: number) => n > 0)).toBe(true);

    const [trigger] = await rows(
      `SELECT finding_info.uid AS uid, finding_info.title AS title, finding_info.types AS types, time_dt FROM ${files('sh_findings')} WHERE metadata.product.name = 'GuardDuty' AND finding_info.title LIKE '%Service_Backup%'`,
    );
    expect(trigger?.uid).toBe(findings.trigger.uid);
    expect(trigger?.types).toEqual(['TTPs/Discovery:IAMUser/AnomalousBehavior']);
    const first = records.filter(byStory2).map((r) => r.eventTime).sort().find((t) => t.startsWith('2024-03-12'))!;
    expect((trigger?.time_dt as Date).getTime()).toBeGreaterThan(Date.parse(first));
    expect((trigger?.time_dt as Date).toISOString().slice(0, 10)).toBe('2024-03-12');
  });

  it('are OCSF Detection Findings with the bucket before the object', async () => {
    const found = await rows(
      `SELECT DISTINCT class_uid, class_name, metadata.product.vendor_name AS vendor, resources[1].type AS first FROM ${files('sh_findings')} WHERE metadata.product.name = 'Macie'`,
    );
    expect(found).toEqual([{ class_uid: 2004, class_name: 'Detection Finding', vendor: 'AWS', first: 'AwsS3Bucket' }]);
  });
});
