/**
 * Sessions of IAM Identity Center's roles (`AWSReservedSSO_<permission set>_<id>`): IAM cannot
 * edit those roles, so the deny goes where Identity Center keeps their policies, the permission
 * set's inline policy, and is provisioned to the role's account. The deny is the one the IAM
 * console writes to revoke a role's sessions: everything, for sessions issued before a time.
 */

import { everyPage } from './pages';
import { GuardRefusedError, TargetNotFoundError, TargetStateError } from './errors';
import type { ContainmentContext, StepDraft } from './context';
import { decodePolicyDocument, policyText, samePolicy } from './policies';
import type { AwsCall, Json } from './types';

/** Sid of the deny statement merged into the permission set's inline policy. */
export const PERMISSION_SET_DENY_SID = 'IrbookRevokeOlderSessions';

// Identity Center names its roles AWSReservedSSO_<permission set name>_<16 hex digits>.
const SSO_ROLE = /^AWSReservedSSO_([\w+=,.@-]{1,32})_[0-9a-f]{16}$/;
export const INSTANCE_ARN = /^arn:aws[a-z-]*:sso:::instance\/(ssoins-[0-9a-f]{16})$/;
export const PERMISSION_SET_ARN = /^arn:aws[a-z-]*:sso:::permissionSet\/(ssoins-[0-9a-f]{16})\/ps-[0-9a-f]{16}$/;

/** The permission set a role of Identity Center was made for, as read before the plan. */
export interface PermissionSetState {
  readonly instanceArn: string;
  readonly permissionSetArn: string;
  readonly name: string;
  /** Its inline policy, decoded; null when it has none. */
  readonly inlinePolicy: Json;
}

/** The permission set's name in an Identity Center role's name, or undefined. */
export function permissionSetNameOf(roleName: string): string | undefined {
  return SSO_ROLE.exec(roleName)?.[1];
}

/** Whether an instance and a permission set ARN belong together. */
export function samePermissionSetInstance(instanceArn: string, permissionSetArn: string): boolean {
  const instance = INSTANCE_ARN.exec(instanceArn)?.[1];
  return instance !== undefined && PERMISSION_SET_ARN.exec(permissionSetArn)?.[1] === instance;
}

/**
 * Find the permission set of a role made by Identity Center: every instance the `sso` client
 * sees (ListInstances), every permission set of each (ListPermissionSets), the one whose name
 * the role carries (DescribePermissionSet), and its inline policy.
 *
 * @throws GuardRefusedError when the role name is not one Identity Center gives, or no instance is visible
 * @throws TargetNotFoundError when no permission set has that name
 */
export async function readPermissionSet(context: ContainmentContext, roleName: string): Promise<PermissionSetState> {
  const name = permissionSetNameOf(roleName);
  if (name === undefined) {
    throw new GuardRefusedError('identity-center-role', roleName, `refused: ${roleName} is in Identity Center's path but its name is not AWSReservedSSO_<permission set>_<id>, so its permission set cannot be found; revoke in Identity Center`);
  }
  const sso = await import('@aws-sdk/client-sso-admin');
  const client = context.clients.sso;
  const instances = await everyPage(sso.paginateListInstances({ client }, {}), (page) => page.Instances);
  if (instances.length === 0) {
    throw new GuardRefusedError(
      'identity-center-role',
      roleName,
      `refused: ${roleName} was made by IAM Identity Center, and these credentials see no Identity Center instance (ListInstances). Identity Center is run from the organization's management account or its delegated administrator: open containment with clients: { sso } using that account's credentials, or disable the user in Identity Center`,
    );
  }
  for (const instance of instances) {
    const instanceArn = instance.InstanceArn ?? '';
    const arns = await everyPage(sso.paginateListPermissionSets({ client }, { InstanceArn: instanceArn }), (page) => page.PermissionSets);
    for (const permissionSetArn of arns) {
      const described = await client.send(new sso.DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn }));
      if (described?.PermissionSet?.Name !== name) continue;
      const inline = await client.send(new sso.GetInlinePolicyForPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn }));
      return { instanceArn, permissionSetArn, name, inlinePolicy: decodePolicyDocument(inline?.InlinePolicy) };
    }
  }
  throw new TargetNotFoundError(`permission set ${name}`, `no permission set of that name in the Identity Center instance(s) ${instances.map((i) => i.InstanceArn).join(', ')} (role ${roleName})`);
}

/** The name a permission set has now, for undo's check (undefined: gone). */
export async function permissionSetNameNow(context: ContainmentContext, instanceArn: string, permissionSetArn: string): Promise<string | undefined> {
  const sso = await import('@aws-sdk/client-sso-admin');
  const described = await context.clients.sso.send(new sso.DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn }));
  return described?.PermissionSet?.Name;
}

type JsonObject = { readonly [key: string]: Json };

