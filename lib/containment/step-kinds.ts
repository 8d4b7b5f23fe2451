/**
 * What each kind of step may touch and how it is reversed. Undo calls are derived here, by
 * code, from the step's kind, the plan's target and the recorded before-state: an audit log
 * holds data, never calls to replay. Each before-state is checked against the shape its kind
 * records, and each call must act on the plan's target, so an edited log can at most ask to
 * restore a state of the same kind on the same target.
 */

import { fieldOf, stepOutput } from './calls';
import { StepRefusedError } from './errors';
import { SUSPENDED_PROCESSES } from './auto-scaling';
import { checkPermissionSetRecord, provisionCall } from './identity-center';
import { allowAllIngress } from './untrack';
import { DENY_ALL_POLICY_NAME, policyText, REVOKE_OLDER_SESSIONS_POLICY_NAME } from './policies';
import type { AwsCall, Json, Undo } from './types';

/** Every kind of change a plan can make. */
export const STEP_KINDS = [
  'user-deny-all',
  'user-managed-deny-all',
  'user-access-key',
  'user-login-profile',
  'user-mfa-device',
  'role-inline-policy',
  'role-trust-policy',
  'instance-termination-protection',
  'quarantine-group-create',
  'quarantine-group-egress',
  'untrack-group-create',
  'untrack-group-ingress',
  'interface-untrack',
  'interface-groups',
  'instance-profile',
  'volume-snapshot',
  'bucket-policy',
  'bucket-public-access-block',
  'autoscaling-suspend',
  'autoscaling-detach',
  'network-acl-create',
  'network-acl-associate',
  'permission-set-inline-policy',
  'permission-set-provision',
] as const;

/** The kind of a plan step: it decides which calls the step and its undo may make. */
export type StepKind = (typeof STEP_KINDS)[number];

/** What a plan acts on, read from its target ARN. */
export interface PlanTarget {
  readonly kind: 'user' | 'role' | 'instance' | 'bucket';
  /** User or role name, instance id, bucket name. */
  readonly name: string;
  readonly account: string;
}

/** One step as undo sees it: everything but the kind and target comes from the audit entry. */
export interface StepRecord {
  readonly step: string;
  readonly kind: StepKind;
  /** The step's own description of its target, for messages. */
  readonly label: string;
  readonly before: Json;
  /** The call that was made (placeholders filled in), or the planned call. */
  readonly request: AwsCall | null;
  /** Its response as logged; `undefined` at plan time, before the step has run. */
  readonly response: Json | undefined;
}

/**
 * Read a plan's target ARN.
 *
 * @example
 * planTarget('arn:aws:iam::111122223333:user/ci-deployer', '111122223333'); // { kind: 'user', name: 'ci-deployer', account: '111122223333' }
 */
export function planTarget(arn: string, account: string): PlanTarget | undefined {
  const iam = /^arn:aws[a-z-]*:iam::(\d{12}):(user|role)\/(?:[^/]+\/)*([\w+=,.@-]{1,128})$/.exec(arn);
  if (iam) return { kind: iam[2] as 'user' | 'role', name: iam[3] as string, account: iam[1] as string };
  const ec2 = /^arn:aws[a-z-]*:ec2:[a-z0-9-]+:(\d{12}):instance\/(i-[0-9a-f]{8,17})$/.exec(arn);
  if (ec2) return { kind: 'instance', name: ec2[2] as string, account: ec2[1] as string };
  const s3 = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/.exec(arn);
  // Bucket ARNs name no account: the plan's account owns it (every request says so).
  if (s3) return { kind: 'bucket', name: s3[1] as string, account };
  return undefined;
}

