/**
 * Isolating an EC2 instance, in the order of AWS's EC2 incident-response guidance: protect it
 * from termination, isolate its network interfaces in a security group without rules, cut
 * the credentials of its instance profile, and preserve its disks as snapshots.
 */

import type { Instance, InstanceNetworkInterface } from '@aws-sdk/client-ec2';
import { OptionError } from '../errors';
import { GuardRefusedError, TargetNotFoundError, TargetStateError } from './errors';
import { hasErrorName, IAM_NOT_FOUND, readOptional, stepOutput } from './calls';
import { everyPage } from './pages';
import { makePlan, numberSteps, type ContainmentContext, type StepDraft } from './context';
import { callerPrincipal, partitionOf } from './guards';
import { defaultEgress } from './step-kinds';
import { readUntrackGroups, untrackGroupSteps, untrackInterfaceStep, untrackNotes } from './untrack';
import { autoScalingNotes, autoScalingStep, autoScalingTable, readAutoScaling, type AutoScalingAction, type AutoScalingState } from './auto-scaling';
import { networkAclNotes, networkAclSteps, readSubnetAcls, readSubnetInterfaces, subnetTable, type SubnetAcl, type SubnetInterface } from './network-acl';
import type { AwsCall, Json, Plan, PlanTable } from './types';

/** Options of {@link planInstanceIsolation}. */
export interface InstanceIsolationOptions {
  /** The security group without rules the instance is moved into. Default `irbook-quarantine`. */
  readonly quarantineGroupName?: string;
  /** Snapshot every EBS volume as evidence. Default true. */
  readonly snapshots?: boolean;
  /**
   * Cut connections already open, with the two-step swap EC2's connection-tracking
   * documentation describes: each interface goes to an allow-all group first (its flows
   * become untracked), then to the quarantine group. Default true.
   */
  readonly cutTrackedConnections?: boolean;
  /**
   * When the instance is in an Auto Scaling group: `'suspend'` (default) the group's processes
   * that would terminate, replace or scale it; `'detach'` it with the desired capacity lowered,
   * so no replacement launches; `'leave'` the group alone (the plan warns).
   */
  readonly autoScaling?: AutoScalingAction;
  /**
   * Also replace the network ACL of the instance's subnet with one that denies all traffic, to
   * cut every flow at once. It cuts off every other interface in the subnet too (the plan lists
   * them). Default false.
   */
  readonly networkAcl?: boolean;
}

/** The quarantine group's name when none is given. */
export const DEFAULT_QUARANTINE_GROUP_NAME = 'irbook-quarantine';

type Draft = StepDraft;

interface ProfileAssociation {
  readonly associationId: string;
  readonly profileArn: string;
  readonly roles: readonly { readonly name: string; readonly arn: string }[];
}

/** A quarantine group without rules, found in a VPC and reused. */
interface FoundGroup {
  readonly id: string;
  readonly vpcId: string;
}

/** An interface with the VPC it is in (an instance may have interfaces in several VPCs). */
interface Interface {
  readonly id: string;
  readonly vpcId: string;
  readonly deviceIndex: number;
  readonly subnetId: string;
  readonly groups: readonly { readonly id: string; readonly name: string }[];
}

/** Tag Auto Scaling puts on the instances it launches. */
const AUTO_SCALING_TAG = 'aws:autoscaling:groupName';


/**
 * Plan the isolation of an EC2 instance from its current state. Nothing is changed: `apply`
 * runs the plan.
 *
 * @throws OptionError when `instanceId` or `quarantineGroupName` is malformed, or the quarantine group has rules
 * @throws GuardRefusedError when the instance runs as the caller's role (it may run this notebook)
 * @example
 * const plan = await planInstanceIsolation(context, 'i-0abc1234def567890');
 */
