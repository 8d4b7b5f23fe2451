/**
 * Types records in DuckDB, as SQL generated from a table's fields. DuckDB reads each record
 * with every top-level field as text (`VARCHAR` for strings, `JSON` for anything else), so
 * reading never fails on a value of the wrong shape; the SQL then casts each JSON field to
 * its declared type. A value that cannot take its type (`userIdentity` as a string) becomes
 * NULL and is counted, so the record stays in the table with every field that can be typed:
 * `count(*)` and `SELECT *` always see the same records.
 */
import { duckdbReadType, duckdbTableType, type Field, type FieldType } from '../../sources/cloudtrail-schema';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The type DuckDB reads a top-level field as: strings as they are, anything else as JSON text. */
function lineType(type: FieldType): string {
  return type === 'string' ? 'VARCHAR' : 'JSON';
}

/** The `STRUCT(…)` a record is read as, keyed as the log spells its keys. */
export function recordReadType(fields: readonly Field[]): string {
  return `STRUCT(${fields.map((f) => `${quote(f.key)} ${lineType(f.type)}`).join(', ')})`;
}

/** The JSON kind a value of this type must be, for types that cannot take any value. */
function expectedKind(type: FieldType): 'OBJECT' | 'ARRAY' | undefined {
  if (type === 'string' || type === 'json') return undefined;
  return 'array' in type ? 'ARRAY' : 'OBJECT';
}

/**
 * The SQL giving a field its declared type, from `value` (the field as read). A struct or
 * map whose value is not an object, or a list whose value is not an array, is NULL;
 * `TRY_CAST` makes a nested member of the wrong kind NULL and keeps the rest.
 */
export function typedValue(value: string, type: FieldType): string {
  if (type === 'string') return value;
  if (type === 'json') return `CAST(${value} AS VARCHAR)`;
  const read = duckdbReadType(type);
  const table = duckdbTableType(type);
  return `CASE WHEN json_type(${value}) = '${expectedKind(type)}' THEN CAST(TRY_CAST(${value} AS ${read}) AS ${table}) END`;
}

/**
 * JSON paths (from a value of `type`) where an object or array must be, below the top; the
 * elements of a top-level list are checked with `[*]`, lists deeper down only as a whole.
 */
function nestedChecks(type: FieldType, prefix: string): { path: string; kind: 'OBJECT' | 'ARRAY' }[] {
  if (type === 'string' || type === 'json' || 'map' in type || 'array' in type) return [];
  const checks: { path: string; kind: 'OBJECT' | 'ARRAY' }[] = [];
  for (const member of type.struct) {
    const kind = expectedKind(member.type);
    if (!kind) continue;
    const path = `${prefix}.${jsonPathKey(member.key)}`;
    checks.push({ path, kind }, ...nestedChecks(member.type, path));
  }
  return checks;
}

function jsonPathKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
}

/**
 * SQL counting the values of one field that do not fit its type (each becomes NULL): the
 * field itself, and every object member or list element below it that should be an object
 * or a list. Parses the field's JSON once for all its members.
 */
export function untypedCount(value: string, type: FieldType): string | undefined {
  const kind = expectedKind(type);
  if (!kind || typeof type === 'string') return undefined;
  const top = `(${value} IS NOT NULL AND json_type(${value}) <> '${kind}')::INTEGER`;
  let below: string | undefined;
  if ('array' in type) {
    const element = expectedKind(type.array);
    if (element) below = `len(list_filter(json_type(${value}, '$[*]'), t -> t NOT IN ('${element}', 'NULL')))`;
  } else {
    const checks = nestedChecks(type, '$');
    if (checks.length > 0) {
      const paths = `[${checks.map((c) => literal(c.path)).join(', ')}]`;
      const kinds = `[${checks.map((c) => literal(c.kind)).join(', ')}]`;
      below = `len(list_filter(list_zip(json_type(${value}, ${paths}), ${kinds}), p -> p[1] IS NOT NULL AND p[1] NOT IN (p[2], 'NULL')))`;
    }
  }
  return below ? `(${top} + CASE WHEN json_type(${value}) = '${kind}' THEN ${below} ELSE 0 END)` : top;
}
