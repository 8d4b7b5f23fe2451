/**
 * Athena ↔ irbook values. Athena hands every value over as text (GetQueryResults' VarCharValue,
 * the result CSV); one converter per Athena type, in a table the compiler checks for gaps,
 * turns that text into the typed `Value` the local engine would give.
 */
import { IrbookError } from '../../errors';
import type { Column, ColumnKind, Value } from '../../result/types';
import { parseAthenaType, readNestedText, type AthenaType } from './athena-text';

export { parseAthenaType, type AthenaType } from './athena-text';

/**
 * Type names as Athena's `ColumnInfo.Type` spells them, with the Hive spellings some APIs use
 * (`string`, `int`, `float`, `binary`, `struct`). `other` is irbook's bucket for names not listed.
 */
export type AthenaTypeName =
  | 'varchar' | 'char' | 'string'
  | 'tinyint' | 'smallint' | 'integer' | 'int' | 'bigint'
  | 'real' | 'float' | 'double' | 'decimal'
  | 'boolean'
  | 'date' | 'time' | 'time with time zone' | 'timestamp' | 'timestamp with time zone'
  | 'interval day to second' | 'interval year to month'
  | 'varbinary' | 'binary' | 'json' | 'ipaddress' | 'ipprefix' | 'uuid' | 'unknown'
  | 'array' | 'map' | 'row' | 'struct'
  | 'other';

type Converter = (text: string, type: AthenaType) => Value;

interface TypeEntry {
  readonly kind: ColumnKind;
  readonly convert: Converter;
}

// ---- scalar converters ----

const INTEGER = /^[+-]?\d+$/;
const DOUBLE = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]?Infinity)$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const DATE = /^([+-]?\d{4,})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^([+-]?\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?/;
const OFFSET = /^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})?$/i;

function badText(type: AthenaType, text: string, expected: string): IrbookError {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return new IrbookError(`Athena returned ${JSON.stringify(shown)} for a ${type.text} value; expected ${expected}.`);
}

const asText: Converter = (text) => text;

const toInteger: Converter = (text, type) => {
  if (!INTEGER.test(text)) throw badText(type, text, 'a whole number such as 42');
  return Number(text);
};

const toBigint: Converter = (text, type) => {
  if (!INTEGER.test(text)) throw badText(type, text, 'a whole number such as 9007199254740993');
  return BigInt(text);
};

const toDouble: Converter = (text, type) => {
  if (!DOUBLE.test(text)) throw badText(type, text, "a number such as 1.5, 1.0E10, 'NaN' or 'Infinity'");
  return Number(text);
};

const toDecimal: Converter = (text, type) => {
  if (!DECIMAL.test(text)) throw badText(type, text, 'a decimal number such as 12.50');
  return text;
};

const toBoolean: Converter = (text, type) => {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw badText(type, text, "'true' or 'false'");
};

/** A UTC instant from calendar fields, or undefined when a field is out of range (2024-02-30). */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number | undefined {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return undefined;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC reads years 0–99 as 1900–1999.
  return year >= 0 && year < 100 ? new Date(time).setUTCFullYear(year) : time;
}

const toDate: Converter = (text, type) => {
  const m = DATE.exec(text);
  const time = m ? utc(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
  if (time === undefined) throw badText(type, text, 'a date such as 2024-03-12');
  return new Date(time);
};

/** Wall-clock time read as if UTC, plus what follows it (a zone, for `with time zone`). */
function wallClock(text: string, type: AthenaType): { wall: number; rest: string } {
  const m = TIMESTAMP.exec(text);
  // Digits past milliseconds are cut, not rounded: the instant never moves past the one Athena printed.
  const ms = m?.[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const wall = m ? utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms) : undefined;
  if (!m || wall === undefined) throw badText(type, text, 'a timestamp such as 2024-03-12 10:11:12.123');
  return { wall, rest: text.slice(m[0].length) };
}

const toTimestamp: Converter = (text, type) => {
  const { wall, rest } = wallClock(text, type);
  if (rest !== '') throw badText(type, text, 'a timestamp such as 2024-03-12 10:11:12.123 (no zone)');
  return new Date(wall);
};

const toTimestampTz: Converter = (text, type) => {
  const { wall, rest } = wallClock(text, type);
  const zone = rest.trim();
  if (zone === '') {
    throw badText(type, text, 'a timestamp and a zone such as 2024-03-12 10:11:12.123 UTC');
  }
  if (zone === 'UTC' || zone === 'Z') return new Date(wall);
  const offset = OFFSET.exec(zone);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
    return new Date(wall - (offset[1] === '-' ? -minutes : minutes) * 60_000);
  }
  return new Date(inZone(wall, zone, type, text));
};