export async function planInstanceIsolation(
  context: ContainmentContext,
  instanceId: string,
  options: InstanceIsolationOptions = {},
): Promise<Plan> {
  checkInstanceId(instanceId);
  const groupName = options.quarantineGroupName ?? DEFAULT_QUARANTINE_GROUP_NAME;
  checkGroupName(groupName);
  const snapshots = options.snapshots ?? true;
  const cut = options.cutTrackedConnections ?? true;
  const autoScaling = options.autoScaling ?? 'suspend';
  if (!['suspend', 'detach', 'leave'].includes(autoScaling)) throw new OptionError('autoScaling', autoScaling, `autoScaling: '${String(autoScaling)}' is not one of suspend, detach, leave`);
  const networkAcl = options.networkAcl ?? false;
  // Taken before the first read, so the plan's age is never understated.
  const readAt = context.now();
  const state = await readIsolationState(context, instanceId, groupName, cut, autoScaling, networkAcl);
  const { instance, interfaces, associations } = state;
  const tables: PlanTable[] = [instanceTable(instance, interfaces, associations), groupsTable(interfaces)];
  if (state.autoScaling) tables.push(autoScalingTable(state.autoScaling));
  if (networkAcl) tables.push(subnetTable(state.subnetInterfaces, instanceId));
  return makePlan(context, readAt, {
    kind: 'ec2-instance',
    name: instanceId,
    title: `Isolate EC2 instance ${instanceId}${nameTag(instance)}`,
    account: context.caller.account,
    target: `arn:${partitionOf(context.caller)}:ec2:${context.region}:${context.caller.account}:instance/${instanceId}`,
    steps: numberSteps(isolationSteps(context.incident, instanceId, groupName, state, snapshots, autoScaling)),
    tables,
    notes: [
      ...autoScalingNotes(instanceId, state.autoScaling, autoScaling, tagOf(instance, AUTO_SCALING_TAG)),
      ...untrackNotes(cut, networkAcl),
      ...networkAclNotes(networkAcl, state.subnetAcls, state.subnetInterfaces, instanceId),
      ...instanceNotes(associations, snapshots),
    ],
  });
}

/** Everything the plan is built from. */
interface IsolationState {
  readonly instance: Instance;
  readonly interfaces: readonly Interface[];
  readonly protectedNow: boolean;
  readonly associations: readonly ProfileAssociation[];
  readonly vpcIds: readonly string[];
  /** Reusable quarantine groups, by VPC. */
  readonly found: ReadonlyMap<string, FoundGroup>;
  readonly ipv6Vpcs: ReadonlySet<string>;
  /** Allow-all groups by VPC, when tracked connections are cut (undefined: they are not). */
  readonly untrack?: ReadonlyMap<string, string>;
  /** The instance's Auto Scaling group (undefined: none, or not read). */
  readonly autoScaling?: AutoScalingState;
  /** The network ACL of each of the instance's subnets, when the ACL option is on. */
  readonly subnetAcls: readonly SubnetAcl[];
  /** Every interface in those subnets: the ACL's blast radius. */
  readonly subnetInterfaces: readonly SubnetInterface[];
}

async function readIsolationState(
  context: ContainmentContext,
  instanceId: string,
  groupName: string,
  cut: boolean,
  autoScalingAction: AutoScalingAction,
  networkAcl: boolean,
): Promise<IsolationState> {
  const instance = await readInstance(context, instanceId);
  const interfaces = interfacesOf(instance);
  const protectedNow = await readTerminationProtection(context, instanceId);
  const associations = await readProfileAssociations(context, instanceId);
  // Before the group reads: a refused plan should stop as early as it can.
  refuseNotebookInstance(context, instanceId, associations);
  const vpcIds = [...new Set(interfaces.map((eni) => eni.vpcId))];
  const found = await readQuarantineGroups(context, groupName, vpcIds);
  const untrack = cut ? await readUntrackGroups(context, vpcIds) : undefined;
  const missing = vpcIds.filter((vpcId) => !found.has(vpcId) || (untrack !== undefined && !untrack.has(vpcId)));
  const ipv6Vpcs = missing.length > 0 ? await readIpv6Vpcs(context, missing) : new Set<string>();
  const autoScaling = autoScalingAction === 'leave' ? undefined : await readAutoScaling(context, instanceId);
  const subnets = [...new Map(interfaces.map((eni) => [eni.subnetId, { subnetId: eni.subnetId, vpcId: eni.vpcId }])).values()];
  if (networkAcl && subnets.some((s) => s.subnetId === '')) throw new TargetStateError(`instance ${instanceId}`, 'an interface has no subnet: a network ACL cannot isolate it');
  const subnetAcls = networkAcl ? await readSubnetAcls(context, subnets) : [];
  const subnetInterfaces = networkAcl ? await readSubnetInterfaces(context, subnets.map((s) => s.subnetId)) : [];
  return { instance, interfaces, protectedNow, associations, vpcIds, found, ipv6Vpcs, untrack, autoScaling, subnetAcls, subnetInterfaces };
}

