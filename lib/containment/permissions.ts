/**
 * What an identity may do: its managed and inline policies, its groups' policies and its
 * permissions boundary, as a table, so the analyst can judge the blast radius.
 */

import type { AttachedPolicy } from '@aws-sdk/client-iam';
import type { ContainmentContext } from './context';
import { everyPage } from './pages';
import { decodePolicyDocument } from './policies';
import type { IamIdentity } from './identity';
import type { Json, PlanTable } from './types';

// Managed policies whose name alone says the blast radius is the whole account (or IAM).
const BROAD_MANAGED = new Set(['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess']);

/** One policy that applies to the identity. */
interface PolicyRow {
  readonly via: string;
  readonly policy: string;
  readonly type: 'managed' | 'inline' | 'boundary';
  readonly note: string;
}

/**
 * The policies that apply to a user (directly and through groups) or a role.
 *
 * @example
 * const table = await permissionsTable(context, { kind: 'user', name: 'ci-deployer' });
 */
export async function permissionsTable(context: ContainmentContext, identity: IamIdentity, boundaryArn?: string): Promise<PlanTable> {
  const rows = identity.kind === 'user' ? await userPolicies(context, identity.name) : await rolePolicies(context, identity.name);
  if (boundaryArn) rows.push({ via: 'permissions boundary', policy: boundaryArn, type: 'boundary', note: 'caps what the policies above allow' });
  return {
    title: `What ${identity.kind} ${identity.name} may do (blast radius)`,
    columns: ['via', 'policy', 'type', 'note'],
    rows: rows.length > 0 ? rows.map((r) => [r.via, r.policy, r.type, r.note]) : [['', '(no policies)', '', '']],
  };
}

/** Where policies come from: a user, one of its groups, or a role. */
interface PolicyHolder {
  readonly via: string;
  attached(): Promise<readonly AttachedPolicy[]>;
  inlineNames(): Promise<readonly string[]>;
  inlineDocument(name: string): Promise<string | undefined>;
}

/** The managed and inline policies of one holder, each with its note. */
async function policiesOf(holder: PolicyHolder): Promise<PolicyRow[]> {
  const rows = (await holder.attached()).map((p) => managedRow(holder.via, p.PolicyArn ?? p.PolicyName ?? '?'));
  for (const name of await holder.inlineNames()) {
    rows.push(inlineRow(holder.via, name, decodePolicyDocument(await holder.inlineDocument(name))));
  }
  return rows;
}

async function userPolicies(context: ContainmentContext, userName: string): Promise<PolicyRow[]> {
  const iam = await import('@aws-sdk/client-iam');
  const client = context.clients.iam;
  const rows = await policiesOf({
    via: 'user',
    attached: () => everyPage(iam.paginateListAttachedUserPolicies({ client }, { UserName: userName }), (page) => page.AttachedPolicies),
    inlineNames: () => everyPage(iam.paginateListUserPolicies({ client }, { UserName: userName }), (page) => page.PolicyNames),
    inlineDocument: async (name) => (await client.send(new iam.GetUserPolicyCommand({ UserName: userName, PolicyName: name })))?.PolicyDocument,
  });
  const groups = await everyPage(iam.paginateListGroupsForUser({ client }, { UserName: userName }), (page) => page.Groups);
  for (const group of groups) {
    const groupName = group.GroupName ?? '?';
    rows.push(
      ...(await policiesOf({
        via: `group ${groupName}`,
        attached: () => everyPage(iam.paginateListAttachedGroupPolicies({ client }, { GroupName: groupName }), (page) => page.AttachedPolicies),
        inlineNames: () => everyPage(iam.paginateListGroupPolicies({ client }, { GroupName: groupName }), (page) => page.PolicyNames),
        inlineDocument: async (name) => (await client.send(new iam.GetGroupPolicyCommand({ GroupName: groupName, PolicyName: name })))?.PolicyDocument,
      })),
    );
  }
  return rows;
}

async function rolePolicies(context: ContainmentContext, roleName: string): Promise<PolicyRow[]> {
  const iam = await import('@aws-sdk/client-iam');
  const client = context.clients.iam;
  return policiesOf({
    via: 'role',
    attached: () => everyPage(iam.paginateListAttachedRolePolicies({ client }, { RoleName: roleName }), (page) => page.AttachedPolicies),
    inlineNames: () => everyPage(iam.paginateListRolePolicies({ client }, { RoleName: roleName }), (page) => page.PolicyNames),
    inlineDocument: async (name) => (await client.send(new iam.GetRolePolicyCommand({ RoleName: roleName, PolicyName: name })))?.PolicyDocument,
  });
}

function managedRow(via: string, arn: string): PolicyRow {
  const name = arn.split('/').at(-1) ?? arn;
  return { via, policy: arn, type: 'managed', note: BROAD_MANAGED.has(name) ? `BROAD: ${name}` : '' };
}

function inlineRow(via: string, name: string, document: Json): PolicyRow {
  return { via, policy: name, type: 'inline', note: describeInline(document) };
}

/** Flag an inline policy that allows every action, or every action of IAM. */
function describeInline(document: Json): string {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return '';
  const statements = (document as { readonly [key: string]: Json }).Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  const allows = new Set<string>();
  const denies: string[] = [];
  for (const statement of list) {
    if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) continue;
    const s = statement as { readonly [key: string]: Json };
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    for (const action of actions) {
      if (typeof action !== 'string') continue;
      if (s.Effect === 'Allow' && (action === '*' || action === 'iam:*')) allows.add(action);
      if (s.Effect === 'Deny' && action === '*') denies.push(action);
    }
  }
  if (denies.length > 0) return 'denies everything';
  if (allows.size > 0) return `BROAD: allows ${[...allows].join(', ')}`;
  return '';
}
