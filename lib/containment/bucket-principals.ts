/**
 * Who a bucket lock-down cuts off, read from the bucket policy's Allow statements, and which of
 * those statements are public (S3 rejects a policy that keeps one while BlockPublicPolicy is on,
 * for the bucket or the whole account).
 */

import type { Json, PlanTable } from './types';

type JsonObject = { readonly [key: string]: Json };

/** S3's limit on a bucket policy's size. */
export const BUCKET_POLICY_MAX_BYTES = 20 * 1024;

const list = (value: Json | undefined): Json[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** The principals a statement names, as `type: value` (`AWS: arn:…`, `*`). */
function principals(statement: JsonObject): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) return [];
  return Object.entries(principal).flatMap(([type, values]) => list(values).map((v) => (v === '*' ? '*' : `${type}: ${String(v)}`)));
}

/** Conditions that keep an Allow to one account or network: such a statement is not public. */
const LIMITING_KEYS = /^(aws:(PrincipalAccount|PrincipalOrgID|PrincipalArn|SourceVpc|SourceVpce|SourceAccount|SourceArn|SourceOwner|SourceIp|userid|PrincipalOrgPaths)|s3:DataAccessPointAccount)$/i;

/** Whether S3 would call this statement public: an Allow to everyone with no condition that limits who. */
export function isPublicStatement(statement: JsonObject): boolean {
  if (statement.Effect !== 'Allow' || !principals(statement).includes('*')) return false;
  const condition = statement.Condition;
  const keys = condition !== null && typeof condition === 'object' && !Array.isArray(condition) ? Object.values(condition).flatMap((entries) => (entries && typeof entries === 'object' && !Array.isArray(entries) ? Object.keys(entries) : [])) : [];
  return !keys.some((key) => LIMITING_KEYS.test(key));
}

/**
 * The principals outside `account` that Allow statements name: the deny cuts them off. AWS
 * service principals are not cut off (the deny exempts them).
 */
export function cutOffTable(statements: readonly JsonObject[], account: string): PlanTable {
  const rows: string[][] = [];
  for (const [index, statement] of statements.entries()) {
    if (statement.Effect !== 'Allow') continue;
    const sid = typeof statement.Sid === 'string' ? statement.Sid : `statement ${index + 1}`;
    for (const principal of principals(statement)) {
      if (principal.startsWith('Service: ')) continue;
      const owner = /(?:^AWS: |:iam::)(\d{12})\b/.exec(principal)?.[1];
      if (principal === '*') rows.push([principal, sid, isPublicStatement(statement) ? 'anyone (public): the statement is removed' : 'anyone outside the account, within its conditions']);
      else if (owner !== undefined && owner !== account) rows.push([principal, sid, `account ${owner}`]);
      else if (principal.startsWith('Federated: ') || principal.startsWith('CanonicalUser: ')) rows.push([principal, sid, 'not an IAM principal of this account']);
    }
  }
  return { title: 'Principals this lock-down cuts off (from the bucket policy)', columns: ['principal', 'statement', 'why'], rows };
}
