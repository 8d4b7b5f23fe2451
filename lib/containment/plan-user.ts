/**
 * Containing an IAM user: deny everything with an inline policy, deactivate its access keys,
 * delete its console password. The plan lists its MFA devices and the keys created during the
 * incident window, and what it may do, so the analyst can judge before acting.
 */

import type { AccessKeyMetadata } from '@aws-sdk/client-iam';
import type { Engine } from '../engines/engine';
import { assumedRolesTable, findAssumedRoles, mergeAssumedRoles } from './assumed-roles';
import { OptionError } from '../errors';
import { TargetStateError } from './errors';
import { IAM_NOT_FOUND, readOptional } from './calls';
import { makePlan, numberSteps, type ContainmentContext, type StepDraft } from './context';
import { partitionOf, refuseOtherAccount, refuseOwnPrincipal } from './guards';
import { parseIdentity } from './identity';
import { everyPage } from './pages';
import { permissionsTable } from './permissions';
import { DENY_ALL_POLICY_NAME, decodePolicyDocument, denyAllPolicy, policyText, samePolicy } from './policies';
import type { Json, Plan, PlanTable } from './types';

/** The changes a user plan can make, in the order they run. */
export type UserStep = 'deny-all' | 'deactivate-keys' | 'delete-login-profile' | 'deactivate-mfa';

/** The steps in run order; `deactivate-mfa` only when asked for (it cannot be undone by API). */
const ALL_STEPS: readonly UserStep[] = ['deny-all', 'deactivate-keys', 'delete-login-profile', 'deactivate-mfa'];
const DEFAULT_STEPS: readonly UserStep[] = ['deny-all', 'deactivate-keys', 'delete-login-profile'];

/** Options of {@link planUserContainment}. */
export interface UserContainmentOptions {
  /** Which changes to plan. Default all three. */
  readonly steps?: readonly UserStep[];
  /**
   * Deactivate only these keys (the ones seen in the investigation), and any key created during
   * `window` (an attacker's new key may not have been used yet). Default: all the user's keys.
   */
  readonly keys?: readonly string[];
  /** The incident window: keys and MFA devices created in it are flagged. */
  readonly window?: { readonly start: Date; readonly end: Date };
  /**
   * How to deny everything: `'managed'` (default) attaches AWS's `AWSDenyAll` policy, which uses
   * none of the user's 2,048-character inline quota; `'inline'` writes `irbook-deny-all`.
   * The plan falls back to inline when the user already has the default maximum of 10 managed
   * policies, and refuses an inline policy that would not fit the quota.
   */
  readonly denyAll?: 'managed' | 'inline';
  /**
   * Roles the user assumed during the window (their ARNs, e.g. from CloudTrail's AssumeRole
   * events for the user). Their sessions outlive the user's containment: the plan lists them
   * and says how to revoke each.
   */
  readonly assumedRoles?: readonly string[];
  /**
   * A query engine over the account's CloudTrail: with `window`, the plan finds the roles the
   * user assumed in it (AssumeRole calls made as the user) and lists them with `assumedRoles`.
   * `ir.planUser` passes the notebook's configured engine.
   */
  readonly cloudTrail?: Engine;
}

/** IAM's default quotas: managed policies attached to a user, and characters of all its inline policies together. */
export const MANAGED_POLICIES_PER_USER = 10;
export const INLINE_USER_POLICY_CHARACTERS = 2048;

/**
 * Plan the containment of an IAM user, from its current state. Changes nothing.
 *
 * Deny-all runs first: it also stops sessions made from the user's keys with GetSessionToken,
 * which deactivating the keys does not end.
 *
 * @param user  the user's ARN or name
 * @example
 * const plan = await planUserContainment(context, 'arn:aws:iam::111122223333:user/ci-deployer', { keys: ['AKIA…'] });
 */
