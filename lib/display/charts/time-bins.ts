/** Time bins that follow the window a chart covers: hours for a day, days for a month. */

import { OptionError } from '../../errors';
import { utcTime } from './data';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The bin widths a chart may use, finest first, by name. */
export const TIME_BINS = {
  minute: MINUTE,
  '5 minutes': 5 * MINUTE,
  '15 minutes': 15 * MINUTE,
  hour: HOUR,
  '6 hours': 6 * HOUR,
  day: DAY,
  week: 7 * DAY,
} as const;

/** A bin width by name. */
export type TimeBin = keyof typeof TIME_BINS;

/** `auto` picks the bin from the window; `none` keeps the query's buckets. */
export type TimeBinOption = TimeBin | 'auto' | 'none';

/** A time span a chart covers, `end` exclusive: a playbook's `window`. */
export interface ChartWindow {
  readonly start: Date | string;
  readonly end: Date | string;
}

/** Auto bins aim for at most this many bars across the window: readable, not hairlines. */
const MOST_BINS = 100;
// 1970-01-01 was a Thursday; weeks start on Monday, four days later.
const WEEK_OFFSET = 4 * DAY;

/**
 * Check a `window` option and return it in epoch milliseconds.
 *
 * @throws OptionError (`window`) unless it has a valid `start` before a valid `end`
 * @example
 * windowOption('failuresOverTimeChart', { start: '2024-03-01', end: '2024-04-01' });
 */
export function windowOption(where: string, value: unknown): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const bad = () => new OptionError('window', value, `${where}: option "window" must be { start, end } with UTC times, start before end`);
  if (typeof value !== 'object' || value === null) throw bad();
  const { start, end } = value as { start?: unknown; end?: unknown };
  const parse = (v: unknown) => (v instanceof Date || typeof v === 'string' ? utcTime(v) : null);
  const s = parse(start);
  const e = parse(end);
  if (s === null || e === null || Date.parse(e) <= Date.parse(s)) throw bad();
  return { start: Date.parse(s), end: Date.parse(e) };
}

/**
 * Check a `bin` option.
 *
 * @throws OptionError (`bin`) naming the choices
 * @example
 * binOption('failuresOverTimeChart', 'day'); // 'day'
 */
export function binOption(where: string, value: unknown): TimeBinOption {
  if (value === undefined) return 'auto';
  if (value === 'auto' || value === 'none' || (typeof value === 'string' && Object.hasOwn(TIME_BINS, value))) {
    return value as TimeBinOption;
  }
  const choices = ['auto', 'none', ...Object.keys(TIME_BINS)].map((c) => `'${c}'`).join(', ');
  throw new OptionError('bin', value, `${where}: option "bin" must be one of ${choices}, got ${JSON.stringify(value)}`);
}

/**
 * The bin for a span: the finest that is no finer than the data (`finest`, ms) and gives at
 * most {@link MOST_BINS} bins. A day gets hours (24), a week 6 hours (28), a month days (31).
 *
 * @example
 * autoBin(30 * 86_400_000, 3_600_000); // 'day'
 */
export function autoBin(spanMs: number, finestMs: number): TimeBin {
  const bins = Object.entries(TIME_BINS) as [TimeBin, number][];
  const fits = bins.find(([, ms]) => ms >= finestMs && spanMs / ms <= MOST_BINS);
  return fits?.[0] ?? 'week';
}

/**
 * The start of the bin `t` falls in (UTC; weeks start on Monday).
 *
 * @example
 * binStart(Date.parse('2024-03-05T13:20:00Z'), 'day'); // Date.parse('2024-03-05T00:00:00Z')
 */
export function binStart(t: number, bin: TimeBin): number {
  const ms = TIME_BINS[bin];
  const offset = bin === 'week' ? WEEK_OFFSET : 0;
  return Math.floor((t - offset) / ms) * ms + offset;
}
