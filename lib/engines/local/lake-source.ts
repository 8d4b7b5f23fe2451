/**
 * The Security Lake feed: one table per lake source (CloudTrail management events, S3 data
 * events, Security Hub findings), fed from the Parquet data files of a local copy of the
 * lake's bucket (see lake-files.ts), cast to the columns and types Glue declares for the
 * source-version-2 tables. Files differ in column order, lack struct members or columns (NULL
 * here), carry columns the tables do not have (dropped), and may hold `time_dt` as TIMESTAMP
 * WITH TIME ZONE (read as UTC: the engine's session time zone is UTC).
 *
 * These tables are not queried by name: the lake's table names (ocsf-tables.ts) read them.
 */
import { duckdbType, OCSF_COLUMNS, OCSF_TABLE_KINDS, type OcsfTableKind } from '../../sources/ocsf/schema';
import { lakeKindOf } from './lake-files';
import { PARQUET_FILE_ID, type ParquetTableSource, type TableColumn } from './table-source';

/** The cache's folder partition of the lake tables: the UTC day of `time_dt`, `yyyy-mm-dd`. */
export const LAKE_DAY_PARTITION = '_day';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The cache table of a lake source, e.g. `security_lake_cloud_trail_mgmt`. */
export function lakeCacheTable(kind: OcsfTableKind): string {
  return `security_lake_${kind}`;
}

/** A lake source's columns in DuckDB's types. */
export function ocsfColumns(kind: OcsfTableKind): TableColumn[] {
  return OCSF_COLUMNS[kind].map((c) => ({ name: c.name, type: duckdbType(c.glueType) }));
}

function lakeSource(kind: OcsfTableKind): ParquetTableSource {
  const columns = ocsfColumns(kind);
  return {
    format: 'parquet',
    table: lakeCacheTable(kind),
    columns,
    // A folder per day, as the cloudtrail table: a day's files are read or skipped together.
    folderPartitions: [LAKE_DAY_PARTITION],
    databases: () => [],
    internal: true,
    claims: (path) => lakeKindOf(path) === kind,
    typedRows: (scan, present) => {
      // Casts to a STRUCT match members by name: missing ones are NULL, extra ones dropped.
      const cast = (c: TableColumn) => (present.has(c.name) ? `CAST(${quote(c.name)} AS ${c.type})` : `CAST(NULL AS ${c.type})`);
      // `time_dt` is `time` (epoch milliseconds) as a timestamp; a file with only `time` gets it
      // from there, so the article's `time_dt BETWEEN …` and the day folders still see its rows.
      const timeDt = present.has('time_dt') ? cast({ name: 'time_dt', type: 'TIMESTAMP' })
        : present.has('time') ? `CAST(epoch_ms(CAST("time" AS BIGINT)) AS TIMESTAMP)` : 'CAST(NULL AS TIMESTAMP)';
      const value = (c: TableColumn) => (c.name === 'time_dt' ? timeDt : cast(c));
      return `SELECT ${columns.map((c) => `${value(c)} AS ${quote(c.name)}`).join(', ')}, ` +
        `strftime(${timeDt}, '%Y-%m-%d') AS ${quote(LAKE_DAY_PARTITION)}, ${PARQUET_FILE_ID} AS _file FROM ${scan}`;
    },
  };
}

/** The three lake sources, in catalog order. */
export const LAKE_SOURCES: Readonly<Record<OcsfTableKind, ParquetTableSource>> = Object.fromEntries(
  OCSF_TABLE_KINDS.map((kind) => [kind, lakeSource(kind)])) as Record<OcsfTableKind, ParquetTableSource>;
