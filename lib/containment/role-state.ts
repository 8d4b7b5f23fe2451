/** Reading a role before a plan changes it, with the refusals that apply to every role plan. */

import type { Role } from '@aws-sdk/client-iam';
import { OptionError } from '../errors';
import { GuardRefusedError } from './errors';
import { IAM_NOT_FOUND, readOptional } from './calls';
import type { ContainmentContext } from './context';
import { refuseOtherAccount, refuseOwnPrincipal } from './guards';
import { parseIdentity, type IamIdentity } from './identity';
import { decodePolicyDocument } from './policies';
import type { Json } from './types';

/** A role as read from IAM. */
export interface RoleState {
  readonly identity: IamIdentity;
  readonly role: Role;
  readonly arn: string;
  /** Made by IAM Identity Center (path /aws-reserved/sso.amazonaws.com/): IAM cannot edit it, its permission set is changed instead. */
  readonly identityCenter: boolean;
}

/**
 * Read a role, refusing the caller's own role, a role in another account and a service-linked
 * role (AWS manages it; IAM rejects the change). A role made by IAM Identity Center is marked:
 * IAM cannot edit it, so its plans change its permission set.
 */
export async function readRole(context: ContainmentContext, role: string): Promise<RoleState> {
  const identity = parseIdentity(role, 'role');
  if (identity.account) refuseOtherAccount(context.caller, identity.account, role);
  refuseOwnPrincipal(context.caller, identity);
  const iam = await import('@aws-sdk/client-iam');
  const got = await readOptional(() => context.clients.iam.send(new iam.GetRoleCommand({ RoleName: identity.name })), ...IAM_NOT_FOUND);
  if (!got?.Role) throw new OptionError('role', role, `no IAM role '${identity.name}' in account ${context.caller.account}`);
  const path = got.Role.Path ?? '/';
  if (path.startsWith('/aws-service-role/')) {
    throw new GuardRefusedError('service-linked-role', identity.name, `refused: ${identity.name} is a service-linked role; AWS manages it and its sessions cannot be revoked`);
  }
  const identityCenter = path.startsWith('/aws-reserved/sso.amazonaws.com/');
  return { identity, role: got.Role, arn: got.Role.Arn ?? `arn:aws:iam::${context.caller.account}:role/${identity.name}`, identityCenter };
}

/** An inline policy of a role, decoded, or null when the role has none by that name. */
export async function readRolePolicy(context: ContainmentContext, roleName: string, policyName: string): Promise<Json> {
  const iam = await import('@aws-sdk/client-iam');
  const got = await readOptional(
    () => context.clients.iam.send(new iam.GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })), ...IAM_NOT_FOUND);
  return got ? decodePolicyDocument(got.PolicyDocument) : null;
}