export async function planUserContainment(context: ContainmentContext, user: string, options: UserContainmentOptions = {}): Promise<Plan> {
  const identity = parseIdentity(user, 'user');
  const wanted = checkSteps(options.steps);
  if (identity.account) refuseOtherAccount(context.caller, identity.account, user);
  refuseOwnPrincipal(context.caller, identity);
  const iam = await import('@aws-sdk/client-iam');
  const client = context.clients.iam;
  const readAt = context.now();
  const userName = identity.name;

  const got = await readOptional(() => client.send(new iam.GetUserCommand({ UserName: userName })), ...IAM_NOT_FOUND);
  if (!got?.User) throw new OptionError('user', user, `no IAM user '${userName}' in account ${context.caller.account}`);
  const arn = got.User.Arn ?? `arn:aws:iam::${context.caller.account}:user/${userName}`;

  const keys = await everyPage(iam.paginateListAccessKeys({ client }, { UserName: userName }), (page) => page.AccessKeyMetadata);
  const lastUsed = new Map<string, string>();
  for (const key of keys) {
    if (!key.AccessKeyId) continue;
    const used = await client.send(new iam.GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }));
    const last = used?.AccessKeyLastUsed;
    lastUsed.set(key.AccessKeyId, last?.LastUsedDate ? `${iso(last.LastUsedDate)} (${last.ServiceName ?? '?'}, ${last.Region ?? '?'})` : 'never');
  }
  const permissions = await permissionsTable(context, identity, got.User.PermissionsBoundary?.PermissionsBoundaryArn);
  // The user's own managed policies, as the permissions table read them.
  const attached = permissions.rows.filter((row) => row[0] === 'user' && row[2] === 'managed').map((row) => row[1] as string);
  const denyAllArn = `arn:${partitionOf(context.caller)}:iam::aws:policy/AWSDenyAll`;
  const managed = (options.denyAll ?? 'managed') === 'managed' && (attached.length < MANAGED_POLICIES_PER_USER || attached.includes(denyAllArn));
  const denyPolicy = wanted.includes('deny-all') && !managed
    ? await readOptional(
        () => client.send(new iam.GetUserPolicyCommand({ UserName: userName, PolicyName: DENY_ALL_POLICY_NAME })), ...IAM_NOT_FOUND)
    : undefined;
  const loginProfile = wanted.includes('delete-login-profile')
    ? await readOptional(() => client.send(new iam.GetLoginProfileCommand({ UserName: userName })), ...IAM_NOT_FOUND)
    : undefined;
  const devices = await everyPage(iam.paginateListMFADevices({ client }, { UserName: userName }), (page) => page.MFADevices);

  const seen = options.keys ? new Set(options.keys) : undefined;
  const inWindow = (date: Date | undefined): boolean =>
    Boolean(date && options.window && date >= options.window.start && date <= options.window.end);
  const notes: string[] = [];
  const steps: StepDraft[] = [];

  if (wanted.includes('deny-all') && managed) {
    steps.push(managedDenyStep(userName, denyAllArn, attached.includes(denyAllArn)));
  } else if (wanted.includes('deny-all')) {
    const existing = denyPolicy ? decodePolicyDocument(denyPolicy.PolicyDocument) : null;
    if (options.denyAll !== 'inline') notes.push(`${userName} already has ${attached.length} managed policies (the default quota is ${MANAGED_POLICIES_PER_USER}): the deny is an inline policy instead of AWSDenyAll.`);
    await checkInlineQuota(context, userName, existing);
    steps.push(denyAllStep(userName, existing));
  }
  if (wanted.includes('deactivate-keys')) {
    const chosen = (key: AccessKeyMetadata): boolean => !seen || seen.has(key.AccessKeyId ?? '') || inWindow(key.CreateDate);
    for (const key of keys.filter(chosen)) {
      steps.push(keyStep(userName, key, lastUsed.get(key.AccessKeyId ?? '') ?? 'never', inWindow(key.CreateDate)));
    }
    const added = keys.filter((k) => seen && !seen.has(k.AccessKeyId ?? '') && inWindow(k.CreateDate)).map((k) => k.AccessKeyId);
    if (added.length > 0) notes.push(`Also planned, though not seen in the investigation: ${added.join(', ')}, created during the incident window.`);
    const left = keys.filter((k) => !chosen(k) && k.Status === 'Active').map((k) => k.AccessKeyId);
    if (left.length > 0) notes.push(`Left active (not seen in the investigation): ${left.join(', ')}. Add them to keys to deactivate them too.`);
    const unknown = [...(seen ?? [])].filter((id) => !keys.some((k) => k.AccessKeyId === id));
    if (unknown.length > 0) notes.push(`Seen in CloudTrail but not a key of ${userName} now: ${unknown.join(', ')} (deleted since, or another identity's key).`);
    if (keys.length === 0) notes.push(`${userName} has no access keys.`);
    notes.push('Deactivating a key does not end sessions already made from it with GetSessionToken (up to 36 h): the deny-all policy does.');
  }
  if (wanted.includes('delete-login-profile')) steps.push(loginProfileStep(userName, loginProfile?.LoginProfile));

  const tables: PlanTable[] = [
    {
      title: `Access keys of ${userName}`,
      columns: ['access key', 'status', 'created', 'last used', 'seen in investigation', 'created in incident window'],
      rows: keys.map((k) => [
        k.AccessKeyId ?? '',
        k.Status ?? '',
        k.CreateDate ? iso(k.CreateDate) : '',
        lastUsed.get(k.AccessKeyId ?? '') ?? '',
        seen ? (seen.has(k.AccessKeyId ?? '') ? 'yes' : 'no') : '(not given)',
        inWindow(k.CreateDate) ? 'YES' : '',
      ]),
    },
    {
      title: `MFA devices of ${userName}`,
      columns: ['serial', 'enabled', 'enabled in incident window'],
      rows: devices.map((d) => [d.SerialNumber ?? '', d.EnableDate ? iso(d.EnableDate) : '', inWindow(d.EnableDate) ? 'YES' : '']),
    },
    permissions,
  ];
  if (wanted.includes('deactivate-mfa')) {
    for (const device of devices) steps.push(mfaStep(userName, device.SerialNumber ?? '', device.EnableDate, inWindow(device.EnableDate)));
    if (devices.length === 0) notes.push(`${userName} has no MFA device.`);
  }
  const searched = options.cloudTrail !== undefined && options.window !== undefined;
  const found = searched ? await findAssumedRoles(options.cloudTrail as Engine, arn, options.window as { start: Date; end: Date }) : [];
  const assumed = mergeAssumedRoles(found, options.assumedRoles ?? []);
  if (assumed.length > 0) {
    tables.push(assumedRolesTable(userName, assumed));
    notes.push(
      `${userName} assumed ${assumed.length} role(s) in the window${searched ? ' (CloudTrail, and any given)' : ''}. Containing the user does not end those role sessions (up to 12 h), nor sessions chained from them into other roles: revoke each role's older sessions (the command is in the table), then look for AssumeRole calls made from those sessions.`,
    );
  } else if (searched) {
    notes.push(`CloudTrail shows no AssumeRole call by ${userName} in the window. Calls outside the window, or in accounts and regions the engine does not read, are not covered.`);
  } else {
    notes.push(`Containing ${userName} does not end role sessions it already assumed: give a window with a query engine (ir.planUser does, once the engine is configured), or pass the roles as assumedRoles, or revoke their sessions with planRole.`);
  }
  if (devices.some((d) => inWindow(d.EnableDate))) {
    notes.push(
      wanted.includes('deactivate-mfa')
        ? 'An MFA device was enabled during the incident window: the attacker may have registered it.'
        : "An MFA device was enabled during the incident window: the attacker may have registered it. It is listed, not deactivated: add 'deactivate-mfa' to steps to deactivate the user's devices.",
    );
  }
  return makePlan(context, readAt, {
    kind: 'iam-user',
    name: userName,
    title: `Contain IAM user ${userName}`,
    account: context.caller.account,
    target: arn,
    steps: numberSteps(steps),
    tables,
    notes,
  });
}

