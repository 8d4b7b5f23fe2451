/**
 * Who made a call, as the playbook names it. An IAM user or the root user is its ARN. A role
 * session (`arn:aws:sts::…:assumed-role/Role/session`: instance credentials, SSO, federation)
 * is the role, `useridentity.sessioncontext.sessionissuer.arn`, and its session name is kept
 * beside it. The article's `useridentity.arn LIKE '%iam%'` misses role sessions, whose ARNs
 * are `sts` ARNs; stolen instance credentials are one.
 */

import { sql, type SqlFragment } from '../sql';

/**
 * The entity of a record: the session's issuer (a role, or the IAM user behind a federated
 * user), else `useridentity.arn`. NULL for AWS services and SAML/web-identity callers.
 *
 * @example
 * sql`SELECT ${ENTITY} AS entity, count(*) AS n FROM cloudtrail GROUP BY 1`;
 */
export const ENTITY: SqlFragment = sql`coalesce(useridentity.sessioncontext.sessionissuer.arn, useridentity.arn)`;

/**
 * The session name of a role or federated session (the last part of its ARN), NULL for
 * IAM users and root.
 *
 * @example
 * sql`SELECT ${SESSION_NAME} AS sessionname FROM cloudtrail`;
 */
export const SESSION_NAME: SqlFragment = sql`CASE WHEN useridentity.sessioncontext.sessionissuer.arn IS NOT NULL THEN element_at(split(useridentity.arn, '/'), -1) END`;

/**
 * A WHERE condition: the call was made by the entity: a user or root by its ARN (with any
 * federated-user sessions a user issued), a role through any of its sessions, or one session
 * by its `assumed-role` ARN. Values bound; `%` and `_` are plain characters here. `null` (no
 * suspect: nothing failed in the window) matches nothing, so the cells after 2.3 run and
 * show no rows instead of failing.
 *
 * @example
 * sql`SELECT eventname FROM cloudtrail WHERE ${inWindow(window)} AND ${entityMatches(suspect)}`;
 */
export function entityMatches(entity: string | null): SqlFragment {
  if (entity === null) return NO_ENTITY;
  return sql`(useridentity.arn = ${entity} OR useridentity.sessioncontext.sessionissuer.arn = ${entity})`.limitedTo({ entities: [entity] });
}

/** What an entity condition becomes when there is no entity. */
export const NO_ENTITY: SqlFragment = sql`(1 = 0)`.limitedTo({ entities: [] });

/**
 * A WHERE condition: the call was made by any of the entities (see {@link entityMatches});
 * an empty list matches nothing.
 *
 * @example
 * sql`SELECT … WHERE ${inWindow(window)} AND ${entityIn(top.column('entity').map(String))}`;
 */
export function entityIn(entities: readonly string[]): SqlFragment {
  if (entities.length === 0) return NO_ENTITY;
  const list = sql.join([...entities]);
  return sql`(useridentity.arn IN (${list}) OR useridentity.sessioncontext.sessionissuer.arn IN (${list}))`.limitedTo({ entities: [...entities] });
}

/** An IAM user ARN's account and user name (the name is the last part of the path). */
export interface IamUserRef {
  readonly accountId: string;
  readonly userName: string;
}

const IAM_USER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):user\/(?:[^/]*\/)*([^/]+)$/;

/**
 * The account and user name of an IAM user ARN; undefined for any other entity.
 *
 * @example
 * iamUserOf('arn:aws:iam::111122223333:user/ops/ci-deployer'); // { accountId: '111122223333', userName: 'ci-deployer' }
 */
export function iamUserOf(entity: string): IamUserRef | undefined {
  const m = IAM_USER_ARN.exec(entity);
  return m ? { accountId: m[1]!, userName: m[2]! } : undefined;
}
