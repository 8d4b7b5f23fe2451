/**
 * "What the team now knows": the queries that sum the article's findings up before containment
 * (not in the article). The user's activity per hour for a chart, the objects it read and
 * deleted, and the principals created in the window with who created them and what they may do.
 * Values are bound; the window is `time_dt BETWEEN start AND end`, as in the article.
 */

import { sql, type SqlFragment } from '../../sql';
import { readOptions, type UserWindowOptions, type WindowedOptions } from './options';

/** The object operations whose keys {@link objectsReadAndDeleted} lists. */
export const OBJECT_OPERATIONS: readonly string[] = Object.freeze(['GetObject', 'DeleteObject']);

/** The IAM calls that make a principal, and those that give it power or credentials. */
export const PRINCIPAL_CREATIONS: readonly string[] = Object.freeze(['CreateUser', 'CreateRole']);
export const PRINCIPAL_GRANTS: readonly string[] = Object.freeze(['AttachUserPolicy', 'AttachRolePolicy', 'PutUserPolicy', 'PutRolePolicy', 'CreateAccessKey', 'CreateLoginProfile']);

const requestValue = (key: string) => sql.raw(`json_extract_scalar(api.request.data, '$.${key}')`);

/**
 * The user's calls per hour and operation, management and S3 data events together, oldest
 * first: hour (a UTC timestamp), operation, events, failures. For `failuresOverTimeChart(result,
 * { time: 'hour', entity: 'operation', count: 'events' })`.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(activityPerHour({ user: 'Service_Backup', window }));
 */
export function activityPerHour(options: UserWindowOptions): SqlFragment {
  const { tables, user, window } = readOptions('activityPerHour', options, ['user', 'window']);
  const calls = (table: SqlFragment) => sql`SELECT time_dt, api.operation AS operation, status
  FROM ${table}
  WHERE lower(actor.user.name) = ${user}
    AND time_dt BETWEEN ${window.start} AND ${window.end}`;
  return sql`SELECT
  date_trunc('hour', time_dt) AS hour,
  operation,
  count(*) AS events,
  count_if(status = 'Failure') AS failures
FROM (
  ${calls(tables.mgmt)}
  UNION ALL
  ${calls(tables.s3Data)}
) AS calls
GROUP BY 1, 2
ORDER BY 1, 2`;
}

/**
 * Each object the user read (GetObject) or deleted (DeleteObject) in the window, by bucket and
 * key: reads, deletes, failures, first and last call. An object read and then deleted is the
 * article's pattern: copied out, then gone.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(objectsReadAndDeleted({ user: 'Service_Backup', window }));
 */
export function objectsReadAndDeleted(options: UserWindowOptions): SqlFragment {
  const { tables, user, window } = readOptions('objectsReadAndDeleted', options, ['user', 'window']);
  return sql`SELECT
  ${requestValue('bucketName')} AS bucket,
  ${requestValue('key')} AS object_key,
  count_if(api.operation = 'GetObject') AS reads,
  count_if(api.operation = 'DeleteObject') AS deletes,
  count_if(status = 'Failure') AS failures,
  min(time_dt) AS first_call,
  max(time_dt) AS last_call
FROM ${tables.s3Data}
WHERE lower(actor.user.name) = ${user}
  AND api.operation IN (${sql.join(OBJECT_OPERATIONS)})
  AND time_dt BETWEEN ${window.start} AND ${window.end}
GROUP BY 1, 2
ORDER BY first_call, bucket, object_key`;
}

/**
 * The IAM users and roles created in the window (successfully), oldest first: principal, kind
 * (`user` or `role`), created_at, created_by (the creator's user name, or its role for a role
 * session), created_by_arn, policies (attached or put on it in the window, by anyone),
 * access_keys (created for it in the window). The creators are the ones to contain; the
 * principals created by the suspect are to contain too.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(newPrincipals({ window }));
 */
export function newPrincipals(options: WindowedOptions): SqlFragment {
  const { tables, window } = readOptions('newPrincipals', options, ['window']);
  return sql`WITH iam AS (
  SELECT time_dt, api.operation AS operation, api.request.data AS request, api.response.data AS response, actor.user.name AS actor_name, actor.user.uid AS actor_arn, actor.session.issuer AS issuer
  FROM ${tables.mgmt}
  WHERE lower(api.service.name) = 'iam.amazonaws.com'
    AND status = 'Success'
    AND time_dt BETWEEN ${window.start} AND ${window.end}
),
created AS (
  SELECT
    coalesce(json_extract_scalar(request, '$.userName'), json_extract_scalar(request, '$.roleName')) AS principal,
    CASE WHEN operation = 'CreateUser' THEN 'user' ELSE 'role' END AS kind,
    time_dt AS created_at,
    coalesce(actor_name, issuer) AS created_by,
    actor_arn AS created_by_arn
  FROM iam
  WHERE operation IN (${sql.join(PRINCIPAL_CREATIONS)})
),
granted AS (
  SELECT
    coalesce(json_extract_scalar(request, '$.userName'), json_extract_scalar(request, '$.roleName'), json_extract_scalar(response, '$.accessKey.userName')) AS principal,
    CASE WHEN operation IN ('AttachUserPolicy', 'AttachRolePolicy') THEN json_extract_scalar(request, '$.policyArn')
         WHEN operation IN ('PutUserPolicy', 'PutRolePolicy') THEN json_extract_scalar(request, '$.policyName') END AS policy,
    CASE WHEN operation = 'CreateAccessKey' THEN json_extract_scalar(response, '$.accessKey.accessKeyId') END AS access_key
  FROM iam
  WHERE operation IN (${sql.join(PRINCIPAL_GRANTS)})
)
SELECT
  c.principal,
  c.kind,
  c.created_at,
  c.created_by,
  c.created_by_arn,
  nullif(array_join(array_sort(array_agg(DISTINCT g.policy) FILTER (WHERE g.policy IS NOT NULL)), ', '), '') AS policies,
  nullif(array_join(array_sort(array_agg(DISTINCT g.access_key) FILTER (WHERE g.access_key IS NOT NULL)), ', '), '') AS access_keys
FROM created c
LEFT JOIN granted g ON g.principal = c.principal
GROUP BY c.principal, c.kind, c.created_at, c.created_by, c.created_by_arn
ORDER BY c.created_at, c.principal`;
}