/** The steps in run order: protect, isolate, cut credentials, preserve. */
function isolationSteps(incident: string, instanceId: string, groupName: string, state: IsolationState, snapshots: boolean, autoScaling: AutoScalingAction): Draft[] {
  // The group first: isolation makes the instance fail its health checks, and the group would replace it.
  const drafts: Draft[] = state.autoScaling && autoScaling !== 'leave' ? [autoScalingStep(instanceId, state.autoScaling, autoScaling)] : [];
  drafts.push(terminationStep(instanceId, state.protectedNow));
  const groupIds = new Map<string, Json>();
  for (const vpcId of state.vpcIds) {
    const reused = state.found.get(vpcId)?.id;
    // Step ids are positions ('1', '2', …), so the create step's id is known before numbering.
    const createId = String(drafts.length + 1);
    if (reused === undefined) drafts.push(...createGroupSteps(incident, groupName, vpcId, state.ipv6Vpcs.has(vpcId), createId));
    groupIds.set(vpcId, reused ?? stepOutput(createId, 'GroupId'));
  }
  const untrackIds = new Map<string, Json>();
  for (const vpcId of state.untrack ? state.vpcIds : []) {
    const reused = state.untrack?.get(vpcId);
    const createId = String(drafts.length + 1);
    if (reused === undefined) drafts.push(...untrackGroupSteps(incident, vpcId, state.ipv6Vpcs.has(vpcId), createId));
    untrackIds.set(vpcId, reused ?? stepOutput(createId, 'GroupId'));
  }
  for (const eni of state.interfaces) {
    const quarantine = interfaceStep(eni, groupIds.get(eni.vpcId) ?? null, groupName, state.found.get(eni.vpcId));
    // Only an interface that moves needs its flows untracked first.
    if (quarantine.call && state.untrack) drafts.push(untrackInterfaceStep(eni, untrackIds.get(eni.vpcId) ?? null));
    drafts.push(quarantine);
  }
  // A stateless ACL drops what the security groups let through until the swap, tracked or not.
  for (const subnet of state.subnetAcls) drafts.push(...networkAclSteps(incident, subnet, String(drafts.length + 1)));
  for (const association of state.associations) drafts.push(profileStep(instanceId, association));
  if (snapshots) drafts.push(...snapshotSteps(incident, state.instance));
  return drafts;
}

function checkInstanceId(instanceId: string): void {
  if (typeof instanceId !== 'string' || !/^i-[0-9a-f]{8,17}$/.test(instanceId)) {
    throw new OptionError('instanceId', instanceId, `instanceId must look like i-0123456789abcdef0, not '${String(instanceId)}'`);
  }
}

/** EC2's rules for group names, checked here so a bad name fails before anything is read. */
function checkGroupName(name: string): void {
  const valid = typeof name === 'string' && name.length > 0 && name.length <= 255 && /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/.test(name);
  if (!valid || name.startsWith('sg-')) {
    throw new OptionError(
      'quarantineGroupName',
      name,
      `quarantineGroupName must be 1–255 characters (letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*) and not start with 'sg-', not '${String(name)}'`,
    );
  }
}

