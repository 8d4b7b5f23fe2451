/**
 * The Security Lake tables the playbook reads, named for a region. The article's lake rolls
 * every region up into us-west-2, so its queries name `…_us_west_2_…` tables; a lake rolled up
 * elsewhere changes only that part of each name.
 */

import { OptionError } from '../../errors';
import { sql, type SqlFragment } from '../../sql';
import { lakeTable, type OcsfTableKind } from '../../sources/ocsf/schema';

/** The region the article's lake rolls up into, and this playbook's default. */
export const ARTICLE_REGION = 'us-west-2';

/** A region as AWS writes it (`us-west-2`, `ap-southeast-1`, `us-gov-west-1`), or with `_`. */
const REGION = /^[a-z]{2}([-_][a-z]+)+[-_][0-9]{1,2}$/;

/**
 * Checks a region option: `us-west-2` or `us_west_2`; empty or missing means {@link ARTICLE_REGION}.
 *
 * @throws OptionError naming `region` for anything else
 * @example
 * lakeRegion('eu-west-1'); // 'eu-west-1'
 */
export function lakeRegion(value: unknown, where = 'region'): string {
  if (value === undefined || value === '') return ARTICLE_REGION;
  if (typeof value !== 'string' || !REGION.test(value)) {
    throw new OptionError('region', value, `${where}: option "region" must be the lake's rollup region, e.g. 'us-west-2'; got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value.replace(/_/g, '-');
}

/** The three tables of one region, as checked names for the `sql` tag. */
export interface LakeTables {
  /** `amazon_security_lake_table_<region>_cloud_trail_mgmt_2_0`: CloudTrail management events. */
  readonly mgmt: SqlFragment;
  /** `…_s3_data_2_0`: CloudTrail S3 data events. */
  readonly s3Data: SqlFragment;
  /** `…_sh_findings_2_0`: Security Hub findings (Macie, GuardDuty, …). */
  readonly findings: SqlFragment;
}

/**
 * A table name as the article writes it, unquoted. `sql.raw` is safe here: the region passed
 * `lakeRegion`'s pattern, so the name holds only `[a-z0-9_]`; quoting it (`sql.id`) would
 * change the article's text for no gain.
 */
const tableId = (region: string, kind: OcsfTableKind) => {
  const name = lakeTable(region, kind);
  if (!/^[a-z0-9_]+$/.test(name)) throw new OptionError('region', region, `not a lake region: ${JSON.stringify(region)}`);
  return sql.raw(name);
};

/**
 * The lake's tables for a region, for queries of your own.
 *
 * @throws OptionError for a region that is not one
 * @example
 * const t = lakeTables('us-west-2');
 * await queryResults(sql`SELECT count(*) AS n FROM ${t.s3Data} WHERE api.operation = ${'DeleteObject'}`);
 */
export function lakeTables(region: string = ARTICLE_REGION): LakeTables {
  const checked = lakeRegion(region, 'lakeTables');
  return Object.freeze({
    mgmt: tableId(checked, 'cloud_trail_mgmt'),
    s3Data: tableId(checked, 's3_data'),
    findings: tableId(checked, 'sh_findings'),
  });
}