/** The permission set's inline policy with the deny merged in (a deny of ours from before replaced). */
export function mergedInlinePolicy(existing: Json, before: Date): Json {
  const deny: Json = { Sid: PERMISSION_SET_DENY_SID, Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': before.toISOString() } } };
  const document = existing !== null && typeof existing === 'object' && !Array.isArray(existing) ? (existing as JsonObject) : undefined;
  if (existing !== null && !document) throw new TargetStateError('permission set', 'its inline policy is not a JSON policy, so a deny cannot be merged into it; fix it in Identity Center first');
  const statements = document?.Statement;
  const kept = (Array.isArray(statements) ? statements : statements ? [statements] : []).filter((s: Json) => (s as JsonObject | null)?.Sid !== PERMISSION_SET_DENY_SID);
  return { ...(document ?? {}), Version: (document?.Version as Json) ?? '2012-10-17', Statement: [...kept, deny] };
}

/** The time in the deny already merged, if any. */
function deniedBefore(existing: Json): string | undefined {
  const text = existing === null ? '' : JSON.stringify(existing);
  const statement = new RegExp(`"Sid":"${PERMISSION_SET_DENY_SID}"[^}]*?"aws:TokenIssueTime":"([^"]+)"`).exec(text);
  return statement?.[1];
}

const ssoAdmin = (command: string, input: AwsCall['input']): AwsCall => ({ service: 'sso', command, input });

/** Reprovision a permission set to one account: how its policy change reaches the role there. */
export function provisionCall(instanceArn: string, permissionSetArn: string, account: string): AwsCall {
  return ssoAdmin('ProvisionPermissionSet', { InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, TargetType: 'AWS_ACCOUNT', TargetId: account });
}

/** Merge the deny into the permission set's inline policy, then provision it to the account. */
export function permissionSetSteps(state: PermissionSetState, account: string, before: Date): StepDraft[] {
  const wanted = mergedInlinePolicy(state.inlinePolicy, before);
  const record = { instanceArn: state.instanceArn, permissionSetArn: state.permissionSetArn, permissionSetName: state.name };
  const existingTime = deniedBefore(state.inlinePolicy);
  const current = state.inlinePolicy === null ? 'no inline policy' : existingTime ? `inline policy revokes sessions issued before ${existingTime}` : 'an inline policy (kept, the deny is added to it)';
  const inline = {
    kind: 'permission-set-inline-policy' as const,
    action: 'Revoke sessions issued before a time (permission set)',
    target: `permission set ${state.name}: inline policy`,
    current,
    before: { ...record, document: state.inlinePolicy },
  };
  const provision = {
    kind: 'permission-set-provision' as const,
    action: 'Provision the permission set',
    target: `permission set ${state.name} in account ${account}`,
    current: 'provisioned with its policy as it is now',
    before: { ...record, accountId: account },
  };
  if (samePolicy(state.inlinePolicy, wanted) || (existingTime !== undefined && Date.parse(existingTime) >= before.getTime())) {
    const none = `none: sessions issued before ${existingTime ?? before.toISOString()} are already denied`;
    return [{ ...inline, change: none }, { ...provision, change: 'none: nothing new to provision' }];
  }
  return [
    {
      ...inline,
      change: `add a deny of everything to sessions issued before ${before.toISOString()} (the old policy is kept in the audit log)`,
      call: ssoAdmin('PutInlinePolicyToPermissionSet', { InstanceArn: state.instanceArn, PermissionSetArn: state.permissionSetArn, InlinePolicy: policyText(wanted) }),
    },
    {
      ...provision,
      change: `provision it to account ${account} only, and wait until Identity Center has updated the role there`,
      call: provisionCall(state.instanceArn, state.permissionSetArn, account),
    },
  ];
}

/** What the Identity Center plan does and leaves. */
export function permissionSetNotes(state: PermissionSetState, roleName: string, account: string, before: Date): string[] {
  return [
    `IAM cannot edit ${roleName} (IAM Identity Center made it): the deny goes into permission set ${state.name}'s inline policy, merged with what is there, and is provisioned to account ${account} only.`,
    `Every session of ${state.name} in account ${account} issued before ${before.toISOString()} is denied, every user's: they sign in again to get new credentials.`,
    `What remains: the user's AWS access portal session can still get new credentials issued after that time. Disable the user in Identity Center (or at the identity provider) and end its portal sessions. Other accounts where ${state.name} is provisioned are not changed now; they get the deny when it is next provisioned there.`,
  ];
}

/** Refuse a step whose permission set does not belong to the plan's role (for step-kinds). */
export function checkPermissionSetRecord(before: JsonObject, roleName: string): string | undefined {
  const { instanceArn, permissionSetArn, permissionSetName } = before;
  if (typeof instanceArn !== 'string' || typeof permissionSetArn !== 'string' || !samePermissionSetInstance(instanceArn, permissionSetArn)) return 'not a permission set of an Identity Center instance';
  if (typeof permissionSetName !== 'string' || permissionSetNameOf(roleName) !== permissionSetName) return `permission set ${String(permissionSetName)} is not the one role ${roleName} was made for`;
  return undefined;
}
