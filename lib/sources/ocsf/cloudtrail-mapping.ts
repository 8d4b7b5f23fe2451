/**
 * CloudTrail → OCSF 1.1, as Security Lake source version 2 maps it: one SELECT turning rows
 * of the `cloudtrail` table into rows of the lake's CloudTrail tables.
 *
 * PLACEHOLDER (being written on branch `mapping`): every column NULL, rows split by category.
 */
import { OCSF_COLUMNS, duckdbType } from './schema';

/** The lake's CloudTrail tables (Security Hub findings do not come from CloudTrail). */
export type CloudTrailOcsfKind = 'cloud_trail_mgmt' | 's3_data';

/**
 * DuckDB SQL selecting, from `from` (a relation with the `cloudtrail` table's columns, Athena's
 * names), the rows that belong to `kind` as that table's columns, in its order and types.
 */
export function cloudTrailToOcsf(kind: CloudTrailOcsfKind, from: string): string {
  const columns = OCSF_COLUMNS[kind].map((c) => `CAST(NULL AS ${duckdbType(c.glueType)}) AS "${c.name}"`);
  const which = kind === 's3_data' ? `eventcategory = 'Data'` : `coalesce(eventcategory, 'Management') = 'Management'`;
  return `SELECT ${columns.join(', ')} FROM ${from} WHERE ${which}`;
}
