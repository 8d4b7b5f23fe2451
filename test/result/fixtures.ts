/** Hand-built result data for the conversion and display tests. */

import type { ColumnKind, QueryResultData, QueryStats, Value } from '../../lib/result/types';

const ENGINE_TYPES: Record<ColumnKind, string> = {
  string: 'varchar',
  integer: 'integer',
  bigint: 'bigint',
  double: 'double',
  decimal: 'decimal(10,2)',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  array: 'array(varchar)',
  struct: 'row(arn varchar)',
  map: 'map(varchar,varchar)',
  json: 'json',
  other: 'other',
};

/** Columns as `[name, kind]` pairs, rows as arrays; stats default to a quick local query. */
export function makeData(
  columns: readonly (readonly [string, ColumnKind])[],
  rows: readonly (readonly Value[])[],
  stats: Partial<QueryStats> = {},
): QueryResultData {
  return {
    columns: columns.map(([name, kind]) => ({ name, kind, engineType: ENGINE_TYPES[kind] })),
    rows,
    stats: { engine: 'local', elapsedMs: 12, filesSkipped: [], ...stats },
    sql: 'SELECT 1',
  };
}
