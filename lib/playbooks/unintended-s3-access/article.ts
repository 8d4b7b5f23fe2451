/**
 * The article's queries (AWS Security Blog, "Accelerate incident response with Amazon Security
 * Lake – Part 2"), each with its text as published. Only the region in the table names and the
 * literals the article tells you to replace differ: the user name, the timestamps and the
 * account id are bound as parameters, never pasted into the text.
 */

import { sql, type SqlFragment } from '../../sql';
import { readOptions, type FindingsOptions, type UserOptions, type UserWindowOptions, type WindowedOptions } from './options';

/**
 * Phase 2, first look: the distinct API calls the user made (`api.operation`), over all time.
 * Creations (`Create*`) and IAM changes are the ones to follow up.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(distinctOperations({ user: 'Service_Backup' })); // CreateUser, AttachUserPolicy, …
 */
export function distinctOperations(options: UserOptions): SqlFragment {
  const { tables, user } = readOptions('distinctOperations', options, ['user']);
  return sql`SELECT DISTINCT api.operation FROM ${tables.mgmt}
WHERE lower(actor.user.name) = ${user}`;
}

/**
 * Phase 2, detail: every management call of the user, with time, region, outcome, service
 * and request.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(userActivity({ user: 'Service_Backup' }));
 */
export function userActivity(options: UserOptions): SqlFragment {
  const { tables, user } = readOptions('userActivity', options, ['user']);
  return sql`SELECT time_dt AS "Time Date", metadata.product.name AS "Log Source", cloud.region, actor.user.type, actor.user.name, actor.user.account.uid AS "User AWS Acc ID", api.operation AS "API Operation", status AS "API Response", api.service.name AS "Service", api.request.data AS "Request Data"
FROM ${tables.mgmt}
WHERE lower(actor.user.name) = ${user};`;
}

/**
 * Phase 2, IAM: the user's IAM Create*, Attach* and Delete* calls in the window, with the
 * principal, policy and role each names. "Target Principal" is the article's name for two
 * columns (the request's `userName`, and OCSF's `user.name`); both are kept, as published.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(iamChangesByUser({ user: 'Service_Backup', window: { start: '2024-03-01', end: '2024-05-31T23:59:00Z' } }));
 */
export function iamChangesByUser(options: UserWindowOptions): SqlFragment {
  const { tables, user, window } = readOptions('iamChangesByUser', options, ['user', 'window']);
  return sql`SELECT time_dt AS "Time", cloud.region AS "Region", actor.session.issuer AS "Role Issuer", actor.user.name AS "User Name", api.operation AS "API Call", json_extract(api.request.data, '$.userName') AS "Target Principal", json_extract(api.request.data, '$.policyArn') AS "Target Policy", json_extract(api.request.data, '$.roleName') AS "Target Role", actor.user.uid AS "User ID", user.name AS "Target Principal", status AS "Response Status", accountid AS "AWS Account"
FROM ${tables.mgmt}
WHERE (lower(api.operation) LIKE 'create%' OR lower(api.operation) LIKE 'attach%' OR lower(api.operation) LIKE 'delete%')
AND lower(api.service.name) = 'iam.amazonaws.com'
AND lower(actor.user.name) = ${user}
AND time_dt BETWEEN ${window.start} AND ${window.end};`;
}

/**
 * Phase 3, the IAM-wide variant: every principal's IAM Create*, Attach* and Delete* calls in
 * the window (the users the suspect made, and what they did in turn).
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(iamChanges({ window: { start: '2024-03-01', end: '2024-05-31T23:59:00Z' } }));
 */
export function iamChanges(options: WindowedOptions): SqlFragment {
  const { tables, window } = readOptions('iamChanges', options, ['window']);
  return sql`SELECT time_dt AS "Time", cloud.region AS "Region", actor.session.issuer AS "Role Issuer", actor.user.name AS "User Name", api.operation AS "API Call", json_extract(api.request.data, '$.userName') AS "Target Principal", json_extract(api.request.data, '$.policyArn') AS "Target Policy", json_extract(api.request.data, '$.roleName') AS "Target Role", actor.user.uid AS "User ID", user.name AS "Target Principal", status AS "Response Status", accountid AS "AWS Account"
FROM ${tables.mgmt}
WHERE (lower(api.operation) LIKE 'create%' OR lower(api.operation) LIKE 'attach%' OR lower(api.operation) LIKE 'delete%')
AND lower(api.service.name) = 'iam.amazonaws.com'
AND time_dt BETWEEN ${window.start} AND ${window.end};`;
}

/**
 * Phase 2, S3: the user's S3 data events (GetObject, PutObject, DeleteObject, …) with the
 * request, which names the bucket and the key.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(s3DataEvents({ user: 'Service_Backup' }));
 */
export function s3DataEvents(options: UserOptions): SqlFragment {
  const { tables, user } = readOptions('s3DataEvents', options, ['user']);
  return sql`SELECT time_dt AS "Time Date", cloud.region AS "Region", actor.user.type, actor.user.name AS "User Name", api.operation AS "API Call", status AS "Status", api.request.data AS "Request Data", accountid AS "AWS Account ID"
FROM ${tables.s3Data}
WHERE lower(actor.user.name) = ${user};`;
}

/**
 * Phase 2, Macie through Security Hub: the account's Macie findings in the window (around the
 * ransom bucket's creation), with the bucket and the object each is about.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(macieFindings({ accountId: '111122223333', window: { start: '2024-03-10', end: '2024-03-14T23:59:00Z' } }));
 */
export function macieFindings(options: FindingsOptions): SqlFragment {
  const { tables, accountId, window } = readOptions('macieFindings', options, ['accountId', 'window']);
  return sql`SELECT time_dt AS "Date/Time", metadata.product.name AS "Log Source", cloud.account.uid AS "AWS Account ID", cloud.region AS "AWS Region", resources[1].type AS "Resource Type", resources[1].uid AS "Bucket ARN", resources[2].type AS "Resource Type 2", resources[2].uid AS "Object Name", finding_info.desc AS "Finding summary" FROM ${tables.findings}
WHERE cloud.account.uid = ${accountId}
AND lower(metadata.product.name) = 'macie'
AND time_dt BETWEEN ${window.start} AND ${window.end};`;
}