type JsonObject = { readonly [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);
const isPolicy = (value: Json | undefined): boolean => isObject(value) && (Array.isArray(value.Statement) || isObject(value.Statement));
const SESSION_POLICY = /^irbook-deny-(session|source)-[\w+=,.@-]{2,64}$/;
const ACCESS_KEY = /^AKIA[A-Z0-9]{16}$/;
const GROUP_ID = /^sg-[0-9a-z]{1,32}$/;
const ACL_ID = /^acl-[0-9a-z]{1,32}$/;
const ACL_ASSOCIATION_ID = /^aclassoc-[0-9a-z]{1,32}$/;
const SUBNET_ID = /^subnet-[0-9a-z]{1,32}$/;
const VPC_ID = /^vpc-[0-9a-z]{1,32}$/;

/** A placeholder for a value an earlier step's response supplies: allowed only at plan time. */
const isPlaceholder = (value: Json | undefined, record: StepRecord): boolean => record.response === undefined && isObject(value) && typeof value.$output === 'string';

interface KindRule {
  /** The target kind a plan of this step must have. */
  readonly target: PlanTarget['kind'];
  /** The commands the step itself may send. */
  readonly commands: readonly string[];
  /** The input field that names the target, checked against the plan's target. */
  readonly targetField?: string;
  /** What is wrong with the before-state, or undefined when it has the kind's shape. */
  check(before: Json, record: StepRecord, target: PlanTarget): string | undefined;
  undo(target: PlanTarget, before: JsonObject | null, record: StepRecord): Undo;
}

const iam = (command: string, input: Record<string, Json>): AwsCall => ({ service: 'iam', command, input });
const ec2 = (command: string, input: Record<string, Json>): AwsCall => ({ service: 'ec2', command, input });
const s3 = (command: string, input: Record<string, Json>): AwsCall => ({ service: 's3', command, input });
const autoscaling = (command: string, input: Record<string, Json>): AwsCall => ({ service: 'autoscaling', command, input });
const ssoAdmin = (command: string, input: Record<string, Json>): AwsCall => ({ service: 'sso', command, input });
/** What is wrong with a permission set record (or the call made with it) for the plan's role. */
function permissionSetProblem(before: Json, roleName: string, input: { readonly [key: string]: Json } | undefined): string | undefined {
  if (!isObject(before)) return 'not a record of a permission set';
  const problem = checkPermissionSetRecord(before, roleName);
  if (problem) return problem;
  return !input || (input.InstanceArn === before.instanceArn && input.PermissionSetArn === before.permissionSetArn) ? undefined : 'the call names another permission set';
}
// Auto Scaling group names: 1-255 characters, no colon (the ARN separates by it).
const isGroupName = (value: Json | undefined): value is string => typeof value === 'string' && /^[^:]{1,255}$/.test(value);
const isStringList = (value: Json | undefined): value is readonly string[] => Array.isArray(value) && value.every((item: Json) => typeof item === 'string');

/** Put back the inline policy a step replaced, or delete the one it added. */
function restoreInline(owner: { UserName: string } | { RoleName: string }, before: JsonObject): Undo {
  const policy = { ...owner, PolicyName: before.policyName as string };
  const document = before.document === null ? undefined : policyText(before.document as Json);
  if ('UserName' in owner) return { calls: [document === undefined ? iam('DeleteUserPolicy', policy) : iam('PutUserPolicy', { ...policy, PolicyDocument: document })] };
  return { calls: [document === undefined ? iam('DeleteRolePolicy', policy) : iam('PutRolePolicy', { ...policy, PolicyDocument: document })] };
}

const inlineShape = (before: Json, nameOk: (name: string) => boolean): string | undefined => {
  if (!isObject(before) || typeof before.policyName !== 'string' || !nameOk(before.policyName)) return 'policyName is not one containment writes';
  if (before.document !== null && !isPolicy(before.document)) return 'document is neither null nor a policy';
  return undefined;
};

/** Egress rules EC2 gives a new security group; the only ones the quarantine group's undo may add back. */
export function defaultEgress(ipv6: boolean): Json {
  const permission: Record<string, Json> = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
  if (ipv6) permission.Ipv6Ranges = [{ CidrIpv6: '::/0' }];
  return [permission];
}

const RULES: Readonly<Record<StepKind, KindRule>> = {
  // The allow-all group is created and deleted as the quarantine group is.
  get 'untrack-group-create'(): KindRule {
    return RULES['quarantine-group-create'];
  },
  'untrack-group-ingress': {
    target: 'instance',
    commands: ['AuthorizeSecurityGroupIngress'],
    check: (before, record) => {
      if (!isObject(before)) return 'not a record of the allow-all group';
      const ingress = JSON.stringify(before.ingress);
      if (ingress !== JSON.stringify(allowAllIngress(false)) && ingress !== JSON.stringify(allowAllIngress(true))) return 'ingress is not the allow-all rule';
      const id = record.request?.input.GroupId;
      return (typeof id === 'string' && GROUP_ID.test(id)) || isPlaceholder(id, record) ? undefined : 'the call names no security group';
    },
    undo: (_t, before, record) => ({ calls: [ec2('RevokeSecurityGroupIngress', { GroupId: record.request?.input.GroupId as Json, IpPermissions: (before as JsonObject).ingress as Json })] }),
  },
  // Undone as the quarantine move is: back to the groups it had.
  get 'interface-untrack'(): KindRule {
    return RULES['interface-groups'];
  },
  'user-deny-all': {
    target: 'user',
    commands: ['PutUserPolicy'],
    targetField: 'UserName',
    check: (before) => inlineShape(before, (name) => name === DENY_ALL_POLICY_NAME),
    undo: (t, before) => restoreInline({ UserName: t.name }, before as JsonObject),
  },
  'user-managed-deny-all': {
    target: 'user',
    commands: ['AttachUserPolicy'],
    targetField: 'UserName',
    check: (before, record) => {
      if (!isObject(before) || before.attached !== false || typeof before.policyArn !== 'string' || !/^arn:aws[a-z-]*:iam::aws:policy\/AWSDenyAll$/.test(before.policyArn)) return 'not the AWSDenyAll policy, unattached';
      return record.request && record.request.input.PolicyArn !== before.policyArn ? 'the call attaches another policy' : undefined;
    },
    undo: (t, before) => ({ calls: [iam('DetachUserPolicy', { UserName: t.name, PolicyArn: (before as JsonObject).policyArn as string })] }),
  },
  'user-access-key': {
    target: 'user',
    commands: ['UpdateAccessKey'],
    targetField: 'UserName',
    check: (before, record) => {
      if (!isObject(before) || typeof before.accessKeyId !== 'string' || !ACCESS_KEY.test(before.accessKeyId)) return 'accessKeyId is not an access key id';
      if (before.status !== 'Active') return 'only an active key is deactivated';
      return record.request && record.request.input.AccessKeyId !== before.accessKeyId ? 'the call names another key' : undefined;
    },
    undo: (t, before) => ({ calls: [iam('UpdateAccessKey', { UserName: t.name, AccessKeyId: (before as JsonObject).accessKeyId as string, Status: 'Active' })] }),
  },
  'user-login-profile': {
    target: 'user',
    commands: ['DeleteLoginProfile'],
    targetField: 'UserName',
    check: (before) => (before === null || (isObject(before) && before.loginProfile === true) ? undefined : 'not a login profile record'),
    undo: (t, before) => ({
      cannot: `a deleted password cannot be restored: when ${t.name} is cleared, set a new one with CreateLoginProfile (PasswordResetRequired: true). It existed, created ${String(before?.created ?? '?')}.`,
    }),
  },
  'user-mfa-device': {
    target: 'user',
    commands: ['DeactivateMFADevice'],
    targetField: 'UserName',
    check: (before, record) => {
      if (!isObject(before) || typeof before.serialNumber !== 'string' || !/^arn:aws[a-z-]*:iam::\d{12}:(mfa|u2f)\/[\w+=,.@/-]+$/.test(before.serialNumber)) return 'serialNumber is not an MFA device ARN';
      return record.request && record.request.input.SerialNumber !== before.serialNumber ? 'the call names another device' : undefined;
    },
    undo: (_t, before) => ({
      cannot: `a deactivated MFA device cannot be re-enabled by API without two codes from it (EnableMFADevice). Its serial, ${String(before?.serialNumber ?? '?')}, is kept here; re-register it with the user once cleared.`,
    }),
  },
  'role-inline-policy': {
    target: 'role',
    commands: ['PutRolePolicy'],
    targetField: 'RoleName',
    check: (before) => inlineShape(before, (name) => name === REVOKE_OLDER_SESSIONS_POLICY_NAME || SESSION_POLICY.test(name)),
    undo: (t, before) => restoreInline({ RoleName: t.name }, before as JsonObject),
  },
  'role-trust-policy': {
    target: 'role',
    commands: ['UpdateAssumeRolePolicy'],
    targetField: 'RoleName',
    check: (before) => (isObject(before) && isPolicy(before.trustPolicy) ? undefined : 'trustPolicy is not a policy'),
    undo: (t, before) => ({ calls: [iam('UpdateAssumeRolePolicy', { RoleName: t.name, PolicyDocument: policyText((before as JsonObject).trustPolicy as Json) })] }),
  },
  'instance-termination-protection': {
    target: 'instance',
    commands: ['ModifyInstanceAttribute'],
    targetField: 'InstanceId',
    check: (before) => (isObject(before) && before.disableApiTermination === false ? undefined : 'only protection that was off is turned on'),
    undo: (t) => ({ calls: [ec2('ModifyInstanceAttribute', { InstanceId: t.name, DisableApiTermination: { Value: false } })] }),
  },
  'quarantine-group-create': {
    target: 'instance',
    commands: ['CreateSecurityGroup'],
    check: (before, record) => {
      if (!isObject(before) || before.exists !== false || typeof before.vpcId !== 'string' || !/^vpc-[0-9a-z]{1,32}$/.test(before.vpcId)) return 'not a group created by containment';
      if (record.response === undefined) return undefined;
      const id = isObject(record.response) ? record.response.GroupId : undefined;
      return typeof id === 'string' && GROUP_ID.test(id) ? undefined : 'the response holds no security group id';
    },
    // Before the step has run, the group's id is the placeholder apply fills in from its response.
    undo: (_t, _before, record) => ({
      calls: [ec2('DeleteSecurityGroup', { GroupId: record.response === undefined ? stepOutput(record.step, 'GroupId') : ((record.response as JsonObject).GroupId as Json) })],
    }),
  },
  'quarantine-group-egress': {
    target: 'instance',
    commands: ['RevokeSecurityGroupEgress'],
    check: (before, record) => {
      if (!isObject(before)) return 'not a record of the quarantine group';
      const egress = JSON.stringify(before.egress);
      if (egress !== JSON.stringify(defaultEgress(false)) && egress !== JSON.stringify(defaultEgress(true))) return 'egress is not the default rule EC2 gives a new group';
      const id = record.request?.input.GroupId;
      return (typeof id === 'string' && GROUP_ID.test(id)) || isPlaceholder(id, record) ? undefined : 'the call names no security group';
    },
    undo: (_t, before, record) => ({ calls: [ec2('AuthorizeSecurityGroupEgress', { GroupId: record.request?.input.GroupId as Json, IpPermissions: (before as JsonObject).egress as Json })] }),
  },
  'interface-groups': {
    target: 'instance',
    commands: ['ModifyNetworkInterfaceAttribute'],
    check: (before, record) => {
      if (!isObject(before) || typeof before.networkInterfaceId !== 'string' || !/^eni-[0-9a-z]{1,32}$/.test(before.networkInterfaceId)) return 'networkInterfaceId is not an interface id';
      const groups = before.groups;
      if (!Array.isArray(groups) || groups.length === 0 || !groups.every((g: Json) => isObject(g) && typeof g.id === 'string' && GROUP_ID.test(g.id))) return 'groups are not security group ids';
      return record.request && record.request.input.NetworkInterfaceId !== before.networkInterfaceId ? 'the call names another interface' : undefined;
    },
    undo: (_t, before) => ({
      calls: [ec2('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: (before as JsonObject).networkInterfaceId as string, Groups: ((before as JsonObject).groups as JsonObject[]).map((g) => g.id as string) })],
    }),
  },
  'instance-profile': {
    target: 'instance',
    commands: ['DisassociateIamInstanceProfile'],
    check: (before, record, target) => {
      if (!isObject(before) || typeof before.instanceProfileArn !== 'string') return 'no instance profile ARN';
      const account = /^arn:aws[a-z-]*:iam::(\d{12}):instance-profile\/[\w+=,.@/-]+$/.exec(before.instanceProfileArn)?.[1];
      if (account !== target.account) return `instance profile ${before.instanceProfileArn} is not of account ${target.account}`;
      return record.request && record.request.input.AssociationId !== before.associationId ? 'the call names another association' : undefined;
    },
    undo: (t, before) => ({ calls: [ec2('AssociateIamInstanceProfile', { InstanceId: t.name, IamInstanceProfile: { Arn: (before as JsonObject).instanceProfileArn as string } })] }),
  },
  'volume-snapshot': {
    target: 'instance',
    commands: ['CreateSnapshot'],
    check: (before) => (isObject(before) && typeof before.volumeId === 'string' ? undefined : 'no volume id'),
    undo: () => ({ cannot: "a snapshot is evidence: it is kept. Delete it by hand (DeleteSnapshot with the SnapshotId in this step's audit entry) when the case is closed" }),
  },
  'autoscaling-suspend': {
    target: 'instance',
    commands: ['SuspendProcesses'],
    check: (before, record) => {
      if (!isObject(before)) return 'not a record of an Auto Scaling group';
      const { groupName, suspendedBefore, suspend } = before;
      if (!isGroupName(groupName) || !isStringList(suspendedBefore) || !isStringList(suspend)) return 'not a record of an Auto Scaling group';
      if (suspend.length === 0 || !suspend.every((p) => p in SUSPENDED_PROCESSES)) return 'the processes are not ones containment suspends';
      if (suspend.some((p) => suspendedBefore.includes(p))) return 'a process suspended before would be resumed';
      const input = record.request?.input;
      if (input && (input.AutoScalingGroupName !== groupName || JSON.stringify(input.ScalingProcesses) !== JSON.stringify(suspend))) return 'the call names another group or other processes';
      return undefined;
    },
    // Only what the step suspended: processes suspended before stay suspended.
    undo: (_t, before) => ({ calls: [autoscaling('ResumeProcesses', { AutoScalingGroupName: (before as JsonObject).groupName as string, ScalingProcesses: (before as JsonObject).suspend as Json })] }),
  },
  'autoscaling-detach': {
    target: 'instance',
    commands: ['DetachInstances'],
    check: (before, record, target) => {
      if (!isObject(before) || !isGroupName(before.groupName)) return 'not a record of an Auto Scaling group';
      const input = record.request?.input;
      if (input && (JSON.stringify(input.InstanceIds) !== JSON.stringify([target.name]) || input.AutoScalingGroupName !== before.groupName || input.ShouldDecrementDesiredCapacity !== true)) {
        return 'the call detaches another instance, from another group, or lets a replacement launch';
      }
      return undefined;
    },
    undo: (t, before) => ({ calls: [autoscaling('AttachInstances', { InstanceIds: [t.name], AutoScalingGroupName: (before as JsonObject).groupName as string })] }),
  },
  'network-acl-create': {
    target: 'instance',
    commands: ['CreateNetworkAcl'],
    check: (before, record) => {
      if (!isObject(before) || before.exists !== false || typeof before.vpcId !== 'string' || !VPC_ID.test(before.vpcId) || typeof before.subnetId !== 'string' || !SUBNET_ID.test(before.subnetId)) return 'not an ACL created by containment';
      if (record.request && record.request.input.VpcId !== before.vpcId) return 'the call creates the ACL in another VPC';
      if (record.response === undefined) return undefined;
      const id = fieldOf(record.response, 'NetworkAcl.NetworkAclId');
      return typeof id === 'string' && ACL_ID.test(id) ? undefined : 'the response holds no network ACL id';
    },
    undo: (_t, _before, record) => ({
      calls: [ec2('DeleteNetworkAcl', { NetworkAclId: record.response === undefined ? stepOutput(record.step, 'NetworkAcl.NetworkAclId') : (fieldOf(record.response, 'NetworkAcl.NetworkAclId') as Json) })],
    }),
  },
  'network-acl-associate': {
    target: 'instance',
    commands: ['ReplaceNetworkAclAssociation'],
    check: (before, record) => {
      if (!isObject(before) || typeof before.subnetId !== 'string' || !SUBNET_ID.test(before.subnetId)) return 'subnetId is not a subnet id';
      if (typeof before.networkAclId !== 'string' || !ACL_ID.test(before.networkAclId) || typeof before.associationId !== 'string' || !ACL_ASSOCIATION_ID.test(before.associationId)) return 'not a network ACL association';
      if (record.request && record.request.input.AssociationId !== before.associationId) return 'the call replaces another association';
      if (record.response === undefined) return undefined;
      const id = fieldOf(record.response, 'NewAssociationId');
      return typeof id === 'string' && ACL_ASSOCIATION_ID.test(id) ? undefined : 'the response holds no new association id';
    },
    // Replacing an association gives it a new id: undo replaces that one with the old ACL.
    undo: (_t, before, record) => ({
      calls: [
        ec2('ReplaceNetworkAclAssociation', {
          AssociationId: record.response === undefined ? stepOutput(record.step, 'NewAssociationId') : (fieldOf(record.response, 'NewAssociationId') as Json),
          NetworkAclId: (before as JsonObject).networkAclId as string,
        }),
      ],
    }),
  },
  'permission-set-inline-policy': {
    target: 'role',
    commands: ['PutInlinePolicyToPermissionSet'],
    check: (before, record, target) =>
      permissionSetProblem(before, target.name, record.request?.input) ??
      ((before as JsonObject).document === null || isPolicy((before as JsonObject).document) ? undefined : 'document is neither null nor a policy'),
    // The old inline policy back (or none), then provisioned again, so the role has it again.
    undo: (t, before) => {
      const set = { InstanceArn: (before as JsonObject).instanceArn as string, PermissionSetArn: (before as JsonObject).permissionSetArn as string };
      const document = (before as JsonObject).document as Json;
      const restore = document === null ? ssoAdmin('DeleteInlinePolicyFromPermissionSet', set) : ssoAdmin('PutInlinePolicyToPermissionSet', { ...set, InlinePolicy: policyText(document) });
      return { calls: [restore, provisionCall(set.InstanceArn, set.PermissionSetArn, t.account)] };
    },
  },
  'permission-set-provision': {
    target: 'role',
    commands: ['ProvisionPermissionSet'],
    check: (before, record, target) => {
      const input = record.request?.input;
      const elsewhere = input && (input.TargetType !== 'AWS_ACCOUNT' || input.TargetId !== target.account);
      return permissionSetProblem(before, target.name, input) ?? (elsewhere ? `the call provisions to ${String(input.TargetId)}, not the plan's account ${target.account}` : undefined);
    },
    // Provisioning changes nothing by itself: the inline policy step's undo provisions again.
    undo: () => ({ calls: [] }),
  },
  'bucket-policy': {
    target: 'bucket',
    commands: ['PutBucketPolicy'],
    targetField: 'Bucket',
    check: (before) => {
      if (before === null) return undefined;
      if (typeof before !== 'string') return 'not a policy text';
      try {
        return isPolicy(JSON.parse(before) as Json) ? undefined : 'not a policy';
      } catch {
        return 'not JSON';
      }
    },
    undo: (t, _before, record) => {
      const owner = { Bucket: t.name, ExpectedBucketOwner: t.account };
      const text = record.before;
      return { calls: [text === null ? s3('DeleteBucketPolicy', owner) : s3('PutBucketPolicy', { ...owner, Policy: text })] };
    },
  },
  'bucket-public-access-block': {
    target: 'bucket',
    commands: ['PutPublicAccessBlock'],
    targetField: 'Bucket',
    check: (before) => {
      if (before === null) return undefined;
      const names = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'];
      return isObject(before) && Object.keys(before).sort().join() === [...names].sort().join() && names.every((n) => typeof before[n] === 'boolean') ? undefined : 'not the four Block Public Access settings';
    },
    undo: (t, before, record) => {
      const owner = { Bucket: t.name, ExpectedBucketOwner: t.account };
      return { calls: [before === null ? s3('DeletePublicAccessBlock', owner) : s3('PutPublicAccessBlock', { ...owner, PublicAccessBlockConfiguration: { ...before } })] };
    },
  },
};

/**
 * Check a step against its kind and the plan's target, and derive its undo. Throws
 * {@link StepRefusedError} naming the step when the kind is unknown, the plan's target is of
 * another kind, the call acts on something else, or the before-state has the wrong shape.
 *
 * @example
 * const undo = deriveUndo(planTarget(plan.target, plan.account), { step: '2', kind: 'user-access-key', label, before, request, response: null });
 */
export function deriveUndo(target: PlanTarget | undefined, record: StepRecord): Undo {
  const refuse = (reason: string): never => {
    throw new StepRefusedError(record.step, record.label, reason);
  };
  const rule = (STEP_KINDS as readonly string[]).includes(record.kind) ? RULES[record.kind] : refuse(`'${String(record.kind)}' is not a kind of step containment makes`);
  if (!target) return refuse('the plan has no target containment can act on');
  if (target.kind !== rule.target) refuse(`a ${record.kind} step cannot belong to a plan for a ${target.kind}`);
  const request = record.request;
  if (request) {
    if (!rule.commands.includes(request.command)) refuse(`${request.command} is not the call of a ${record.kind} step`);
    const named = rule.targetField ? request.input[rule.targetField] : undefined;
    if (rule.targetField && named !== target.name) refuse(`the call acts on ${rule.targetField} ${JSON.stringify(named)}, not the plan's target ${target.name}`);
    if (target.kind === 'instance' && 'InstanceId' in request.input && request.input.InstanceId !== target.name) refuse(`the call acts on instance ${JSON.stringify(request.input.InstanceId)}, not ${target.name}`);
  }
  const problem = rule.check(record.before, record, target);
  if (problem !== undefined) refuse(`the recorded state does not have the shape a ${record.kind} step records: ${problem}`);
  return rule.undo(target, isObject(record.before) ? record.before : null, record);
}
