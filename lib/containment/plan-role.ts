/**
 * Revoking a role's sessions: deny everything to credentials issued before a time, as the IAM
 * console's "Revoke active sessions" does, and optionally replace the trust policy after
 * saving the old one. Sessions issued later still work, so the role's legitimate users can
 * get new credentials once the way in is closed.
 */

import { OptionError } from '../errors';
import { makePlan, numberSteps, type ContainmentContext, type StepDraft } from './context';
import { permissionsTable } from './permissions';
import { decodePolicyDocument, policyText, REVOKE_OLDER_SESSIONS_POLICY_NAME, revokeOlderSessionsPolicy, samePolicy } from './policies';
import { readRole, readRolePolicy, type RoleState } from './role-state';
import { permissionSetNotes, permissionSetSteps, readPermissionSet } from './identity-center';
import type { Json, Plan } from './types';

/** Options of {@link planRoleRevocation}. */
export interface RoleRevocationOptions {
  /** Deny sessions issued before this time. Default: now (the context's clock). */
  readonly revokeBefore?: Date;
  /**
   * Also replace the trust policy, so nobody can assume the role: `'deny-all'`, or a policy
   * document of your own. The old one is kept in the plan and the audit log for undo.
   */
  readonly trustPolicy?: 'deny-all' | Json;
}

/** A trust policy that lets nobody assume the role, by any of the assume APIs. */
export function denyAllTrustPolicy(): Json {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'IrbookContainmentNoAssume',
        Effect: 'Deny',
        Principal: '*',
        Action: ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
      },
    ],
  };
}

/**
 * Plan revoking a role's active sessions. Changes nothing.
 *
 * @param role  the role's ARN, name, or an assumed-role session ARN (its role)
 * @example
 * const plan = await planRoleRevocation(context, 'arn:aws:iam::111122223333:role/WebAppInstanceRole', { revokeBefore: containmentTime });
 */
export async function planRoleRevocation(context: ContainmentContext, role: string, options: RoleRevocationOptions = {}): Promise<Plan> {
  const readAt = context.now();
  const before = options.revokeBefore ?? readAt;
  if (!(before instanceof Date) || Number.isNaN(before.getTime())) throw new OptionError('revokeBefore', before, 'revokeBefore: give a valid Date');
  const state = await readRole(context, role);
  if (state.identityCenter) {
    if (options.trustPolicy !== undefined) throw new OptionError('trustPolicy', options.trustPolicy, `trustPolicy: ${state.identity.name} was made by IAM Identity Center, whose trust policy IAM cannot change; plan without it`);
    return planPermissionSetRevocation(context, state, 'iam-role', state.identity.name, readAt, before);
  }
  const roleName = state.identity.name;
  const existing = await readRolePolicy(context, roleName, REVOKE_OLDER_SESSIONS_POLICY_NAME);
  const permissions = await permissionsTable(context, state.identity, state.role.PermissionsBoundary?.PermissionsBoundaryArn);

  const steps: StepDraft[] = [revokeStep(roleName, existing, before)];
  if (options.trustPolicy !== undefined) {
    const wanted = options.trustPolicy === 'deny-all' ? denyAllTrustPolicy() : options.trustPolicy;
    steps.push(trustStep(roleName, decodePolicyDocument(state.role.AssumeRolePolicyDocument), wanted));
  }
  const lastUsed = state.role.RoleLastUsed?.LastUsedDate;
  const notes = [
    `Every session of ${roleName} issued before ${before.toISOString()} is denied, legitimate ones too (for an instance role: every instance using it, until EC2 hands it new credentials). Close the way in first (for an instance role: require IMDSv2, patch the SSRF), or the attacker just gets new credentials.`,
    'Policy changes can take a few minutes to reach every region.',
  ];
  return makePlan(context, readAt, {
    kind: 'iam-role',
    name: roleName,
    title: `Revoke active sessions of role ${roleName}`,
    account: context.caller.account,
    target: state.arn,
    steps: numberSteps(steps),
    tables: [
      {
        title: `Role ${roleName}`,
        columns: ['field', 'value'],
        rows: [
          ['ARN', state.arn],
          ['created', state.role.CreateDate?.toISOString() ?? ''],
          ['last used', lastUsed ? `${lastUsed.toISOString()} (${state.role.RoleLastUsed?.Region ?? '?'})` : 'never'],
          ['max session', `${(state.role.MaxSessionDuration ?? 3600) / 3600} h`],
          ['trust policy', policyText(decodePolicyDocument(state.role.AssumeRolePolicyDocument))],
        ],
      },
      permissions,
    ],
    notes,
  });
}

