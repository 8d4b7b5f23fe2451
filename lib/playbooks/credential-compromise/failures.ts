/**
 * The broad view (article queries 2.1 and 2.2): calls refused for lack of permission, and
 * the entities with the most of them. A spike of refusals from one entity is how a leaked
 * credential being probed shows up.
 */

import { OptionError } from '../../errors';
import { sql, type SqlFragment } from '../../sql';
import { distinctList } from '../aggregates';
import { ENTITY, SESSION_NAME, entityIn } from '../entity';
import { booleanOption, limitClause, readCommon, type WindowOptions } from '../query-options';
import { inWindow } from '../time-window';

/**
 * Error codes of calls refused for lack of permission, as services write them: IAM, S3, STS
 * and most services (`AccessDenied`), JSON APIs (`AccessDeniedException`), SNS
 * (`AuthorizationError`), EC2 (`Client.UnauthorizedOperation`, and termination protection's
 * `Client.OperationNotPermitted`), and `Client.InvalidPermission.NotFound`, which tampering
 * with security groups leaves.
 */
export const AUTHORIZATION_FAILURE_CODES: readonly string[] = Object.freeze([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
  'Client.InvalidPermission.NotFound',
  'Client.OperationNotPermitted',
  'UnauthorizedAccess',
]);

const FAILURE_CODES = sql.join(AUTHORIZATION_FAILURE_CODES);

/** Options of `authorizationFailures`. */
export interface AuthorizationFailuresOptions extends WindowOptions {
  /** Only IAM Identity Center (SSO) permission-set roles. Default false. */
  readonly identityCenterOnly?: boolean;
  /** Most rows returned, newest first. Default 500; `Infinity` for all. */
  readonly limit?: number;
}

/**
 * 2.1 Authorization failures: each refused call by a user, root or role session, newest
 * first. Columns, key ones first: eventtime, entity, eventname, errorcode,
 * sourceipaddress, eventsource, identitytype, sessionname, awsregion, recipientaccountid,
 * useragent, errormessage.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(authorizationFailures({ window: timeWindow('2024-03-18', '2024-03-25') }));
 */
export function authorizationFailures(options: AuthorizationFailuresOptions): SqlFragment {
  const where = 'authorizationFailures';
  const { window, table } = readCommon(where, options, ['identityCenterOnly', 'limit']);
  const ssoOnly = booleanOption(where, 'identityCenterOnly', options.identityCenterOnly, false);
  const limit = limitClause(where, options.limit, 500);
  const sso = ssoOnly ? sql`\n  AND useridentity.sessioncontext.sessionissuer.arn LIKE '%sso.amazonaws.com%'` : sql``;
  return sql`SELECT
  eventtime,
  ${ENTITY} AS entity,
  eventname,
  errorcode,
  sourceipaddress,
  eventsource,
  useridentity.type AS identitytype,
  ${SESSION_NAME} AS sessionname,
  awsregion,
  recipientaccountid,
  useragent,
  errormessage
FROM ${table}
WHERE ${inWindow(window)}
  AND errorcode IN (${FAILURE_CODES})
  AND ${ENTITY} IS NOT NULL${sso}
ORDER BY eventtime DESC, eventid${limit}`;
}

/** Options of `topFailingEntities`. */
export interface TopFailingEntitiesOptions extends WindowOptions {
  /** How many entities. Default 5, as the article. */
  readonly limit?: number;
}

/**
 * 2.2 The entities with the most authorization failures. Columns: entity, identitytype,
 * failures, sessions (distinct session names, or NULL for users), sourceips (distinct
 * count), first_seen, last_seen. Ordered by failures, most first, then entity.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * const top = await queryResults(topFailingEntities({ window }));
 * const suspect = suspectFrom(top);
 */
export function topFailingEntities(options: TopFailingEntitiesOptions): SqlFragment {
  const where = 'topFailingEntities';
  const { window, table } = readCommon(where, options, ['limit']);
  const limit = limitClause(where, options.limit, 5);
  return sql`WITH refused AS (
  SELECT
    ${ENTITY} AS entity,
    useridentity.type AS identitytype,
    ${SESSION_NAME} AS sessionname,
    sourceipaddress,
    eventtime
  FROM ${table}
  WHERE ${inWindow(window)}
    AND errorcode IN (${FAILURE_CODES})
)
SELECT
  entity,
  ${distinctList(sql`identitytype`)} AS identitytype,
  count(*) AS failures,
  ${distinctList(sql`sessionname`)} AS sessions,
  count(DISTINCT sourceipaddress) AS sourceips,
  min(eventtime) AS first_seen,
  max(eventtime) AS last_seen
FROM refused
WHERE entity IS NOT NULL
GROUP BY entity
ORDER BY failures DESC, entity${limit}`;
}

/** Options of `failuresOverTime`. */
export interface FailuresOverTimeQueryOptions extends WindowOptions {
  /** The entities to chart, e.g. the `entity` column of 2.2. */
  readonly entities: readonly string[];
  /** Bucket width. Default `'hour'`. */
  readonly bucket?: 'hour' | 'day';
}

const BUCKETS = { hour: sql`'hour'`, day: sql`'day'` } as const;

/**
 * Authorization failures per hour (or day) for a few entities, for a chart. Columns: bucket
 * (a timestamp), entity, failures. Buckets without failures are absent.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * const top = await queryResults(topFailingEntities({ window }));
 * await queryResults(failuresOverTime({ window, entities: top.column('entity') as string[] }));
 */
export function failuresOverTime(options: FailuresOverTimeQueryOptions): SqlFragment {
  const where = 'failuresOverTime';
  const { window, table } = readCommon(where, options, ['entities', 'bucket']);
  const entities = options.entities as unknown;
  if (!Array.isArray(entities) || entities.length === 0 || !entities.every((e) => typeof e === 'string' && e.trim() !== '')) {
    throw new OptionError('entities', entities, `${where}: option "entities" must be a non-empty list of entity ARNs, e.g. top.column('entity')`);
  }
  const bucket = options.bucket ?? 'hour';
  if (!Object.hasOwn(BUCKETS, bucket)) {
    throw new OptionError('bucket', bucket, `${where}: option "bucket" must be 'hour' or 'day', got ${JSON.stringify(bucket)}`);
  }
  return sql`SELECT
  date_trunc(${BUCKETS[bucket]}, from_iso8601_timestamp(eventtime)) AS bucket,
  ${ENTITY} AS entity,
  count(*) AS failures
FROM ${table}
WHERE ${inWindow(window)}
  AND errorcode IN (${FAILURE_CODES})
  AND ${entityIn(entities.map((e: string) => e.trim()))}
GROUP BY 1, 2
ORDER BY 1, 2`;
}