async function readInstance(context: ContainmentContext, instanceId: string): Promise<Instance> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const notFound = (cause?: unknown): TargetNotFoundError =>
    new TargetNotFoundError(`instance ${instanceId}`, `not found in region ${context.region} of account ${context.caller.account}`, { cause });
  let reservations;
  try {
    reservations = await everyPage(ec2.paginateDescribeInstances({ client: context.clients.ec2 }, { InstanceIds: [instanceId] }), (page) => page.Reservations);
  } catch (error) {
    if (hasErrorName(error, 'InvalidInstanceID.NotFound')) throw notFound(error);
    throw error;
  }
  const instance = reservations.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
  if (!instance) throw notFound();
  const state = instance.State?.Name;
  // A terminated instance has no interfaces or volumes left to act on.
  if (state === 'terminated' || state === 'shutting-down') {
    throw new TargetStateError(`instance ${instanceId}`, `it is ${state}: there is nothing left to isolate`);
  }
  return instance;
}

/** The instance's interfaces, primary first, as the plan needs them. */
function interfacesOf(instance: Instance): Interface[] {
  const order = (eni: InstanceNetworkInterface): number => (eni.Attachment?.NetworkCardIndex ?? 0) * 1000 + (eni.Attachment?.DeviceIndex ?? 0);
  const interfaces = [...(instance.NetworkInterfaces ?? [])]
    .sort((a, b) => order(a) - order(b))
    .flatMap((eni): Interface[] => {
      if (!eni.NetworkInterfaceId) return [];
      const groups = (eni.Groups ?? []).map((g) => ({ id: g.GroupId ?? '', name: g.GroupName ?? '' }));
      return [{ id: eni.NetworkInterfaceId, vpcId: eni.VpcId ?? instance.VpcId ?? '', deviceIndex: eni.Attachment?.DeviceIndex ?? 0, subnetId: eni.SubnetId ?? instance.SubnetId ?? '', groups }];
    });
  if (interfaces.length === 0 || interfaces.some((eni) => eni.vpcId === '')) {
    throw new TargetStateError(`instance ${instance.InstanceId ?? '?'}`, 'it has no network interface in a VPC: security groups cannot isolate it');
  }
  return interfaces;
}

async function readTerminationProtection(context: ContainmentContext, instanceId: string): Promise<boolean> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const out = await context.clients.ec2.send(new ec2.DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'disableApiTermination' }));
  return out?.DisableApiTermination?.Value === true;
}

async function readProfileAssociations(context: ContainmentContext, instanceId: string): Promise<ProfileAssociation[]> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const filters = [
    { Name: 'instance-id', Values: [instanceId] },
    { Name: 'state', Values: ['associated'] },
  ];
  const client = context.clients.ec2;
  const associations = await everyPage(ec2.paginateDescribeIamInstanceProfileAssociations({ client }, { Filters: filters }), (page) => page.IamInstanceProfileAssociations);
  const result: ProfileAssociation[] = [];
  for (const association of associations) {
    const profileArn = association.IamInstanceProfile?.Arn;
    if (!association.AssociationId || !profileArn) continue;
    result.push({ associationId: association.AssociationId, profileArn, roles: await readProfileRoles(context, profileArn) });
  }
  return result;
}

async function readProfileRoles(context: ContainmentContext, profileArn: string): Promise<ProfileAssociation['roles']> {
  const iam = await import('@aws-sdk/client-iam');
  // The ARN carries the profile's path; GetInstanceProfile takes only the name.
  const name = profileArn.split('/').pop() ?? profileArn;
  const out = await readOptional(() => context.clients.iam.send(new iam.GetInstanceProfileCommand({ InstanceProfileName: name })), ...IAM_NOT_FOUND);
  return (out?.InstanceProfile?.Roles ?? []).map((role) => ({ name: role.RoleName ?? '', arn: role.Arn ?? '' }));
}

/**
 * Refuse to isolate an instance whose role is the one this notebook runs as: it may be the
 * instance running the notebook, and cutting its network would cut off the analyst.
 */