/**
 * Revoking the sessions of a role IAM Identity Center made: the deny goes into its permission
 * set's inline policy, provisioned to the role's account.
 */
export async function planPermissionSetRevocation(context: ContainmentContext, state: RoleState, kind: 'iam-role' | 'role-session', name: string, readAt: Date, before: Date): Promise<Plan> {
  const roleName = state.identity.name;
  const permissionSet = await readPermissionSet(context, roleName);
  const permissions = await permissionsTable(context, state.identity, state.role.PermissionsBoundary?.PermissionsBoundaryArn);
  const account = context.caller.account;
  return makePlan(context, readAt, {
    kind,
    name,
    title: `Revoke active sessions of ${roleName} (IAM Identity Center permission set ${permissionSet.name})`,
    account,
    target: state.arn,
    steps: numberSteps(permissionSetSteps(permissionSet, account, before)),
    tables: [
      {
        title: `Permission set ${permissionSet.name}`,
        columns: ['field', 'value'],
        rows: [
          ['ARN', permissionSet.permissionSetArn],
          ['Identity Center instance', permissionSet.instanceArn],
          ['role in this account', state.arn],
          ['inline policy now', permissionSet.inlinePolicy === null ? 'none' : policyText(permissionSet.inlinePolicy)],
        ],
      },
      permissions,
    ],
    notes: permissionSetNotes(permissionSet, roleName, account, before),
  });
}

/** The AWSRevokeOlderSessions step: deny everything to sessions of the role issued before `before`. */
export function revokeStep(roleName: string, existing: Json, before: Date): StepDraft {
  const wanted = revokeOlderSessionsPolicy(before);
  const base = {
    kind: 'role-inline-policy' as const,
    action: 'Revoke sessions issued before a time',
    target: `role ${roleName}: ${REVOKE_OLDER_SESSIONS_POLICY_NAME}`,
    before: { policyName: REVOKE_OLDER_SESSIONS_POLICY_NAME, document: existing },
  };
  const existingTime = revokedBefore(existing);
  const current = existing === null ? 'no revocation policy' : `revokes sessions issued before ${existingTime ?? '(unreadable time)'}`;
  if (existing !== null && (samePolicy(existing, wanted) || (existingTime !== undefined && Date.parse(existingTime) >= before.getTime()))) {
    return { ...base, current, change: `none: sessions issued before ${existingTime ?? before.toISOString()} are already denied` };
  }
  return {
    ...base,
    current,
    change: `deny all to sessions issued before ${before.toISOString()}`,
    call: { service: 'iam', command: 'PutRolePolicy', input: { RoleName: roleName, PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME, PolicyDocument: policyText(wanted) } },
  };
}

function trustStep(roleName: string, existing: Json, wanted: Json): StepDraft {
  const base = { kind: 'role-trust-policy' as const, action: 'Replace the trust policy', target: `role ${roleName}`, before: { trustPolicy: existing } };
  if (samePolicy(existing, wanted)) return { ...base, current: 'already the wanted trust policy', change: 'none' };
  return {
    ...base,
    current: `trusts: ${principalsOf(existing)}`,
    change: 'nobody can assume the role (old policy kept in the audit log)',
    call: { service: 'iam', command: 'UpdateAssumeRolePolicy', input: { RoleName: roleName, PolicyDocument: policyText(wanted) } },
  };
}

/** The time in an AWSRevokeOlderSessions policy's condition. */
function revokedBefore(document: Json): string | undefined {
  const text = document === null ? '' : JSON.stringify(document);
  return /"aws:TokenIssueTime"\s*:\s*"([^"]+)"/.exec(text)?.[1];
}

function principalsOf(document: Json): string {
  const text = JSON.stringify(document ?? {});
  const found = [...text.matchAll(/"(?:Service|AWS|Federated)"\s*:\s*("[^"]*"|\[[^\]]*\])/g)].map((m) => m[1]);
  return found.length > 0 ? found.join(', ') : '(unreadable)';
}