function checkSteps(steps: readonly UserStep[] | undefined): readonly UserStep[] {
  if (steps === undefined) return DEFAULT_STEPS;
  for (const step of steps) {
    if (!ALL_STEPS.includes(step)) throw new OptionError('steps', step, `steps: '${String(step)}' is not one of ${ALL_STEPS.join(', ')}`);
  }
  if (steps.length === 0) throw new OptionError('steps', steps, 'steps: name at least one of ' + ALL_STEPS.join(', '));
  return ALL_STEPS.filter((s) => steps.includes(s));
}

function managedDenyStep(userName: string, policyArn: string, attachedNow: boolean): StepDraft {
  const base = { kind: 'user-managed-deny-all' as const, action: 'Attach AWSDenyAll', target: `user ${userName}: AWSDenyAll`, before: { policyArn, attached: attachedNow } };
  if (attachedNow) return { ...base, current: 'attached', change: 'none: already denies everything' };
  return {
    ...base,
    current: 'not attached',
    change: "attach AWS's managed AWSDenyAll: deny every action (no inline quota used)",
    call: { service: 'iam', command: 'AttachUserPolicy', input: { UserName: userName, PolicyArn: policyArn } },
  };
}

/**
 * A user's inline policies share one quota of 2,048 characters (whitespace not counted):
 * refuse a deny that would not fit, rather than fail half-way through apply.
 */
