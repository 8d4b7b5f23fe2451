/**
 * Turns a parsed JSON record into a row of the table's declared types, in JS, before DuckDB
 * sees it. A value that cannot take its column's type (`userIdentity` as a string) becomes
 * NULL and is counted, so the record stays in the table with every field that can be typed:
 * `count(*)` and `SELECT *` always see the same records.
 */
import type { Field, FieldType } from '../../sources/cloudtrail-schema';

/** A row ready to be written as one JSON line: Athena (lower-case) names, declared types. */
export type TypedRow = Record<string, unknown>;

/** Counts values that did not fit their type; shared by the rows of one file. */
export interface TypingReport {
  untyped: number;
}

/** Types one record by the fields (keys are read as the log spells them). */
export function typeRecord(record: Record<string, unknown>, fields: readonly Field[], report: TypingReport): TypedRow {
  const row: TypedRow = {};
  for (const field of fields) row[field.name] = typeValue(record[field.key], field.type, report);
  return row;
}

function typeValue(value: unknown, type: FieldType, report: TypingReport): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'string') return typeof value === 'string' ? value : textOf(value);
  if (type === 'json') return JSON.stringify(value);
  if ('struct' in type) {
    if (!isObject(value)) return untyped(report);
    return typeRecord(value, type.struct, report);
  }
  if ('array' in type) {
    if (!Array.isArray(value)) return untyped(report);
    return value.map((item) => typeValue(item, type.array, report));
  }
  if (!isObject(value)) return untyped(report);
  const map: Record<string, string | null> = {};
  for (const [key, item] of Object.entries(value)) map[key] = item === null || item === undefined ? null : textOf(item);
  return map;
}

/** Scalars as their JSON text (`true`, `1.5`), objects and arrays as JSON: what Athena shows for STRING. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function untyped(report: TypingReport): null {
  report.untyped++;
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