function refuseNotebookInstance(context: ContainmentContext, instanceId: string, associations: readonly ProfileAssociation[]): void {
  const me = callerPrincipal(context.caller);
  if (me.kind !== 'role') return;
  const mine = associations.find((a) => a.roles.some((role) => role.name === me.name));
  if (mine) {
    throw new GuardRefusedError(
      'notebook-instance',
      instanceId,
      `refused: instance ${instanceId} runs as role ${me.name} through ${mine.profileArn}, the role this notebook runs as (${context.caller.arn}); ` +
        'this may be the instance running the notebook. Isolate it from another identity',
    );
  }
}

async function readQuarantineGroups(context: ContainmentContext, groupName: string, vpcIds: readonly string[]): Promise<Map<string, FoundGroup>> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const filters = [
    { Name: 'group-name', Values: [groupName] },
    { Name: 'vpc-id', Values: [...vpcIds] },
  ];
  const client = context.clients.ec2;
  const groups = await everyPage(ec2.paginateDescribeSecurityGroups({ client }, { Filters: filters }), (page) => page.SecurityGroups);
  const found = new Map<string, FoundGroup>();
  for (const group of groups) {
    if (!group.GroupId || !group.VpcId || group.GroupName !== groupName) continue;
    const ruleCount = (group.IpPermissions ?? []).length + (group.IpPermissionsEgress ?? []).length;
    if (ruleCount > 0) {
      throw new OptionError(
        'quarantineGroupName',
        groupName,
        `security group ${groupName} (${group.GroupId}) in ${group.VpcId} has ${ruleCount} rule(s), so it would not isolate the instance: ` +
          'remove its rules or pass another quarantineGroupName',
      );
    }
    found.set(group.VpcId, { id: group.GroupId, vpcId: group.VpcId });
  }
  return found;
}

/** The VPCs with an IPv6 block: a group created there also allows all outbound IPv6. */
async function readIpv6Vpcs(context: ContainmentContext, vpcIds: readonly string[]): Promise<Set<string>> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const client = context.clients.ec2;
  const vpcs = await everyPage(ec2.paginateDescribeVpcs({ client }, { VpcIds: [...vpcIds] }), (page) => page.Vpcs);
  const live = new Set(['associated', 'associating']);
  const withIpv6 = vpcs.filter((vpc) => (vpc.Ipv6CidrBlockAssociationSet ?? []).some((block) => live.has(block.Ipv6CidrBlockState?.State ?? '')));
  return new Set(withIpv6.flatMap((vpc) => (vpc.VpcId ? [vpc.VpcId] : [])));
}

function ec2Call(command: string, input: { readonly [key: string]: Json }): AwsCall {
  return { service: 'ec2', command, input };
}

function terminationStep(instanceId: string, protectedNow: boolean): Draft {
  const set = (value: boolean): AwsCall => ec2Call('ModifyInstanceAttribute', { InstanceId: instanceId, DisableApiTermination: { Value: value } });
  const base = { kind: 'instance-termination-protection' as const, action: 'Turn on termination protection', target: `instance ${instanceId}`, before: { disableApiTermination: protectedNow } };
  if (protectedNow) return { ...base, current: 'termination protection is on', change: 'none: termination protection is already on' };
  return { ...base, current: 'termination protection is off', change: 'turn termination protection on', call: set(true) };
}