async function checkInlineQuota(context: ContainmentContext, userName: string, existing: Json): Promise<void> {
  const iam = await import('@aws-sdk/client-iam');
  const client = context.clients.iam;
  const size = (document: Json): number => JSON.stringify(document).replace(/\s/g, '').length;
  let used = 0;
  for (const name of await everyPage(iam.paginateListUserPolicies({ client }, { UserName: userName }), (page) => page.PolicyNames)) {
    if (name === DENY_ALL_POLICY_NAME) continue;
    const got = await client.send(new iam.GetUserPolicyCommand({ UserName: userName, PolicyName: name }));
    used += size(decodePolicyDocument(got?.PolicyDocument)) + name.length;
  }
  const needed = size(denyAllPolicy()) + DENY_ALL_POLICY_NAME.length;
  if (existing === null && used + needed > INLINE_USER_POLICY_CHARACTERS) {
    throw new TargetStateError(
      `user ${userName}`,
      `its inline policies use ${used} of ${INLINE_USER_POLICY_CHARACTERS} characters, and the deny needs ${needed}: PutUserPolicy would fail. Plan with denyAll: 'managed' after detaching a managed policy, or delete an inline policy first`,
    );
  }
}

function denyAllStep(userName: string, existing: Json): StepDraft {
  const wanted = denyAllPolicy();
  const base = {
    kind: 'user-deny-all' as const,
    action: 'Attach deny-all inline policy',
    target: `user ${userName}: ${DENY_ALL_POLICY_NAME}`,
    before: { policyName: DENY_ALL_POLICY_NAME, document: existing },
  };
  if (existing !== null && samePolicy(existing, wanted)) return { ...base, current: 'present', change: 'none: already denies everything' };
  return {
    ...base,
    current: existing === null ? 'absent' : 'present, with other content (kept in the audit log)',
    change: 'deny every action on every resource',
    call: { service: 'iam', command: 'PutUserPolicy', input: { UserName: userName, PolicyName: DENY_ALL_POLICY_NAME, PolicyDocument: policyText(wanted) } },
  };
}

function mfaStep(userName: string, serialNumber: string, enabled: Date | undefined, inWindow: boolean): StepDraft {
  const when = enabled ? iso(enabled) : '?';
  return {
    kind: 'user-mfa-device',
    action: 'Deactivate MFA device',
    target: `${serialNumber} of user ${userName}`,
    current: `enabled ${when}${inWindow ? ' (during the incident window)' : ''}`,
    change: 'deactivate it (its serial is kept in the audit log)',
    before: { serialNumber, enabled: when },
    call: { service: 'iam', command: 'DeactivateMFADevice', input: { UserName: userName, SerialNumber: serialNumber } },
  };
}

function keyStep(userName: string, key: AccessKeyMetadata, lastUsed: string, createdInWindow: boolean): StepDraft {
  const id = key.AccessKeyId ?? '';
  const status = key.Status ?? 'unknown';
  const created = key.CreateDate ? iso(key.CreateDate) : '?';
  const current = `${status}; created ${created}${createdInWindow ? ' (during the incident window)' : ''}; last used ${lastUsed}`;
  const before = { accessKeyId: id, status, created, lastUsed };
  const base = { kind: 'user-access-key' as const, action: 'Deactivate access key', target: `${id} of user ${userName}`, current, before };
  if (status !== 'Active') return { ...base, change: 'none: already inactive' };
  return { ...base, change: 'Inactive', call: { service: 'iam', command: 'UpdateAccessKey', input: { UserName: userName, AccessKeyId: id, Status: 'Inactive' } } };
}

function loginProfileStep(userName: string, profile: { CreateDate?: Date; PasswordResetRequired?: boolean } | undefined): StepDraft {
  const base = { kind: 'user-login-profile' as const, action: 'Delete console password', target: `user ${userName}` };
  if (!profile) return { ...base, current: 'no console password', change: 'none: cannot sign in to the console', before: null };
  const created = profile.CreateDate ? iso(profile.CreateDate) : '?';
  return {
    ...base,
    current: `console password set ${created}${profile.PasswordResetRequired ? ' (reset required)' : ''}`,
    change: 'delete the login profile',
    before: { loginProfile: true, created, passwordResetRequired: profile.PasswordResetRequired ?? false },
    call: { service: 'iam', command: 'DeleteLoginProfile', input: { UserName: userName } },
  };
}

function iso(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
