/**
 * The roles a user assumed: their sessions outlive the user's containment (a deny on the user
 * does not reach a role session it already holds), so the user plan lists them, from CloudTrail
 * when a query engine is at hand, and says how to revoke each.
 */

import type { Engine } from '../engines/engine';
import { inWindow, type TimeWindowInput } from '../playbooks/time-window';
import { sql, type SqlFragment } from '../sql';
import type { PlanTable } from './types';

/** One role the user assumed, and where that is known from. */
export interface AssumedRole {
  readonly roleArn: string;
  /** 'CloudTrail: 3 AssumeRole calls, 2024-03-19T06:10:00Z to …', or 'given'. */
  readonly source: string;
}

// What AssumeRole's roleArn can be; anything else in a log is not a role to plan for.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * The user's successful AssumeRole calls in the window, by role. The user's ARN is bound as a
 * parameter, never pasted into the text.
 *
 * @example
 * await queryResults(assumedRolesQuery('arn:aws:iam::111122223333:user/ci-deployer', window));
 */
export function assumedRolesQuery(userArn: string, window: TimeWindowInput): SqlFragment {
  return sql`SELECT json_extract_scalar(requestparameters, '$.roleArn') AS rolearn,
       count(*) AS calls, min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM cloudtrail
WHERE ${inWindow(window)}
  AND eventsource = 'sts.amazonaws.com'
  AND eventname = 'AssumeRole'
  AND errorcode IS NULL
  AND useridentity.arn = ${userArn}
GROUP BY 1
ORDER BY first_seen, rolearn`;
}

/** Run {@link assumedRolesQuery} and keep the rows that name a role. */
export async function findAssumedRoles(engine: Engine, userArn: string, window: TimeWindowInput): Promise<AssumedRole[]> {
  const result = await engine.query(assumedRolesQuery(userArn, window));
  const roles: AssumedRole[] = [];
  for (const row of result.toRecords()) {
    const roleArn = String(row.rolearn ?? '');
    if (!ROLE_ARN.test(roleArn)) continue;
    roles.push({ roleArn, source: `CloudTrail: ${String(row.calls)} AssumeRole call(s), ${when(row.first_seen)} to ${when(row.last_seen)}` });
  }
  return roles;
}

function when(value: unknown): string {
  return value instanceof Date ? value.toISOString().replace('.000Z', 'Z') : String(value);
}

/** The roles, each with the call that revokes its older sessions. */
export function assumedRolesTable(userName: string, roles: readonly AssumedRole[]): PlanTable {
  return {
    title: `Roles ${userName} assumed in the window: their sessions are not ended by this plan`,
    columns: ['role', 'seen in', 'to revoke its sessions'],
    rows: roles.map((role) => [role.roleArn, role.source, `await ir.planRole('${role.roleArn}', { revokeBefore: containmentTime })`]),
  };
}

/** Roles given and found, each once, CloudTrail's account first. */
export function mergeAssumedRoles(found: readonly AssumedRole[], given: readonly string[]): AssumedRole[] {
  const merged = new Map(found.map((role) => [role.roleArn, role]));
  for (const roleArn of given) if (!merged.has(roleArn)) merged.set(roleArn, { roleArn, source: 'given (assumedRoles)' });
  return [...merged.values()];
}
