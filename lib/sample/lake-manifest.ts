/**
 * The manifest's `securityLake` section: what the lake writer wrote (files, bytes, rows
 * counted by DuckDB as it wrote them) and the findings' ground truth, read from the rows.
 */

import { PRODUCTION } from './identities';
import { VICTIM_BUCKET } from './inventory';
import { LAKE_HOME_REGION, LAKE_LAYOUT } from './lake-layout';
import { BACKUP_KEY } from './story-s3-data-access';
import type { AsffFinding } from './findings';
import type { LakeStats } from './lake-writer';
import type { LakeFinding, MacieObjectFinding, SecurityLakeSample } from './manifest';

/** The article's Macie query window, as its TIMESTAMP literals. */
export const MACIE_QUERY_WINDOW = { start: '2024-03-10 00:00:00.000', end: '2024-03-14 23:59:00.000' } as const;

const utc = (literal: string): number => Date.parse(`${literal.replace(' ', 'T')}Z`);

function lakeFinding(f: AsffFinding): LakeFinding {
  return {
    uid: f.Id,
    product: f.ProductName,
    accountId: f.AwsAccountId,
    region: f.Region,
    time: new Date(f.UpdatedAt).toISOString(),
    title: f.Title,
    types: [...f.Types],
    resources: f.Resources.map((r) => ({ type: r.Type, uid: r.Id })),
  };
}

function macieObject(f: AsffFinding): MacieObjectFinding {
  const object = f.Resources.find((r) => r.Type === 'AwsS3Object');
  const prefix = `arn:aws:s3:::${VICTIM_BUCKET}/`;
  if (!object?.Id.startsWith(prefix)) throw new Error(`Macie finding ${f.Id} names no object of ${VICTIM_BUCKET}`);
  return { uid: f.Id, time: new Date(f.UpdatedAt).toISOString(), bucket: VICTIM_BUCKET, key: object.Id.slice(prefix.length) };
}

function countBy(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}

/**
 * The `securityLake` section for what the lake writer wrote and the findings it wrote.
 *
 * @example
 * securityLakeManifest(await lake.close(), findings).findings.macieQuery.findings.length;
 */
export function securityLakeManifest(stats: LakeStats, findings: readonly AsffFinding[]): SecurityLakeSample {
  const [from, to] = [utc(MACIE_QUERY_WINDOW.start), utc(MACIE_QUERY_WINDOW.end)];
  const returned = findings.filter(
    (f) => f.AwsAccountId === PRODUCTION && f.ProductName === 'Macie' && f.UpdatedAt >= from && f.UpdatedAt <= to,
  );
  const trigger = findings.find((f) => f.ProductName === 'GuardDuty' && f.Resources.some((r) => r.Id === BACKUP_KEY));
  if (!trigger) throw new Error('the findings lack the GuardDuty finding on Service_Backup');
  return {
    layout: LAKE_LAYOUT,
    homeRegion: LAKE_HOME_REGION,
    files: stats.files,
    bytes: stats.bytes,
    rows: { cloudTrailMgmt: stats.rows.cloud_trail_mgmt, s3Data: stats.rows.s3_data, shFindings: stats.rows.sh_findings },
    findings: {
      byProduct: { Macie: 0, GuardDuty: 0, 'Security Hub': 0, ...countBy(findings.map((f) => f.ProductName)) },
      byAccount: countBy(findings.map((f) => f.AwsAccountId)),
      macieQuery: { accountId: PRODUCTION, ...MACIE_QUERY_WINDOW, findings: returned.map(macieObject) },
      trigger: lakeFinding(trigger),
      all: findings.map(lakeFinding),
    },
  };
}
