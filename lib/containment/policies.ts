/** The policy documents containment writes, and reading the ones IAM returns. */

import type { Json } from './types';

/** Name of the inline policy that denies a user everything. */
export const DENY_ALL_POLICY_NAME = 'irbook-deny-all';

/** The name the IAM console gives its "Revoke active sessions" policy; kept so both tools agree. */
export const REVOKE_OLDER_SESSIONS_POLICY_NAME = 'AWSRevokeOlderSessions';

/** Deny every action on every resource. An explicit deny wins over any allow. */
export function denyAllPolicy(): Json {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'IrbookContainmentDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
  };
}

/**
 * What the IAM console writes for "Revoke active sessions": deny everything to sessions whose
 * credentials were issued before `before`. New sessions (after the role is fixed) still work.
 */
export function revokeOlderSessionsPolicy(before: Date): Json {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': before.toISOString() } },
      },
    ],
  };
}

/**
 * Deny one session name on a role: `aws:userid` of a role session is `<role id>:<session name>`,
 * so everyone else who uses the role keeps working. With `before`, only sessions issued before
 * that time are denied, as AWS's guidance for federated users describes; without it, the name
 * is denied until the policy is removed.
 */
export function denySessionPolicy(roleId: string, sessionName: string, before: Date | undefined): Json {
  const condition: Record<string, Json> = { StringEquals: { 'aws:userid': `${roleId}:${sessionName}` } };
  if (before) condition.DateLessThan = { 'aws:TokenIssueTime': before.toISOString() };
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'IrbookContainmentDenySession', Effect: 'Deny', Action: '*', Resource: '*', Condition: condition }],
  };
}

/**
 * Deny everything to sessions carrying a source identity. Unlike the session name, the source
 * identity is set once (by the identity provider or the first AssumeRole) and persists through
 * role chaining: a new session, under any name, still carries it.
 */
export function denySourceIdentityPolicy(sourceIdentity: string, before: Date | undefined): Json {
  const condition: Record<string, Json> = { StringEquals: { 'aws:SourceIdentity': sourceIdentity } };
  if (before) condition.DateLessThan = { 'aws:TokenIssueTime': before.toISOString() };
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'IrbookContainmentDenySourceIdentity', Effect: 'Deny', Action: '*', Resource: '*', Condition: condition }],
  };
}

/** IAM returns policy documents URL-encoded (RFC 3986); this gives the JSON. */
export function decodePolicyDocument(document: string | undefined): Json {
  if (document === undefined || document === '') return null;
  let text = document;
  if (/%[0-9A-Fa-f]{2}/.test(document) && !document.trimStart().startsWith('{')) text = decodeURIComponent(document);
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

/** Whether two policy documents say the same (key order and whitespace aside). */
export function samePolicy(a: Json, b: Json): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as { readonly [key: string]: Json };
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k] as Json)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A policy document as the compact JSON string IAM and S3 take. */
export function policyText(document: Json): string {
  return JSON.stringify(document);
}
