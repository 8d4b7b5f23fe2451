/**
 * What the entity tried to change about identities: IAM writes (a new user, a policy
 * attached, a new access key: the persistence chain), console sign-ins and MFA devices.
 */

import { sql, type SqlFragment } from '../../sql';
import { entityMatches, iamUserOf, type IamUserRef } from '../entity';
import { readEntityCommon, type EntityOptions } from '../query-options';
import { inWindow } from '../time-window';

const param = (key: string) => sql.raw(`json_extract_scalar(requestparameters, '$.${key}')`);

/**
 * The entity's IAM write calls (every IAM call except Get*, List*, Generate* and Simulate*),
 * oldest first: eventtime, eventname, target (the user, role, group or instance profile
 * named, else the policy), policy (policy ARN or name), newaccesskeyid (the key a
 * CreateAccessKey made), errorcode, sourceipaddress.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(iamChanges({ window, entity: suspect })); // CreateUser, AttachUserPolicy, CreateAccessKey…
 */
export function iamChanges(options: EntityOptions): SqlFragment {
  const { window, table, entity } = readEntityCommon('iamChanges', options);
  return sql`SELECT
  eventtime,
  eventname,
  coalesce(
    ${param('userName')},
    ${param('roleName')},
    ${param('groupName')},
    ${param('instanceProfileName')},
    json_extract_scalar(responseelements, '$.accessKey.userName'),
    ${param('policyArn')},
    ${param('policyName')}
  ) AS target,
  coalesce(${param('policyArn')}, ${param('policyName')}) AS policy,
  json_extract_scalar(responseelements, '$.accessKey.accessKeyId') AS newaccesskeyid,
  errorcode,
  sourceipaddress
FROM ${table}
WHERE ${inWindow(window)}
  AND ${entityMatches(entity)}
  AND eventsource = 'iam.amazonaws.com'
  AND NOT regexp_like(eventname, '^(Get|List|Generate|Simulate)')
ORDER BY eventtime, eventid`;
}

/** {@link entityMatches}, or, when the entity is an IAM user, also `orForUser(user)`. */
function byEntityOrUser(entity: string | null, orForUser: (user: IamUserRef) => SqlFragment): SqlFragment {
  const user = entity === null ? undefined : iamUserOf(entity);
  return user ? sql`(${entityMatches(entity)}
    OR ${orForUser(user)})` : entityMatches(entity);
}

/**
 * A WHERE condition for the entity's console sign-ins: {@link entityMatches}, and for an IAM
 * user also the failed sign-ins CloudTrail logs without `userIdentity.arn` (account and user
 * name only). `null` matches nothing.
 *
 * @example
 * sql`SELECT eventtime, sourceipaddress FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND ${consoleSignInBy(suspect)}`;
 */
export function consoleSignInBy(entity: string | null): SqlFragment {
  return byEntityOrUser(entity, (user) => sql`(useridentity.arn IS NULL AND useridentity.type = 'IAMUser'
        AND useridentity.accountid = ${user.accountId} AND useridentity.username = ${user.userName})`);
}

/**
 * A WHERE condition for MFA device changes made by the entity or, for an IAM user, made to it
 * by anyone (the request names the user). `null` matches nothing.
 *
 * @example
 * sql`SELECT eventname FROM cloudtrail WHERE eventsource = 'iam.amazonaws.com' AND ${mfaChangeByOrFor(suspect)}`;
 */
export function mfaChangeByOrFor(entity: string | null): SqlFragment {
  return byEntityOrUser(entity, (user) => sql`(recipientaccountid = ${user.accountId} AND ${param('userName')} = ${user.userName})`);
}

/**
 * The entity's console sign-ins, oldest first: eventtime, sourceipaddress, useragent,
 * outcome (`Success` or `Failure`), mfaused (`Yes` or `No`), errormessage. For an IAM user,
 * failed sign-ins logged without an ARN are matched by account and user name.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(consoleLogins({ window, entity: 'arn:aws:iam::111122223333:user/bob' }));
 */
export function consoleLogins(options: EntityOptions): SqlFragment {
  const { window, table, entity } = readEntityCommon('consoleLogins', options);
  return sql`SELECT
  eventtime,
  sourceipaddress,
  useragent,
  json_extract_scalar(responseelements, '$.ConsoleLogin') AS outcome,
  json_extract_scalar(additionaleventdata, '$.MFAUsed') AS mfaused,
  errormessage
FROM ${table}
WHERE ${inWindow(window)}
  AND eventname = 'ConsoleLogin'
  AND ${consoleSignInBy(entity)}
ORDER BY eventtime, eventid`;
}

/** IAM calls that add, enable, remove or resynchronise an MFA device. */
export const MFA_EVENT_NAMES: readonly string[] = Object.freeze([
  'CreateVirtualMFADevice',
  'EnableMFADevice',
  'DeactivateMFADevice',
  'DeleteVirtualMFADevice',
  'ResyncMFADevice',
]);

/**
 * MFA device changes made by the entity or, for an IAM user, made to it by anyone, oldest
 * first: eventtime, eventname, actor (the caller's ARN), target (the user, or the new
 * virtual device's name), serialnumber, errorcode, sourceipaddress.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * await queryResults(mfaChanges({ window, entity: suspect }));
 */
export function mfaChanges(options: EntityOptions): SqlFragment {
  const { window, table, entity } = readEntityCommon('mfaChanges', options);
  return sql`SELECT
  eventtime,
  eventname,
  useridentity.arn AS actor,
  coalesce(${param('userName')}, ${param('virtualMFADeviceName')}) AS target,
  ${param('serialNumber')} AS serialnumber,
  errorcode,
  sourceipaddress
FROM ${table}
WHERE ${inWindow(window)}
  AND eventsource = 'iam.amazonaws.com'
  AND eventname IN (${sql.join(MFA_EVENT_NAMES)})
  AND ${mfaChangeByOrFor(entity)}
ORDER BY eventtime, eventid`;
}
