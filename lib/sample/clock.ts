/**
 * The sample's calendar: March 2024 in UTC, cut into CloudTrail's 5-minute delivery windows,
 * and the local time of the people in it (their office hours shape the traffic).
 */

/** First instant of the sample, inclusive: 2024-03-01T00:00:00Z. */
export const PERIOD_START_MS = Date.UTC(2024, 2, 1);
/** End of the sample, exclusive: 2024-04-01T00:00:00Z. */
export const PERIOD_END_MS = Date.UTC(2024, 3, 1);
/** CloudTrail delivers one file per account and region about every five minutes. */
export const WINDOW_MS = 5 * 60 * 1000;
/** Number of 5-minute windows in March 2024 (8928). */
export const WINDOW_COUNT = (PERIOD_END_MS - PERIOD_START_MS) / WINDOW_MS;

const HOUR_MS = 3_600_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Where a person works; decides which UTC hours are their office hours. */
export type Zone = 'America/New_York' | 'Europe/Dublin';

// Hard-coded because only March 2024 matters and Intl's zone data differs between Node builds.
const NY_DST_START = Date.UTC(2024, 2, 10, 7);
const DUBLIN_DST_START = Date.UTC(2024, 2, 31, 1);

/**
 * The UTC offset of a zone at an instant, in hours (New York switches to EDT on 10 March 2024,
 * Dublin to IST on 31 March 2024).
 *
 * @example
 * utcOffsetHours('America/New_York', Date.UTC(2024, 2, 19)); // -4
 */
export function utcOffsetHours(zone: Zone, ms: number): number {
  if (zone === 'America/New_York') return ms >= NY_DST_START ? -4 : -5;
  return ms >= DUBLIN_DST_START ? 1 : 0;
}

/** Local wall-clock facts used by traffic rhythms. */
export interface LocalTime {
  /** Hour of day, 0–23. */
  readonly hour: number;
  /** Day of week, 0 = Sunday. */
  readonly weekday: number;
  /** Days since 1970-01-01 in local time, to key per-day choices. */
  readonly day: number;
}

/**
 * The local hour, weekday and day number of an instant in a zone.
 *
 * @example
 * localTime('America/New_York', Date.UTC(2024, 2, 19, 6, 30)).hour; // 2
 */
export function localTime(zone: Zone, ms: number): LocalTime {
  const local = ms + utcOffsetHours(zone, ms) * HOUR_MS;
  const day = Math.floor(local / 86_400_000);
  return { hour: Math.floor(local / HOUR_MS) % 24, weekday: (day + 4) % 7, day };
}

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * CloudTrail's `eventTime` format: ISO 8601 to the second, UTC.
 *
 * @example
 * eventTime(Date.UTC(2024, 2, 12, 10, 4, 31)); // '2024-03-12T10:04:31Z'
 */
export function eventTime(ms: number): string {
  // Called for every record: March 2024 is formatted by arithmetic, anything else by Date.
  if (ms < PERIOD_START_MS || ms >= PERIOD_END_MS) return new Date(ms).toISOString().slice(0, 19) + 'Z';
  const s = Math.floor((ms - PERIOD_START_MS) / 1000);
  const day = Math.floor(s / 86_400);
  const r = s - day * 86_400;
  const h = Math.floor(r / 3600);
  const m = Math.floor((r - h * 3600) / 60);
  return `2024-03-${PAD2[day + 1]}T${PAD2[h]}:${PAD2[m]}:${PAD2[r % 60]}Z`;
}

/**
 * The date format IAM and STS use inside `responseElements` (`createDate`, `expiration`).
 *
 * @example
 * iamDate(Date.UTC(2024, 2, 12, 21, 5, 9)); // 'Mar 12, 2024, 9:05:09 PM'
 */
export function iamDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h12}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}

/**
 * A UTC instant from calendar parts, for writing story timelines readably.
 *
 * @example
 * at(19, 6, 12, 5); // 2024-03-19T06:12:05Z as epoch milliseconds
 */
export function at(day: number, hour: number, minute: number, second = 0): number {
  return Date.UTC(2024, 2, day, hour, minute, second);
}
