/**
 * How Athena (engine v3, Trino) names types and prints values in GetQueryResults and in the
 * result CSV, applied to the local engine's results. The text forms, per Athena type:
 *
 * - varchar, json: the text as is; tinyint/smallint/integer/bigint: decimal digits (`-42`)
 * - double: Java's `Double.toString`: plain with at least one decimal when 1e-3 ≤ |x| < 1e7
 *   (`1.5`, `2.0`, `-0.001`), otherwise `d.dddE±n` without `+` (`1.0E7`, `1.2345E10`, `1.0E-4`);
 *   `NaN`, `Infinity`, `-Infinity`, `0.0`, `-0.0`. Digits are the shortest that round-trip
 *   (what JS and Java ≥ 19 both print). real: the same over the shortest float32 digits.
 * - decimal: exact digits with the column's scale (`1.50`)
 * - boolean: `true` / `false`; date: `2024-03-12`
 * - timestamp: `2024-03-12 10:00:00.123` (always milliseconds);
 *   timestamp with time zone: `2024-03-12 10:00:00.123 UTC`
 * - array: `[a, b, null]`; map: `{k=v, k2=v2}`; row: `{name=value, other=null}`; nested values
 *   print by the same rules, with NULL as `null` and strings unquoted.
 * - a NULL cell is no text at all (no VarCharValue; an empty unquoted CSV field).
 */
import type { Column, Value } from '../../../lib/result/types';
import { parseDuckDBType, type DuckDBTypeTree } from './duckdb-type';

/** One entry of Athena's `ResultSetMetadata.ColumnInfo`, as on the wire. */
export interface AthenaColumnInfo {
  readonly CatalogName: 'hive';
  readonly SchemaName: '';
  readonly TableName: '';
  readonly Name: string;
  readonly Label: string;
  readonly Type: string;
  readonly Precision: number;
  readonly Scale: number;
  readonly Nullable: 'UNKNOWN';
  readonly CaseSensitive: boolean;
}

/** A result in Athena's text form: column metadata and rows of text cells (null for NULL). */
export interface AthenaResult {
  readonly columns: readonly AthenaColumnInfo[];
  readonly rows: readonly (readonly (string | null)[])[];
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  VARCHAR: 'varchar', UUID: 'varchar', ENUM: 'varchar', JSON: 'json',
  BOOLEAN: 'boolean',
  TINYINT: 'tinyint', SMALLINT: 'smallint', UTINYINT: 'smallint', INTEGER: 'integer', USMALLINT: 'integer',
  BIGINT: 'bigint', UINTEGER: 'bigint', UBIGINT: 'bigint', HUGEINT: 'bigint', UHUGEINT: 'bigint',
  FLOAT: 'real', REAL: 'real', DOUBLE: 'double', DECIMAL: 'decimal',
  DATE: 'date', TIMESTAMP: 'timestamp', TIMESTAMP_S: 'timestamp', TIMESTAMP_MS: 'timestamp', TIMESTAMP_NS: 'timestamp',
  'TIMESTAMP WITH TIME ZONE': 'timestamp with time zone',
  LIST: 'array', MAP: 'map', STRUCT: 'row',
  TIME: 'time', INTERVAL: 'interval day to second', BLOB: 'varbinary', NULL: 'unknown',
};

/** Precision Athena reports per type (decimal: its own). */
const PRECISION: Readonly<Record<string, number>> = {
  varchar: 2147483647, varbinary: 2147483647, json: 0, tinyint: 3, smallint: 5, integer: 10, bigint: 19,
  real: 7, double: 17, timestamp: 3, 'timestamp with time zone': 3, time: 3,
};

/**
 * Athena's type name for a DuckDB type (the `Type` of ColumnInfo).
 *
 * @example
 * athenaTypeName(parseDuckDBType('STRUCT("a" VARCHAR)[]')); // 'array'
 */
export function athenaTypeName(type: DuckDBTypeTree): string {
  return TYPE_NAMES[type.name] ?? 'varchar';
}

/**
 * The ColumnInfo Athena would send for a local engine column.
 *
 * @example
 * athenaColumnInfo({ name: 'd', kind: 'decimal', engineType: 'DECIMAL(10,2)' }); // Type 'decimal', Precision 10, Scale 2
 */
export function athenaColumnInfo(column: Column): AthenaColumnInfo {
  const tree = parseDuckDBType(column.engineType);
  const type = column.kind === 'json' ? 'json' : athenaTypeName(tree);
  const decimal = type === 'decimal' ? (tree.args ?? [18, 3]) : undefined;
  return {
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Name: column.name,
    Label: column.name,
    Type: type,
    Precision: decimal ? decimal[0]! : (PRECISION[type] ?? 0),
    Scale: decimal ? decimal[1]! : 0,
    Nullable: 'UNKNOWN',
    CaseSensitive: type === 'varchar',
  };
}

