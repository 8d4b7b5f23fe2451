/** Human-readable numbers, sizes, durations and cell values for tables and summaries. */

import { compactJson, isoDate } from '../result/json';
import type { ColumnKind, Value } from '../result/types';

/**
 * A count with thousands separators.
 *
 * @example
 * formatCount(12345); // '12,345'
 */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * `n` followed by `word`, pluralised with `s` unless `n` is 1.
 *
 * @example
 * plural(2, 'row'); // '2 rows'
 */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : pluralWord}`;
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * A byte count in binary units (1 KiB = 1024 B), one decimal.
 *
 * @example
 * formatBytes(5_872_025); // '5.6 MiB'
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || Math.abs(bytes) < 1024) return `${bytes} B`;
  let value = bytes;
  let unit: string = 'B';
  for (const next of BYTE_UNITS) {
    if (Math.abs(value) < 1024) break;
    value /= 1024;
    unit = next;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/**
 * A duration: `850 ms`, `1.23 s`, `12.3 s`, `2 min 05 s`, `1 h 02 min`.
 *
 * @example
 * formatDuration(1234); // '1.23 s'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} min ${pad(totalSeconds % 60)} s`;
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${pad(totalMinutes % 60)} min`;
}

/**
 * An amount in US dollars; small amounts keep two significant digits so they do not read as zero.
 *
 * @example
 * formatUsd(0.00614); // '$0.0061'
 * formatUsd(3.5);     // '$3.50'
 */
export function formatUsd(usd: number): string {
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}

/**
 * Column kinds whose values are numbers and read best right-aligned.
 *
 * @example
 * isNumericKind('bigint'); // true
 */
export function isNumericKind(kind: ColumnKind): boolean {
  return kind === 'integer' || kind === 'bigint' || kind === 'double' || kind === 'decimal';
}

/**
 * The text a table shows for a cell, or `null` for SQL NULL (each table shows NULL its own way).
 * Timestamps are ISO 8601 in UTC, without `.000` when there are no milliseconds (as CloudTrail
 * writes `eventTime`); `date` columns show the day; nested values are compact JSON with exact
 * bigints. The text is not escaped: that is the table's job.
 *
 * @example
 * cellText(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), 'timestamp'); // '2024-01-02T03:04:05Z'
 */
export function cellText(value: Value, kind: ColumnKind): string | null {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof Date) {
    const iso = isoDate(value, kind === 'date');
    return iso === null ? 'Invalid Date' : iso.replace(/\.000Z$/, 'Z');
  }
  return compactJson(value);
}