// ---- named time zones ----

// Formatters are costly to build and hold no per-query state: one per zone name, shared.
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', era: 'short',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    zoneFormats.set(zone, format);
  }
  return format;
}

/** The zone's offset from UTC at an instant, in ms. */
function zoneOffset(format: Intl.DateTimeFormat, instant: number): number {
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(instant))) parts[part.type] = part.value;
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const wall = utc(year, Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const seconds = instant - (((instant % 1000) + 1000) % 1000);
  return (wall ?? seconds) - seconds;
}

/**
 * The instant a wall-clock time names in a zone. In a fall-back overlap the earlier instant wins
 * (as java.time does); a time the zone skips cannot have been printed by Athena and is an error.
 */
function inZone(wall: number, zone: string, type: AthenaType, text: string): number {
  let format: Intl.DateTimeFormat;
  try {
    format = zoneFormat(zone);
  } catch (cause) {
    throw new IrbookError(
      `Athena returned ${JSON.stringify(text)} for a ${type.text} value, and "${zone}" is not a time zone this Node.js knows.`,
      { cause },
    );
  }
  // Zones change offset at most about twice a year: the offsets a day either side are the candidates.
  const before = zoneOffset(format, wall - 86_400_000);
  if (zoneOffset(format, wall - before) === before) return wall - before;
  const after = zoneOffset(format, wall + 86_400_000);
  if (zoneOffset(format, wall - after) === after) return wall - after;
  throw badText(type, text, `a time that exists in ${zone}`);
}

// ---- nested ----

const nested: Converter = (text, type) => readNestedText(type, text, readScalar) ?? text;

function readScalar(type: AthenaType, text: string): Value {
  return entryOf(type).convert(text, type);
}

const TYPES: Record<AthenaTypeName, TypeEntry> = {
  varchar: { kind: 'string', convert: asText },
  char: { kind: 'string', convert: asText },
  string: { kind: 'string', convert: asText },
  tinyint: { kind: 'integer', convert: toInteger },
  smallint: { kind: 'integer', convert: toInteger },
  integer: { kind: 'integer', convert: toInteger },
  int: { kind: 'integer', convert: toInteger },
  bigint: { kind: 'bigint', convert: toBigint },
  real: { kind: 'double', convert: toDouble },
  float: { kind: 'double', convert: toDouble },
  double: { kind: 'double', convert: toDouble },
  decimal: { kind: 'decimal', convert: toDecimal },
  boolean: { kind: 'boolean', convert: toBoolean },
  date: { kind: 'date', convert: toDate },
  time: { kind: 'other', convert: asText },
  'time with time zone': { kind: 'other', convert: asText },
  timestamp: { kind: 'timestamp', convert: toTimestamp },
  'timestamp with time zone': { kind: 'timestamp', convert: toTimestampTz },
  'interval day to second': { kind: 'other', convert: asText },
  'interval year to month': { kind: 'other', convert: asText },
  varbinary: { kind: 'other', convert: asText },
  binary: { kind: 'other', convert: asText },
  json: { kind: 'json', convert: asText },
  ipaddress: { kind: 'string', convert: asText },
  ipprefix: { kind: 'string', convert: asText },
  uuid: { kind: 'string', convert: asText },
  unknown: { kind: 'other', convert: asText },
  array: { kind: 'array', convert: nested },
  map: { kind: 'map', convert: nested },
  row: { kind: 'struct', convert: nested },
  struct: { kind: 'struct', convert: nested },
  other: { kind: 'other', convert: asText },
};

function entryOf(type: AthenaType): TypeEntry {
  return Object.prototype.hasOwnProperty.call(TYPES, type.name) ? TYPES[type.name as AthenaTypeName] : TYPES.other;
}