/**
 * A double as Java's `Double.toString` prints it (what Athena sends for `double`).
 *
 * @example
 * [formatDouble(1.5), formatDouble(2), formatDouble(1e10), formatDouble(0.0001)]; // ['1.5', '2.0', '1.0E10', '1.0E-4']
 */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = String(x);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/**
 * A real (float32) as Java's `Float.toString` prints it: the shortest float32 digits.
 *
 * @example
 * formatReal(Math.fround(0.1)); // '0.1'
 */
export function formatReal(x: number): string {
  if (!Number.isFinite(x) || x === 0) return formatDouble(x);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return formatDouble(candidate);
  }
  return formatDouble(x);
}

/**
 * A timestamp as Athena prints it: `YYYY-MM-DD HH:MM:SS.mmm` (UTC).
 *
 * @example
 * formatTimestamp(new Date('2024-03-12T10:00:00Z')); // '2024-03-12 10:00:00.000'
 */
export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

/**
 * A date as Athena prints it: `YYYY-MM-DD`.
 *
 * @example
 * formatDate(new Date('2024-03-12T00:00:00Z')); // '2024-03-12'
 */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * A cell in Athena's text form for a column of DuckDB type `type`; null for NULL.
 *
 * @example
 * formatAthenaValue([1.5, 2], parseDuckDBType('DOUBLE[]')); // '[1.5, 2.0]'
 */
export function formatAthenaValue(value: Value, type: DuckDBTypeTree): string | null {
  return value === null ? null : formatNested(value, type);
}

function formatNested(value: Value, type: DuckDBTypeTree): string {
  if (value === null) return 'null';
  const athenaType = athenaTypeName(type);
  if (typeof value === 'number') {
    if (athenaType === 'double') return formatDouble(value);
    if (athenaType === 'real') return formatReal(value);
    return String(value);
  }
  if (value instanceof Date) {
    if (athenaType === 'date') return formatDate(value);
    if (athenaType === 'timestamp with time zone') return `${formatTimestamp(value)} UTC`;
    return formatTimestamp(value);
  }
  if (Array.isArray(value)) {
    const element = type.element ?? { name: 'VARCHAR' };
    return `[${value.map((v: Value) => formatNested(v, element)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const record = value as { readonly [key: string]: Value };
    if (type.name === 'STRUCT' && type.fields) {
      return `{${type.fields.map((f) => `${f.name}=${formatNested(record[f.name] ?? null, f.type)}`).join(', ')}}`;
    }
    const valueType = type.value ?? { name: 'VARCHAR' };
    return `{${Object.entries(record).map(([k, v]) => `${k}=${formatNested(v, valueType)}`).join(', ')}}`;
  }
  return String(value);
}

/**
 * A local engine result in Athena's text form.
 *
 * @example
 * toAthenaResult(await engine.query('SELECT 1.5 AS x')).rows; // [['1.5']]
 */
export function toAthenaResult(result: { readonly columns: readonly Column[]; readonly rows: readonly (readonly Value[])[] }): AthenaResult {
  const types = result.columns.map((c) => parseDuckDBType(c.engineType));
  return {
    columns: result.columns.map(athenaColumnInfo),
    rows: result.rows.map((row) => row.map((value, i) => formatAthenaValue(value, types[i]!))),
  };
}

/**
 * Athena's result CSV: a header of column names, every non-NULL field double-quoted with `"`
 * doubled, NULL as an empty unquoted field (so `""` is the empty string), each row ended by
 * `\n`, newlines inside fields kept as they are.
 *
 * @example
 * toAthenaCsv(['a', 'b'], [['x "y"', null]]); // '"a","b"\n"x ""y""",\n'
 */
export function toAthenaCsv(header: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  const line = (fields: readonly (string | null)[]) =>
    fields.map((f) => (f === null ? '' : `"${f.replace(/"/g, '""')}"`)).join(',');
  return [header, ...rows].map((fields) => `${line(fields)}\n`).join('');
}

/**
 * What Athena writes for statements other than queries (SHOW, DESCRIBE, …): a `.txt` file of
 * rows, fields separated by tabs, no header, no quoting.
 *
 * @example
 * toAthenaText([['cloudtrail']]); // 'cloudtrail\n'
 */
export function toAthenaText(rows: readonly (readonly (string | null)[])[]): string {
  return rows.map((row) => `${row.map((f) => f ?? '').join('\t')}\n`).join('');
}