/** Create the quarantine group, then strip the outbound rule EC2 gives every new group. */
function createGroupSteps(incident: string, groupName: string, vpcId: string, ipv6: boolean, createId: string): Draft[] {
  const groupId = stepOutput(createId, 'GroupId');
  const egress = defaultEgress(ipv6);
  const create: Draft = {
    kind: 'quarantine-group-create',
    action: 'Create quarantine security group',
    target: `security group ${groupName} in ${vpcId}`,
    current: `${vpcId} has no security group named ${groupName}`,
    change: `create ${groupName}: no inbound rules (outbound removed in the next step)`,
    before: { groupName, vpcId, exists: false },
    call: ec2Call('CreateSecurityGroup', {
      GroupName: groupName,
      Description: `irbook quarantine for incident ${incident}: no rules`,
      VpcId: vpcId,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'irbook:incident', Value: incident }] }],
    }),
  };
  const revoke: Draft = {
    kind: 'quarantine-group-egress',
    action: 'Remove outbound rules of quarantine group',
    target: `security group ${groupName} in ${vpcId}`,
    current: `a new group allows all outbound traffic${ipv6 ? ' (IPv4 and IPv6)' : ''}`,
    change: 'remove the allow-all outbound rule: no traffic in or out',
    before: { groupName, vpcId, egress },
    call: ec2Call('RevokeSecurityGroupEgress', { GroupId: groupId, IpPermissions: egress }),
  };
  return [create, revoke];
}

function describeGroups(groups: Interface['groups']): string {
  return groups.length === 0 ? 'no security group' : groups.map((g) => `${g.id} (${g.name})`).join(', ');
}

