/**
 * Trino's date and time functions. The engine runs with `TimeZone = 'UTC'` (Athena's
 * session zone), which several of these rely on: TIMESTAMPTZ values print and truncate in
 * the session zone, and strings without an offset are read in it.
 */
import type { TrinoMacro } from './macro';

/** Trino's interval units for date_add, as DuckDB interval constructors. */
const INTERVAL_OF_UNIT = [
  `WHEN 'millisecond' THEN to_milliseconds(n)`,
  `WHEN 'second' THEN to_seconds(n)`,
  `WHEN 'minute' THEN to_minutes(n)`,
  `WHEN 'hour' THEN to_hours(n)`,
  `WHEN 'day' THEN to_days(n)`,
  `WHEN 'week' THEN to_weeks(n)`,
  `WHEN 'month' THEN to_months(n)`,
  `WHEN 'quarter' THEN to_months(3 * n)`,
  `WHEN 'year' THEN to_years(n)`,
].join(' ');

/**
 * Time macros, in creation order. `date_format` and `date_parse` are not here: DuckDB
 * checks at CREATE MACRO that strptime's format is a constant, so the rewrite spells them
 * out as `strftime(x, trino_mysql_format(f, false))` / `strptime(s, trino_mysql_format(f, true))`.
 *
 * @example
 * TIME_MACROS.map(createMacroSql); // CREATE OR REPLACE TEMP MACRO … statements
 */
export const TIME_MACROS: readonly TrinoMacro[] = [
  {
    // DuckDB's cast wants seconds; Trino also reads 'T10' and 'T10:04' (with or without a zone).
    name: 'trino_iso8601_complete',
    overloads: [
      String.raw`(s) AS regexp_replace(regexp_replace(s, '^(\d{4}-\d\d-\d\dT\d\d)([^:\d]|$)', '\1:00\2'), '^(\d{4}-\d\d-\d\dT\d\d:\d\d)([^:\d]|$)', '\1:00\2')`,
    ],
  },
  {
    // The common CloudTrail form casts directly; the regex only runs for rows that fail.
    // Trino's result is timestamp(3) with time zone, hence the cut to milliseconds
    // (through epoch_ms: date_trunc on a TIMESTAMPTZ costs six times as much).
    name: 'trino_from_iso8601_timestamp',
    overloads: [
      `(s) AS make_timestamptz(epoch_ms(coalesce(TRY_CAST(s AS TIMESTAMPTZ), CAST(trino_iso8601_complete(s) AS TIMESTAMPTZ))) * 1000)`,
    ],
  },
  { name: 'trino_from_iso8601_date', overloads: ['(s) AS CAST(s AS DATE)'] },
  {
    name: 'trino_to_iso8601',
    overloads: [
      `(x) AS CASE typeof(x) WHEN 'DATE' THEN strftime(x, '%Y-%m-%d') ` +
        `WHEN 'TIMESTAMP WITH TIME ZONE' THEN strftime(x, '%Y-%m-%dT%H:%M:%S.%gZ') ` +
        `ELSE strftime(x, '%Y-%m-%dT%H:%M:%S.%g') END`,
    ],
  },
  {
    name: 'trino_time_interval',
    overloads: [`(u, n) AS CASE lower(u) ${INTERVAL_OF_UNIT} ELSE error('''' || u || ''' is not a valid Time field') END`],
  },
  {
    // The two-argument form keeps DuckDB's own date_add(timestamp, interval) working.
    name: 'trino_date_add',
    overloads: ['(u, n, x) AS x + trino_time_interval(u, n)', '(x, i) AS x + i'],
  },
  {
    // Trino counts whole units elapsed (23:00 to 01:00 is 0 days); DuckDB's date_diff counts
    // boundaries crossed (1 day). date_sub is the whole-units one.
    name: 'trino_date_diff',
    overloads: ['(u, a, b) AS date_sub(lower(u), a, b)'],
  },
  {
    // Trino keeps milliseconds, rounded. A TIMESTAMPTZ has no zone of its own, so the zone
    // forms give the same instant.
    name: 'trino_from_unixtime',
    overloads: [
      '(x) AS make_timestamptz(CAST(round(CAST(x AS DOUBLE) * 1000) AS BIGINT) * 1000)',
      '(x, zone) AS make_timestamptz(CAST(round(CAST(x AS DOUBLE) * 1000) AS BIGINT) * 1000)',
      '(x, h, m) AS make_timestamptz(CAST(round(CAST(x AS DOUBLE) * 1000) AS BIGINT) * 1000)',
    ],
  },
  { name: 'trino_to_unixtime', overloads: ['(x) AS epoch_us(x) / 1e6'] },
  // DuckDB's millisecond() includes the seconds (5.123 s gives 5123); Trino's is 0–999.
  { name: 'trino_millisecond', overloads: ['(x) AS millisecond(x) % 1000'] },
];
