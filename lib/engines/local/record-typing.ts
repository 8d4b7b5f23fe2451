/**
 * Types records. DuckDB reads each record straight into the table's declared types (its
 * JSON reader refuses a value of the wrong shape, such as `userIdentity` as a string, and
 * with it the whole file). Such a file is read again in JS, where `conformRecord` makes each
 * value that cannot take its type NULL and counts it, so the record stays in the table with
 * every field that can be typed: `count(*)` and `SELECT *` always see the same records.
 */
import { duckdbReadType, duckdbTableType, type Field, type FieldType } from '../../sources/cloudtrail-schema';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The `STRUCT(…)` DuckDB reads a record as, keyed as the log spells its keys. */
export function recordReadType(fields: readonly Field[]): string {
  return `STRUCT(${fields.map((f) => `${quote(f.key)} ${duckdbReadType(f.type)}`).join(', ')})`;
}

/** The SQL giving a field as read (`value`) its table type: Athena's lower-case member names, JSON as text. */
export function typedValue(value: string, type: FieldType): string {
  if (type === 'string') return value;
  if (type === 'json') return `CAST(${value} AS VARCHAR)`;
  return `CAST(${value} AS ${duckdbTableType(type)})`;
}

/** Counts values that did not fit their type; shared by the records of one file. */
export interface TypingReport {
  untyped: number;
}

/**
 * The record with every value DuckDB's reading would refuse set to NULL (and counted): a
 * struct or map that is not an object, a list that is not an array, at any depth. Values of
 * string and JSON fields are left as they are; DuckDB takes any JSON value as their text.
 */
export function conformRecord(record: Record<string, unknown>, fields: readonly Field[], report: TypingReport): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = record[field.key];
    if (value !== undefined) out[field.key] = conformValue(value, field.type, report);
  }
  return out;
}

function conformValue(value: unknown, type: FieldType, report: TypingReport): unknown {
  if (value === null || type === 'string' || type === 'json') return value;
  if ('struct' in type) return isObject(value) ? conformRecord(value, type.struct, report) : untyped(report);
  if ('array' in type) return Array.isArray(value) ? value.map((item) => conformValue(item, type.array, report)) : untyped(report);
  return isObject(value) ? value : untyped(report);
}

function untyped(report: TypingReport): null {
  report.untyped++;
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
