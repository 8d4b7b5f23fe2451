/**
 * When the entity was active, in UTC: its calls per hour of the day, and what it did outside
 * working hours and at weekends. "Is the access attempt occurring during normal working
 * hours for that user?" is one of the article's questions.
 */

import { OptionError } from '../../errors';
import { sql, type SqlFragment } from '../../sql';
import { distinctList } from '../aggregates';
import { entityMatches } from '../entity';
import { booleanOption, readEntityCommon, type EntityOptions } from '../query-options';
import { inWindow } from '../time-window';

/**
 * The entity's calls per hour of the day (UTC): hour (0–23, an integer), events, failures.
 * Hours without calls are absent.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(activityByHour({ window, entity: suspect }));
 */
export function activityByHour(options: EntityOptions): SqlFragment {
  const { window, table, entity } = readEntityCommon('activityByHour', options);
  return sql`SELECT
  CAST(hour(from_iso8601_timestamp(eventtime)) AS INTEGER) AS hour,
  count(*) AS events,
  count(errorcode) AS failures
FROM ${table}
WHERE ${inWindow(window)}
  AND ${entityMatches(entity)}
GROUP BY 1
ORDER BY 1`;
}

/** Options of `offHoursActivity`. */
export interface OffHoursOptions extends EntityOptions {
  /** Working hours in UTC, `[from, to)`: `[8, 18]` (the default) is 08:00–17:59. */
  readonly workingHours?: readonly [number, number];
  /** Count all of Saturday and Sunday as off hours. Default true. */
  readonly weekends?: boolean;
}

function workingHoursOption(where: string, value: unknown): [number, number] {
  if (value === undefined) return [8, 18];
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((h) => Number.isInteger(h)) &&
    value[0] >= 0 &&
    value[0] < value[1] &&
    value[1] <= 24;
  if (!ok) {
    throw new OptionError('workingHours', value, `${where}: option "workingHours" must be [from, to] with whole hours 0 <= from < to <= 24, e.g. [8, 18]; got ${JSON.stringify(value)}`);
  }
  return [value[0], value[1]];
}

/**
 * The entity's calls outside working hours (UTC) and, with `weekends`, on Saturdays and
 * Sundays: day (a DATE), hour, events, failures, eventnames (distinct, joined); in time order.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(offHoursActivity({ window, entity: suspect, workingHours: [7, 19] }));
 */
export function offHoursActivity(options: OffHoursOptions): SqlFragment {
  const where = 'offHoursActivity';
  const { window, table, entity } = readEntityCommon(where, options, ['workingHours', 'weekends']);
  const [from, to] = workingHoursOption(where, options.workingHours);
  const weekends = booleanOption(where, 'weekends', options.weekends, true);
  // day_of_week is ISO: Saturday 6, Sunday 7.
  const weekend = weekends ? sql`\n   OR day_of_week(ts) IN (6, 7)` : sql``;
  return sql`WITH activity AS (
  SELECT
    from_iso8601_timestamp(eventtime) AS ts,
    eventname,
    errorcode
  FROM ${table}
  WHERE ${inWindow(window)}
    AND ${entityMatches(entity)}
)
SELECT
  CAST(ts AS DATE) AS day,
  CAST(hour(ts) AS INTEGER) AS hour,
  count(*) AS events,
  count(errorcode) AS failures,
  ${distinctList(sql`eventname`)} AS eventnames
FROM activity
WHERE hour(ts) < ${from} OR hour(ts) >= ${to}${weekend}
GROUP BY 1, 2
ORDER BY 1, 2`;
}
