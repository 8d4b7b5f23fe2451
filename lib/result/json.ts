/** JSON-safe values: what `JSON.stringify` can write without losing or throwing. */

import { uniqueColumnNames } from './columns';
import type { ColumnKind, QueryResultData, Value } from './types';

/** A value `JSON.stringify` writes faithfully. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A `Date` as ISO 8601 text: `2024-03-01T12:00:00.000Z`, or `2024-03-01` when `dateOnly`
 * (columns of kind `date`, which hold midnight UTC). An invalid date gives `null`.
 *
 * @example
 * isoDate(new Date(Date.UTC(2024, 2, 1)), true); // '2024-03-01'
 */
export function isoDate(date: Date, dateOnly = false): string | null {
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  return dateOnly ? iso.slice(0, iso.indexOf('T')) : iso;
}

/**
 * Convert one cell value to a JSON-safe value.
 *
 * - `bigint` → `number` when it is a safe integer, else its exact decimal text (a string),
 *   because a JSON reader would silently round a larger number.
 * - `Date` → ISO 8601 text (`YYYY-MM-DD` for a `date` column, see {@link isoDate}).
 * - `NaN`, `Infinity`, `-Infinity` → `null`, as `JSON.stringify` would write them anyway;
 *   the CSV output keeps them as text.
 * - arrays and objects are converted element by element.
 *
 * @param kind  the column's kind; only `date` changes the output
 * @example
 * toJsonValue(9007199254740993n); // '9007199254740993'
 * toJsonValue(42n);               // 42
 */
export function toJsonValue(value: Value, kind?: ColumnKind): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return isoDate(value, kind === 'date');
  if (isValueArray(value)) return value.map((v) => toJsonValue(v));
  // Object.fromEntries defines own properties, so a map key `__proto__` stays a key.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
}

/**
 * Rows as JSON-safe objects keyed by (deduplicated) column name: what
 * `irbook query --format json` prints. `JSON.stringify(queryResult)` gives the same.
 *
 * @example
 * JSON.stringify(toJsonRecords(result)); // '[{"eventname":"ConsoleLogin","n":3}]'
 */
export function toJsonRecords(data: QueryResultData): { [key: string]: JsonValue }[] {
  const keys = uniqueColumnNames(data.columns.map((c) => c.name));
  const kinds = data.columns.map((c) => c.kind);
  return data.rows.map((row) =>
    Object.fromEntries(keys.map((key, i) => [key, toJsonValue(row[i] ?? null, kinds[i])])),
  );
}

/**
 * Compact JSON text of a value for showing a nested value in one cell (CSV, tables).
 * Unlike {@link toJsonValue}, a `bigint` is written as its exact digits, never rounded and
 * never quoted, so the text says exactly what the engine returned.
 *
 * @example
 * compactJson({ ids: [1n, 9007199254740993n], at: null }); // '{"ids":[1,9007199254740993],"at":null}'
 */
export function compactJson(value: Value): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object' || value instanceof Date) {
    return JSON.stringify(toJsonValue(value));
  }
  if (isValueArray(value)) return `[${value.map(compactJson).join(',')}]`;
  const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${compactJson(v)}`);
  return `{${members.join(',')}}`;
}

/**
 * `Array.isArray` that narrows a readonly `Value[]` (the built-in one loses `readonly`).
 *
 * @example
 * if (isValueArray(value)) value.forEach(visit);
 */
export function isValueArray(value: Value): value is readonly Value[] {
  return Array.isArray(value);
}
