/**
 * The time window every playbook query is bounded by. It becomes two conditions: one on
 * `date_partition`, so Athena reads only those days' files, and one on `eventtime`, which
 * cuts the window to the second (`eventtime` is ISO-8601 text, so comparing text is exact).
 */

import { OptionError } from '../errors';
import { checkOptionNames } from '../options';
import { sql, type SqlFragment } from '../sql';

/** A point in time: a `Date`, or UTC text `'2024-03-19'` or `'2024-03-19T05:00:00Z'`. */
export type TimeInput = Date | string;

/** A window as a notebook writes it; `end` is exclusive. */
export interface TimeWindowInput {
  readonly start: TimeInput;
  readonly end: TimeInput;
}

/** A checked window: `start` inclusive, `end` exclusive, `end` after `start`. */
export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

/** What a window becomes in SQL: the partition days and the `eventtime` bounds. */
export interface WindowBounds {
  /** First and last `date_partition` day, `'YYYY/MM/DD'`. */
  readonly firstDay: string;
  readonly lastDay: string;
  /** `eventtime >= startTime AND eventtime < endTime`, `'YYYY-MM-DDTHH:MM:SSZ'`. */
  readonly startTime: string;
  readonly endTime: string;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;
const FORMS = "a Date or UTC text such as '2024-03-19' or '2024-03-19T05:00:00Z'";

function parseInstant(name: 'start' | 'end', value: unknown): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new OptionError(name, value, `${name}: the Date is invalid`);
    return new Date(value.getTime());
  }
  if (typeof value !== 'string') {
    throw new OptionError(name, value, `${name} must be ${FORMS}; got ${describe(value)}`);
  }
  const m = DATE_ONLY.exec(value) ?? DATE_TIME.exec(value);
  if (!m) throw new OptionError(name, value, `${name}: ${JSON.stringify(value)} is not ${FORMS}`);
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
  const ms = Date.UTC(y!, mo! - 1, d!, h, mi, s) + Math.floor(Number(m[7] ?? 0) * 1000);
  const back = new Date(ms);
  // Date.UTC rolls 2024-02-30 over to March; a date that does not round-trip does not exist.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new OptionError(name, value, `${name}: ${JSON.stringify(value)} is not a valid UTC date and time`);
  }
  return back;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/**
 * A checked time window, `start` inclusive and `end` exclusive (both UTC).
 *
 * @throws OptionError (option `start` or `end`) for an invalid date, or when end is not after start.
 * @example
 * const window = timeWindow('2024-03-19', '2024-03-20'); // all of 19 March
 * timeWindow('2024-03-19T05:00:00Z', new Date('2024-03-19T09:00:00Z'));
 */
export function timeWindow(start: TimeInput, end: TimeInput): TimeWindow {
  const s = parseInstant('start', start);
  const e = parseInstant('end', end);
  if (e.getTime() <= s.getTime()) {
    throw new OptionError('end', end, `end (${e.toISOString()}) must be after start (${s.toISOString()}); the window is [start, end)`);
  }
  return Object.freeze({ start: s, end: e });
}

/**
 * Checks a window given as an option (`{ start, end }` or a `timeWindow(…)`).
 *
 * @throws OptionError (option `window`, `start` or `end`)
 * @example
 * toTimeWindow({ start: '2024-03-19', end: '2024-03-20' });
 */
export function toTimeWindow(value: unknown, option = 'window'): TimeWindow {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
    throw new OptionError(
      option,
      value,
      `${option} must be { start, end } or timeWindow(start, end), e.g. timeWindow('2024-03-19', '2024-03-20'); got ${describe(value)}`,
    );
  }
  checkOptionNames(value, ['start', 'end'], option);
  const { start, end } = value as Partial<TimeWindowInput>;
  return timeWindow(start as TimeInput, end as TimeInput);
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');

/**
 * How late CloudTrail may deliver an event. The `date_partition` is the day of the log file's
 * S3 folder, named after delivery (typically within 5 minutes, up to about 15), so an event in
 * the window's last minutes before midnight can sit in the next day's folder.
 */
const DELIVERY_LAG_MS = 60 * 60 * 1000;
const second = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z';

/**
 * The partition days and `eventtime` bounds of a window. CloudTrail times have whole
 * seconds, so a start with milliseconds rounds down and an end rounds up: no event inside
 * the window is lost. The last partition day reaches {@link DELIVERY_LAG_MS} past the end,
 * so late-delivered events in the window are found; `eventtime` keeps the answer exact.
 *
 * @example
 * windowBounds(timeWindow('2024-03-19T05:00:00Z', '2024-03-19T09:00:00Z'));
 * // { firstDay: '2024/03/19', lastDay: '2024/03/19', startTime: '2024-03-19T05:00:00Z', endTime: '2024-03-19T09:00:00Z' }
 * windowBounds(timeWindow('2024-03-19', '2024-03-20')).lastDay; // '2024/03/20': deliveries after midnight
 */
export function windowBounds(window: TimeWindowInput): WindowBounds {
  const w = toTimeWindow(window);
  const start = Math.floor(w.start.getTime() / 1000) * 1000;
  const end = Math.ceil(w.end.getTime() / 1000) * 1000;
  return Object.freeze({ firstDay: day(start), lastDay: day(end - 1000 + DELIVERY_LAG_MS), startTime: second(start), endTime: second(end) });
}

/**
 * The window as a WHERE condition on the CloudTrail table, values bound, in parentheses so
 * it combines safely with AND and OR. For a query of your own in the notebook.
 *
 * Athena prunes by `date_partition`, the day of the log file's S3 folder. CloudTrail names
 * that folder after the delivery time, a few minutes after the event, so the partition range
 * reaches an hour past the window's end (see {@link windowBounds}).
 *
 * @example
 * const window = timeWindow('2024-03-19', '2024-03-20');
 * await queryResults(sql`SELECT eventname, count(*) AS n FROM cloudtrail
 *   WHERE ${inWindow(window)} AND errorcode IS NOT NULL GROUP BY 1 ORDER BY 2 DESC`);
 */
export function inWindow(window: TimeWindowInput): SqlFragment {
  const b = windowBounds(window);
  return sql`(date_partition BETWEEN ${b.firstDay} AND ${b.lastDay} AND eventtime >= ${b.startTime} AND eventtime < ${b.endTime})`
    .limitedTo({ window: { start: b.startTime, end: b.endTime } });
}
