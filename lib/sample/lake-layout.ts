/**
 * Where the sample's Security Lake files go: the layout `aws s3 sync` of a lake's bucket
 * gives (`<SOURCE>/2.0/…`), with the Iceberg data folder partitioned by region, account and
 * day, under `security-lake/` in the sample folder. One lake, its home region us-west-2 as
 * the article's, holds every region and both accounts.
 */

import { LAKE_SOURCE_FOLDERS, LAKE_SOURCE_VERSION, type OcsfTableKind } from '../sources/ocsf/schema';

/** The sample's lake folder, next to `AWSLogs/`. */
export const LAKE_FOLDER = 'security-lake';

/** The region the lake rolls every region up into: its tables are named after it. */
export const LAKE_HOME_REGION = 'us-west-2';

/** The layout as a readable template, for the manifest. */
export const LAKE_LAYOUT = `${LAKE_FOLDER}/<SOURCE>/${LAKE_SOURCE_VERSION}/data/region=<region>/accountid=<accountId>/eventday=<yyyymmdd>/<name>.parquet`;

/** Matches a lake data file's path relative to the sample folder (forward slashes). */
export const LAKE_PATH_PATTERN =
  /^security-lake\/(CLOUD_TRAIL_MGMT|S3_DATA|SH_FINDINGS)\/2\.0\/data\/region=([a-z]{2}(?:-[a-z]+)+-\d)\/accountid=(\d{12})\/eventday=(\d{8})\/[0-9a-f-]+\.parquet$/;

/** One partition of one source: the rows of an account and region on a UTC day. */
export interface LakePartition {
  readonly kind: OcsfTableKind;
  readonly region: string;
  readonly account: string;
  /** `yyyymmdd`. */
  readonly day: string;
}

/**
 * The relative path of a lake data file.
 *
 * @example
 * lakePath({ kind: 's3_data', region: 'us-west-2', account: '111122223333', day: '20240312' }, '00000-0-…-00001');
 * // 'security-lake/S3_DATA/2.0/data/region=us-west-2/accountid=111122223333/eventday=20240312/00000-0-…-00001.parquet'
 */
export function lakePath(p: LakePartition, name: string): string {
  return `${LAKE_FOLDER}/${LAKE_SOURCE_FOLDERS[p.kind]}/${LAKE_SOURCE_VERSION}/data/region=${p.region}/accountid=${p.account}/eventday=${p.day}/${name}.parquet`;
}

/** What a lake data file's path says about its rows; undefined when it breaks the layout. */
export function parseLakePath(path: string): { readonly source: string; readonly region: string; readonly account: string; readonly day: string } | undefined {
  const m = LAKE_PATH_PATTERN.exec(path);
  return m ? { source: m[1]!, region: m[2]!, account: m[3]!, day: m[4]! } : undefined;
}

/** `yyyymmdd` of an instant, UTC. */
export function eventDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}
