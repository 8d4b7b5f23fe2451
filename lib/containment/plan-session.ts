/**
 * Denying one session of a role: a federated or Identity Center user acting through a role
 * that others use too. `aws:userid` of a role session is `<role id>:<session name>`, so a deny
 * on exactly that value stops the one user and nobody else.
 */

import { OptionError } from '../errors';
import { makePlan, numberSteps, type ContainmentContext, type StepDraft } from './context';
import { sessionNameOf } from './identity';
import { permissionsTable } from './permissions';
import { denySessionPolicy, policyText, samePolicy } from './policies';
import { readRole, readRolePolicy } from './role-state';
import type { Plan } from './types';

/** Options of {@link planSessionDeny}. */
export interface SessionDenyOptions {
  /** The session name; taken from the ARN when an assumed-role session ARN is given. */
  readonly sessionName?: string;
  /**
   * Deny sessions of that name issued before this time (default: now), as AWS's guidance does,
   * so the user can work again once fixed at the identity provider. `null`: deny the name
   * until the policy is removed (the identity provider itself is not trusted yet).
   */
  readonly revokeBefore?: Date | null;
}

// Session names: 2-64 of letters, digits and +=,.@_- (the STS RoleSessionName pattern).
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** The inline policy name for one session's deny. */
export function sessionPolicyName(sessionName: string): string {
  return `irbook-deny-session-${sessionName}`;
}

/**
 * Plan denying one session name on a role. Changes nothing.
 *
 * @param role  the role's ARN or name, or the session's assumed-role ARN
 * @example
 * await planSessionDeny(context, 'arn:aws:sts::111122223333:assumed-role/PartnerFederation/erin@example.com');
 */
export async function planSessionDeny(context: ContainmentContext, role: string, options: SessionDenyOptions = {}): Promise<Plan> {
  const sessionName = options.sessionName ?? sessionNameOf(role);
  if (sessionName === undefined) throw new OptionError('sessionName', sessionName, 'sessionName: give the session name, or an assumed-role ARN that ends with it');
  if (!SESSION_NAME.test(sessionName)) {
    throw new OptionError('sessionName', sessionName, `sessionName: '${sessionName}' cannot be a role session name (2-64 of letters, digits and +=,.@_-)`);
  }
  const readAt = context.now();
  const before = options.revokeBefore === undefined ? readAt : options.revokeBefore;
  const state = await readRole(context, role);
  const roleName = state.identity.name;
  const roleId = state.role.RoleId;
  if (!roleId) throw new OptionError('role', role, `IAM returned no RoleId for ${roleName}`);
  const policyName = sessionPolicyName(sessionName);
  const existing = await readRolePolicy(context, roleName, policyName);
  const wanted = denySessionPolicy(roleId, sessionName, before ?? undefined);
  const permissions = await permissionsTable(context, state.identity, state.role.PermissionsBoundary?.PermissionsBoundaryArn);

  const when = before ? `issued before ${before.toISOString()}` : 'whenever issued';
  const base = { kind: 'role-inline-policy' as const, action: 'Deny one session name', target: `role ${roleName}: ${policyName}`, before: { policyName, document: existing } };
  let step: StepDraft;
  if (existing !== null && samePolicy(existing, wanted)) {
    step = { ...base, current: 'present', change: 'none: this session is already denied' };
  } else {
    step = {
      ...base,
      current: existing === null ? 'absent' : 'present, with other content (kept in the audit log)',
      change: `deny all to aws:userid ${roleId}:${sessionName}, sessions ${when}`,
      call: { service: 'iam', command: 'PutRolePolicy', input: { RoleName: roleName, PolicyName: policyName, PolicyDocument: policyText(wanted) } },
    };
  }
  const notes = [
    `Only ${sessionName} is denied; everyone else who uses ${roleName} keeps working.`,
    before
      ? `A new session of ${sessionName} issued after ${before.toISOString()} is allowed: disable the user at the identity provider first, or plan again with revokeBefore: null.`
      : `${sessionName} is denied until the policy is removed, new sessions too.`,
  ];
  return makePlan(context, readAt, {
    kind: 'role-session',
    name: `${roleName}/${sessionName}`,
    title: `Deny session ${sessionName} of role ${roleName}`,
    account: context.caller.account,
    target: state.arn,
    steps: numberSteps([step]),
    tables: [permissions],
    notes,
  });
}
