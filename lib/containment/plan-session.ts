/**
 * Containing one session of a role that others use too (a federated or Identity Center user).
 * The session name is no lock: whoever calls AssumeRole picks it, so an attacker who can still
 * assume the role picks another. The plan denies the session's source identity when it has one
 * (set once, kept through role chaining), and otherwise revokes every session of the role
 * issued before now. A deny on the name alone is planned only when asked for, and says so.
 */

import { OptionError } from '../errors';
import { makePlan, numberSteps, type ContainmentContext, type StepDraft } from './context';
import { sessionNameOf } from './identity';
import { permissionsTable } from './permissions';
import { planPermissionSetRevocation, revokeStep } from './plan-role';
import { denySessionPolicy, denySourceIdentityPolicy, policyText, REVOKE_OLDER_SESSIONS_POLICY_NAME, samePolicy } from './policies';
import { readRole, readRolePolicy } from './role-state';
import type { Json, Plan } from './types';

/** Options of {@link planSessionDeny}. */
export interface SessionDenyOptions {
  /** The session name; taken from the ARN when an assumed-role session ARN is given. */
  readonly sessionName?: string;
  /**
   * The session's source identity (CloudTrail: `userIdentity.sessionContext.sourceIdentity`).
   * When given, sessions carrying it are denied, under any session name.
   */
  readonly sourceIdentity?: string;
  /**
   * Deny only sessions issued before this time (default: none for a source identity, now for
   * the role-wide revocation). `null`: no time limit.
   */
  readonly revokeBefore?: Date | null;
  /** Deny the session name instead (weak: the caller of AssumeRole picks it). Default false. */
  readonly denySessionName?: boolean;
}

// Session names and source identities: 2-64 of letters, digits and +=,.@_- (the STS patterns).
const STS_NAME = /^[\w+=,.@-]{2,64}$/;

/** The inline policy name for one session name's deny. */
export function sessionPolicyName(sessionName: string): string {
  return `irbook-deny-session-${sessionName}`;
}

/** The inline policy name for one source identity's deny. */
export function sourceIdentityPolicyName(sourceIdentity: string): string {
  return `irbook-deny-source-${sourceIdentity}`;
}

const WHY_NOT_THE_NAME =
  'A deny on the session name is not enough: whoever calls AssumeRole chooses the name, so an attacker who can still assume the role gets a new session under another name.';

/**
 * Plan containing one session of a role. Changes nothing.
 *
 * @param role  the role's ARN or name, or the session's assumed-role ARN
 * @example
 * await planSessionDeny(context, 'arn:aws:sts::111122223333:assumed-role/PartnerFederation/erin@example.com', { sourceIdentity: 'erin@example.com' });
 */
export async function planSessionDeny(context: ContainmentContext, role: string, options: SessionDenyOptions = {}): Promise<Plan> {
  const sessionName = options.sessionName ?? sessionNameOf(role);
  for (const [option, value] of [['sessionName', sessionName], ['sourceIdentity', options.sourceIdentity]] as const) {
    if (value !== undefined && !STS_NAME.test(value)) throw new OptionError(option, value, `${option}: '${value}' cannot be one (2-64 of letters, digits and +=,.@_-)`);
  }
  if (options.denySessionName && sessionName === undefined) {
    throw new OptionError('sessionName', sessionName, 'sessionName: give the session name, or an assumed-role ARN that ends with it');
  }
  const readAt = context.now();
  const state = await readRole(context, role);
  const roleName = state.identity.name;
  if (state.identityCenter) {
    // IAM cannot edit Identity Center's roles: every older session of the permission set in this account is revoked.
    const narrower = options.sourceIdentity !== undefined ? 'sourceIdentity' : options.denySessionName ? 'denySessionName' : undefined;
    if (narrower) {
      throw new OptionError(narrower, options[narrower], `${narrower}: ${roleName} was made by IAM Identity Center, whose role IAM cannot edit; the plan can only revoke every older session of its permission set in this account. Plan without ${narrower}`);
    }
    return planPermissionSetRevocation(context, state, 'role-session', `${roleName}/${sessionName ?? 'all-sessions'}`, readAt, options.revokeBefore ?? readAt);
  }
  const roleId = state.role.RoleId;
  if (!roleId) throw new OptionError('role', role, `IAM returned no RoleId for ${roleName}`);
  const permissions = await permissionsTable(context, state.identity, state.role.PermissionsBoundary?.PermissionsBoundaryArn);
  const who = sessionName ?? options.sourceIdentity ?? 'all-sessions';

  let step: StepDraft;
  const notes: string[] = [];
  if (options.sourceIdentity !== undefined) {
    const before = options.revokeBefore ?? undefined;
    const policyName = sourceIdentityPolicyName(options.sourceIdentity);
    const wanted = denySourceIdentityPolicy(options.sourceIdentity, before);
    step = inlineDenyStep(roleName, policyName, await readRolePolicy(context, roleName, policyName), wanted, 'Deny one source identity', `deny all to sessions with aws:SourceIdentity ${options.sourceIdentity}${before ? `, issued before ${before.toISOString()}` : ', under any session name, new ones too'}`);
    notes.push(
      `Sessions carrying source identity ${options.sourceIdentity} are denied whatever their name, and through role chaining; everyone else who uses ${roleName} keeps working.`,
      'Disable the user at the identity provider too: the deny stays until this policy is removed.',
    );
  } else if (options.denySessionName && sessionName !== undefined) {
    const before = options.revokeBefore === undefined ? readAt : (options.revokeBefore ?? undefined);
    const policyName = sessionPolicyName(sessionName);
    const wanted = denySessionPolicy(roleId, sessionName, before);
    step = inlineDenyStep(roleName, policyName, await readRolePolicy(context, roleName, policyName), wanted, 'Deny one session name', `deny all to aws:userid ${roleId}:${sessionName}, sessions ${before ? `issued before ${before.toISOString()}` : 'whenever issued'}`);
    notes.push(`WEAK: ${WHY_NOT_THE_NAME} Use this only when an identity provider sets the name (SAML RoleSessionName) and the user cannot call AssumeRole themselves.`);
  } else {
    const before = options.revokeBefore ?? readAt;
    step = revokeStep(roleName, await readRolePolicy(context, roleName, REVOKE_OLDER_SESSIONS_POLICY_NAME), before);
    notes.push(
      `${WHY_NOT_THE_NAME} This session has no source identity given (sourceIdentity), so the plan revokes every session of ${roleName} issued before ${before.toISOString()}.`,
      `That cuts the role's other users too, until they get new credentials. Sessions chained from this one into other roles are not revoked by this policy: revoke those roles as well.`,
    );
  }
  return makePlan(context, readAt, {
    kind: 'role-session',
    name: `${roleName}/${who}`,
    title: `Contain session ${who} of role ${roleName}`,
    account: context.caller.account,
    target: state.arn,
    steps: numberSteps([step]),
    tables: [permissions],
    notes,
  });
}

function inlineDenyStep(roleName: string, policyName: string, existing: Json, wanted: Json, action: string, change: string): StepDraft {
  const base = { kind: 'role-inline-policy' as const, action, target: `role ${roleName}: ${policyName}`, before: { policyName, document: existing } };
  if (existing !== null && samePolicy(existing, wanted)) return { ...base, current: 'present', change: 'none: already denied' };
  return {
    ...base,
    current: existing === null ? 'absent' : 'present, with other content (kept in the audit log)',
    change,
    call: { service: 'iam', command: 'PutRolePolicy', input: { RoleName: roleName, PolicyName: policyName, PolicyDocument: policyText(wanted) } },
  };
}