function interfaceStep(eni: Interface, groupId: Json, groupName: string, existing: FoundGroup | undefined): Draft {
  const setGroups = (ids: readonly Json[]): AwsCall => ec2Call('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: eni.id, Groups: [...ids] });
  const base = {
    kind: 'interface-groups' as const,
    action: 'Move network interface to quarantine group',
    target: `network interface ${eni.id} (device ${eni.deviceIndex})`,
    current: `in ${describeGroups(eni.groups)}`,
    before: { networkInterfaceId: eni.id, groups: eni.groups.map((g) => ({ id: g.id, name: g.name })) },
  };
  if (existing && eni.groups.length === 1 && eni.groups[0]?.id === existing.id) {
    return { ...base, change: `none: already only in ${groupName}` };
  }
  const where = typeof groupId === 'string' ? `${groupName} (${groupId})` : `${groupName} (created above)`;
  return {
    ...base,
    change: `replace all its groups with ${where}`,
    call: setGroups([groupId]),
  };
}

function profileStep(instanceId: string, association: ProfileAssociation): Draft {
  const roles = association.roles.map((role) => role.name).join(', ') || 'no role';
  return {
    kind: 'instance-profile',
    action: 'Detach instance profile',
    target: `instance ${instanceId}`,
    current: `instance profile ${association.profileArn} (role ${roles})`,
    change: 'detach the instance profile: no new credentials from the instance metadata service',
    before: { associationId: association.associationId, instanceProfileArn: association.profileArn, roles: association.roles.map((r) => ({ ...r })) },
    call: ec2Call('DisassociateIamInstanceProfile', { AssociationId: association.associationId }),
  };
}

function snapshotSteps(incident: string, instance: Instance): Draft[] {
  const instanceId = instance.InstanceId ?? '';
  return (instance.BlockDeviceMappings ?? []).flatMap((mapping): Draft[] => {
    const volumeId = mapping.Ebs?.VolumeId;
    if (!volumeId) return [];
    const device = mapping.DeviceName ?? '';
    return [
      {
        kind: 'volume-snapshot',
        action: 'Snapshot volume as evidence',
        target: `volume ${volumeId} (${device})`,
        current: `${device} of ${instanceId}${mapping.Ebs?.DeleteOnTermination ? ', deleted when the instance terminates' : ''}`,
        change: 'create a snapshot, tagged with the incident',
        before: { volumeId, device, deleteOnTermination: mapping.Ebs?.DeleteOnTermination ?? null },
        call: ec2Call('CreateSnapshot', {
          VolumeId: volumeId,
          Description: `irbook ${incident}: evidence from ${instanceId} ${device}`,
          TagSpecifications: [
            {
              ResourceType: 'snapshot',
              Tags: [
                { Key: 'irbook:incident', Value: incident },
                { Key: 'irbook:instance', Value: instanceId },
                { Key: 'irbook:device', Value: device },
              ],
            },
          ],
        }),
      },
    ];
  });
}

function tagOf(instance: Instance, key: string): string | undefined {
  return instance.Tags?.find((tag) => tag.Key === key)?.Value;
}

function nameTag(instance: Instance): string {
  const name = tagOf(instance, 'Name');
  return name ? ` (${name})` : '';
}

function addressesOf(instance: Instance): { privateIps: string[]; publicIps: string[]; ipv6: string[] } {
  const enis = instance.NetworkInterfaces ?? [];
  const privateIps = enis.flatMap((eni) => (eni.PrivateIpAddresses ?? []).flatMap((p) => (p.PrivateIpAddress ? [p.PrivateIpAddress] : [])));
  const publicIps = enis.flatMap((eni) => (eni.PrivateIpAddresses ?? []).flatMap((p) => (p.Association?.PublicIp ? [p.Association.PublicIp] : [])));
  const ipv6 = enis.flatMap((eni) => (eni.Ipv6Addresses ?? []).flatMap((a) => (a.Ipv6Address ? [a.Ipv6Address] : [])));
  return {
    privateIps: privateIps.length > 0 ? privateIps : [instance.PrivateIpAddress ?? ''].filter(Boolean),
    publicIps: publicIps.length > 0 ? publicIps : [instance.PublicIpAddress ?? ''].filter(Boolean),
    ipv6,
  };
}

function instanceTable(instance: Instance, interfaces: readonly Interface[], associations: readonly ProfileAssociation[]): PlanTable {
  const { privateIps, publicIps, ipv6 } = addressesOf(instance);
  const profiles = associations.map((a) => `${a.profileArn} (role ${a.roles.map((r) => r.name).join(', ') || 'none'})`);
  const rows: [string, string][] = [
    ['State', instance.State?.Name ?? ''],
    ['Type', instance.InstanceType ?? ''],
    ['Image', instance.ImageId ?? ''],
    ['VPC', [...new Set(interfaces.map((eni) => eni.vpcId))].join(', ')],
    ['Subnet', instance.SubnetId ?? ''],
    ['Availability zone', instance.Placement?.AvailabilityZone ?? ''],
    ['Private IPs', privateIps.join(', ')],
    ['Public IPs', publicIps.join(', ') || 'none'],
    ['IPv6 addresses', ipv6.join(', ') || 'none'],
    ['Launch time', instance.LaunchTime instanceof Date ? instance.LaunchTime.toISOString() : String(instance.LaunchTime ?? '')],
    ['Key name', instance.KeyName ?? 'none'],
    ['Instance profile', profiles.join('; ') || 'none'],
    ['Tags', (instance.Tags ?? []).map((tag) => `${tag.Key ?? ''}=${tag.Value ?? ''}`).join('; ') || 'none'],
  ];
  return { title: 'Instance', columns: ['Fact', 'Value'], rows };
}

function groupsTable(interfaces: readonly Interface[]): PlanTable {
  const rows = interfaces.flatMap((eni) =>
    eni.groups.length === 0 ? [[eni.id, String(eni.deviceIndex), '', '']] : eni.groups.map((g) => [eni.id, String(eni.deviceIndex), g.id, g.name]),
  );
  return { title: 'Security groups now', columns: ['Network interface', 'Device index', 'Group id', 'Group name'], rows };
}

function instanceNotes(associations: readonly ProfileAssociation[], snapshots: boolean): string[] {
  const notes = [
    "Termination protection does not stop a shutdown from inside the instance from terminating it when its shutdown behaviour is 'terminate'.",
  ];
  if (associations.length > 0) {
    const roles = associations.flatMap((a) => a.roles.map((r) => r.name)).join(', ');
    notes.push(
      `Detaching the instance profile does not end credentials already issued to the instance: they stay valid for hours, wherever they were copied. Revoke the sessions of role ${roles || '(none found)'} too (the role plan).`,
    );
  }
  if (snapshots) notes.push('Snapshots capture the disks, not memory: take a memory image before the instance is stopped or rebooted.');
  return notes;
}