/** Athena's `ColumnInfo` (GetQueryResults' ResultSetMetadata), the fields irbook reads. */
export interface AthenaColumnInfo {
  readonly Name?: string;
  readonly Label?: string;
  readonly Type?: string;
  readonly Precision?: number;
  readonly Scale?: number;
}

/**
 * An irbook column from Athena's column metadata. `engineType` is Athena's type text, with
 * precision and scale added for a bare `decimal` (`decimal(10,2)`); a type irbook does not know
 * gets kind `other`, and its values are kept as text.
 *
 * @example
 * athenaColumn({ Name: 'eventtime', Type: 'timestamp' }); // { name: 'eventtime', kind: 'timestamp', engineType: 'timestamp' }
 */
export function athenaColumn(info: AthenaColumnInfo): Column {
  const typeText = info.Type ?? '';
  const type = parseAthenaType(typeText);
  const engineType =
    type.name === 'decimal' && type.params.length === 0 && info.Precision
      ? `${typeText}(${info.Precision},${info.Scale ?? 0})`
      : typeText;
  return { name: info.Name ?? info.Label ?? '', kind: entryOf(type).kind, engineType };
}

/** What names a column's Athena type: the type text, a parsed type, or a column from {@link athenaColumn}. */
export type AthenaTypeInput = string | AthenaType | Pick<Column, 'engineType'>;

// Parsed types are immutable, so one parse per distinct type text serves every query; bounded.
const parsedTypes = new Map<string, AthenaType>();

function typeOf(input: AthenaTypeInput): AthenaType {
  if (typeof input !== 'string' && !('engineType' in input)) return input;
  const text = typeof input === 'string' ? input : input.engineType;
  let parsed = parsedTypes.get(text);
  if (!parsed) {
    parsed = parseAthenaType(text);
    if (parsedTypes.size >= 500) parsedTypes.clear();
    parsedTypes.set(text, parsed);
  }
  return parsed;
}

/**
 * A converter from Athena's text for one column type to irbook values: the type is read once,
 * then the converter is called per cell. `null` (SQL NULL) gives `null`; `''` is an empty string.
 * Throws `IrbookError` naming the type and the text when a scalar's text is not of its type
 * (`'abc'` for `bigint`); the caller adds the column. Arrays, maps and rows whose text does not
 * parse cleanly come back as their raw text (see {@link readNestedText}).
 *
 * @example
 * const toValue = athenaConverter('bigint');
 * toValue('9007199254740993'); // 9007199254740993n
 */
export function athenaConverter(type: AthenaTypeInput): (text: string | null) => Value {
  const parsed = typeOf(type);
  const { convert } = entryOf(parsed);
  return (text) => (text === null ? null : convert(text, parsed));
}

/**
 * One Athena text value as an irbook value. `type` is the type text (`bigint`,
 * `array(varchar)`), a parsed type, or a column from {@link athenaColumn}; for many cells of
 * one column {@link athenaConverter} saves a lookup per cell.
 *
 * Text forms read: integers `42`; bigint `9007199254740993` (exact `bigint`); double/real
 * `1.5`, `1.0E10`, `NaN`, `Infinity`; decimal `12.50` (kept as that string); boolean `true`;
 * date `2024-03-12` (UTC midnight); timestamp `2024-03-12 10:11:12.123456` (UTC, cut to ms);
 * timestamp with time zone `… UTC`, `… +02:00`, `… Europe/Berlin`; arrays `[a, b]`, maps
 * `{k=v}`, rows `{f1=v1, f2=v2}`, nested. Time, interval, varbinary (`68 65 6c`), ipaddress,
 * uuid and json stay text.
 *
 * Athena prints nested values without quoting, so a varchar inside one that holds `, `, `=` or
 * brackets can be misread; text that does not parse cleanly is returned raw, never dropped.
 * The cases are listed at {@link readNestedText}.
 *
 * @example
 * athenaValue('array(bigint)', '[1, null, 3]'); // [1n, null, 3n]
 * athenaValue('row(arn varchar, mfa boolean)', '{arn=arn:aws:iam::1:user/a, mfa=true}'); // { arn: 'arn:aws:iam::1:user/a', mfa: true }
 */
export function athenaValue(type: AthenaTypeInput, text: string | null): Value {
  if (text === null) return null;
  const parsed = typeOf(type);
  return entryOf(parsed).convert(text, parsed);
}
