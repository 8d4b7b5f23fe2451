/**
 * The close view of one suspect (article query 2.3 and what follows it): everything it did,
 * which services and actions it tried, and the order it did them in.
 */

import { sql, type SqlFragment } from '../../sql';
import { distinctList } from '../aggregates';
import { SESSION_NAME, entityMatches } from '../entity';
import { limitClause, readEntityCommon, type EntityOptions } from '../query-options';
import { inWindow } from '../time-window';

/** Options of a listing of one entity's events. */
export interface EntityListingOptions extends EntityOptions {
  /** Most rows returned. `Infinity` for all. */
  readonly limit?: number;
}

/**
 * 2.3 Everything the entity did, newest first. Columns, key ones first:
 * eventtime, eventname, errorcode, sourceipaddress, accesskeyid, eventsource, sessionname,
 * awsregion, useragent, requestparameters. Default limit 1000.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(entityActivity({ window, entity: suspect }));
 */
export function entityActivity(options: EntityListingOptions): SqlFragment {
  const where = 'entityActivity';
  const { window, table, entity } = readEntityCommon(where, options, ['limit']);
  const limit = limitClause(where, options.limit, 1000);
  return sql`SELECT
  eventtime,
  eventname,
  errorcode,
  sourceipaddress,
  useridentity.accesskeyid AS accesskeyid,
  eventsource,
  ${SESSION_NAME} AS sessionname,
  awsregion,
  useragent,
  requestparameters
FROM ${table}
WHERE ${inWindow(window)}
  AND ${entityMatches(entity)}
ORDER BY eventtime DESC, eventid${limit}`;
}

/**
 * 2.4 The services the entity called: eventsource, events, failures (calls with any error
 * code), first_seen, last_seen; most used first.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(servicesUsed({ window, entity: suspect }));
 */
export function servicesUsed(options: EntityOptions): SqlFragment {
  const { window, table, entity } = readEntityCommon('servicesUsed', options);
  return sql`SELECT
  eventsource,
  count(*) AS events,
  count(errorcode) AS failures,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM ${table}
WHERE ${inWindow(window)}
  AND ${entityMatches(entity)}
GROUP BY eventsource
ORDER BY events DESC, eventsource`;
}

/**
 * 2.5 The actions the entity attempted: eventsource, eventname, attempts, failures, and
 * errorcodes (the distinct codes, joined; NULL when none failed); most attempted first.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(actionsAttempted({ window, entity: suspect }));
 */
export function actionsAttempted(options: EntityOptions): SqlFragment {
  const { window, table, entity } = readEntityCommon('actionsAttempted', options);
  return sql`SELECT
  eventsource,
  eventname,
  count(*) AS attempts,
  count(errorcode) AS failures,
  ${distinctList(sql`errorcode`)} AS errorcodes
FROM ${table}
WHERE ${inWindow(window)}
  AND ${entityMatches(entity)}
GROUP BY eventsource, eventname
ORDER BY attempts DESC, eventsource, eventname`;
}

/**
 * 2.6 The entity's calls in time order, for a timeline chart: eventtime (a TIMESTAMP),
 * eventsource, eventname, errorcode, sourceipaddress; oldest first. Default limit 5000.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(entityTimeline({ window, entity: suspect }));
 */
export function entityTimeline(options: EntityListingOptions): SqlFragment {
  const where = 'entityTimeline';
  const { window, table, entity } = readEntityCommon(where, options, ['limit']);
  const limit = limitClause(where, options.limit, 5000);
  return sql`SELECT
  from_iso8601_timestamp(eventtime) AS eventtime,
  eventsource,
  eventname,
  errorcode,
  sourceipaddress
FROM ${table}
WHERE ${inWindow(window)}
  AND ${entityMatches(entity)}
ORDER BY 1, eventid${limit}`;
}
