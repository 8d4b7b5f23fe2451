/**
 * The deny-all network ACL option: a subnet's network ACL is stateless, so replacing it with one
 * that denies everything drops every flow at once, tracked or not. It acts on the whole subnet,
 * so it is opt-in, and the plan lists every other interface in the subnet it would cut off.
 * A new custom network ACL denies all traffic in and out (its `*` rules, for IPv4 and for IPv6
 * in a VPC with an IPv6 block, cannot be removed), so no entries need adding.
 */

import type { ContainmentContext, StepDraft } from './context';
import { stepOutput } from './calls';
import { TargetStateError } from './errors';
import { everyPage } from './pages';
import type { AwsCall, Json, PlanTable } from './types';

/** The Name tag of the ACLs containment creates. */
export const DENY_ALL_ACL_NAME = 'irbook-deny-all';

/** A subnet and the network ACL associated with it now. */
export interface SubnetAcl {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly networkAclId: string;
  readonly associationId: string;
  /** The ACL is one containment created: the subnet is cut off already. */
  readonly denyAllAlready: boolean;
}

/** An interface in one of the subnets. */
export interface SubnetInterface {
  readonly subnetId: string;
  readonly id: string;
  readonly attachedTo: string;
  readonly privateIp: string;
  readonly type: string;
}

const ec2Call = (command: string, input: AwsCall['input']): AwsCall => ({ service: 'ec2', command, input });

/** The network ACL of each subnet, in the order given. */
export async function readSubnetAcls(context: ContainmentContext, subnets: readonly { readonly subnetId: string; readonly vpcId: string }[]): Promise<SubnetAcl[]> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const filters = [{ Name: 'association.subnet-id', Values: subnets.map((s) => s.subnetId) }];
  const acls = await everyPage(ec2.paginateDescribeNetworkAcls({ client: context.clients.ec2 }, { Filters: filters }), (page) => page.NetworkAcls);
  return subnets.map((subnet) => {
    const acl = acls.find((a) => (a.Associations ?? []).some((assoc) => assoc.SubnetId === subnet.subnetId));
    const association = acl?.Associations?.find((assoc) => assoc.SubnetId === subnet.subnetId);
    if (!acl?.NetworkAclId || !association?.NetworkAclAssociationId) {
      throw new TargetStateError(`subnet ${subnet.subnetId}`, 'EC2 returned no network ACL associated with it, so the deny-all ACL cannot replace one');
    }
    const named = (acl.Tags ?? []).some((tag) => tag.Key === 'Name' && tag.Value === DENY_ALL_ACL_NAME);
    const deniesAll = (acl.Entries ?? []).every((entry) => entry.RuleAction === 'deny');
    return { ...subnet, networkAclId: acl.NetworkAclId, associationId: association.NetworkAclAssociationId, denyAllAlready: named && deniesAll };
  });
}

/** Every network interface in the subnets: the deny-all ACL cuts them all. */
export async function readSubnetInterfaces(context: ContainmentContext, subnetIds: readonly string[]): Promise<SubnetInterface[]> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const filters = [{ Name: 'subnet-id', Values: [...subnetIds] }];
  const interfaces = await everyPage(ec2.paginateDescribeNetworkInterfaces({ client: context.clients.ec2 }, { Filters: filters }), (page) => page.NetworkInterfaces);
  return interfaces.map((eni) => ({
    subnetId: eni.SubnetId ?? '?',
    id: eni.NetworkInterfaceId ?? '?',
    attachedTo: eni.Attachment?.InstanceId ?? eni.RequesterId ?? eni.Description ?? 'not attached',
    privateIp: eni.PrivateIpAddress ?? '',
    type: eni.InterfaceType ?? 'interface',
  }));
}

/** The ACLs a subnet could be associated with now, for undo's check. */
export async function currentAssociation(context: ContainmentContext, subnetId: string): Promise<{ readonly associationId: string; readonly networkAclId: string } | undefined> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const filters = [{ Name: 'association.subnet-id', Values: [subnetId] }];
  const acls = await everyPage(ec2.paginateDescribeNetworkAcls({ client: context.clients.ec2 }, { Filters: filters }), (page) => page.NetworkAcls);
  for (const acl of acls) {
    const association = acl.Associations?.find((a) => a.SubnetId === subnetId);
    if (acl.NetworkAclId && association?.NetworkAclAssociationId) return { associationId: association.NetworkAclAssociationId, networkAclId: acl.NetworkAclId };
  }
  return undefined;
}

/** Whether an ACL is one containment created (its Name tag), for undo's check before deleting it. */
export async function isContainmentAcl(context: ContainmentContext, networkAclId: string): Promise<boolean> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const acls = await everyPage(ec2.paginateDescribeNetworkAcls({ client: context.clients.ec2 }, { NetworkAclIds: [networkAclId] }), (page) => page.NetworkAcls);
  return acls.some((acl) => acl.NetworkAclId === networkAclId && (acl.Tags ?? []).some((tag) => tag.Key === 'Name' && tag.Value === DENY_ALL_ACL_NAME));
}

/**
 * Create a deny-all ACL in the subnet's VPC, then associate it with the subnet in place of the
 * current one (recorded for undo). `createId` is the create step's id.
 */
export function networkAclSteps(incident: string, subnet: SubnetAcl, createId: string): StepDraft[] {
  if (subnet.denyAllAlready) {
    return [
      {
        kind: 'network-acl-associate',
        action: 'Deny all traffic in the subnet (network ACL)',
        target: `subnet ${subnet.subnetId}`,
        current: `associated with ${subnet.networkAclId} (${DENY_ALL_ACL_NAME})`,
        change: 'none: the subnet is cut off already',
        before: { subnetId: subnet.subnetId, vpcId: subnet.vpcId, networkAclId: subnet.networkAclId, associationId: subnet.associationId },
      },
    ];
  }
  const created: Json = stepOutput(createId, 'NetworkAcl.NetworkAclId');
  return [
    {
      kind: 'network-acl-create',
      action: 'Create deny-all network ACL',
      target: `network ACL ${DENY_ALL_ACL_NAME} in ${subnet.vpcId}`,
      current: `subnet ${subnet.subnetId} uses ${subnet.networkAclId}`,
      change: `create ${DENY_ALL_ACL_NAME}: a new network ACL denies all traffic in and out`,
      before: { subnetId: subnet.subnetId, vpcId: subnet.vpcId, exists: false },
      call: ec2Call('CreateNetworkAcl', {
        VpcId: subnet.vpcId,
        TagSpecifications: [
          {
            ResourceType: 'network-acl',
            Tags: [
              { Key: 'Name', Value: DENY_ALL_ACL_NAME },
              { Key: 'irbook:incident', Value: incident },
            ],
          },
        ],
      }),
    },
    {
      kind: 'network-acl-associate',
      action: 'Deny all traffic in the subnet (network ACL)',
      target: `subnet ${subnet.subnetId}`,
      current: `associated with ${subnet.networkAclId} (association ${subnet.associationId})`,
      change: `associate ${DENY_ALL_ACL_NAME} (created above) instead: every flow in the subnet stops, tracked or not`,
      before: { subnetId: subnet.subnetId, vpcId: subnet.vpcId, networkAclId: subnet.networkAclId, associationId: subnet.associationId },
      call: ec2Call('ReplaceNetworkAclAssociation', { AssociationId: subnet.associationId, NetworkAclId: created }),
    },
  ];
}

/** The blast radius: every interface in the subnets, the instance's own marked. */
export function subnetTable(interfaces: readonly SubnetInterface[], instanceId: string): PlanTable {
  const others = interfaces.filter((eni) => eni.attachedTo !== instanceId).length;
  return {
    title: `Blast radius of the deny-all network ACL: every interface in the subnet (${others} besides this instance's)`,
    columns: ['subnet', 'network interface', 'attached to', 'private IP', 'type', ''],
    rows: interfaces.map((eni) => [eni.subnetId, eni.id, eni.attachedTo, eni.privateIp, eni.type, eni.attachedTo === instanceId ? 'this instance' : 'ALSO CUT OFF']),
  };
}

/** What the ACL option does and leaves, for the plan's notes. */
export function networkAclNotes(enabled: boolean, subnets: readonly SubnetAcl[], interfaces: readonly SubnetInterface[], instanceId: string): string[] {
  if (!enabled) return [];
  const others = interfaces.filter((eni) => eni.attachedTo !== instanceId);
  return [
    `The deny-all network ACL acts on the whole subnet${subnets.length > 1 ? 's' : ''} ${subnets.map((s) => s.subnetId).join(', ')}: ${others.length} other interface(s) (instances, load balancers, NAT gateways, endpoints) lose all traffic too, listed below. A network ACL is stateless, so open connections stop at once.`,
    'What remains with the ACL: traffic that never leaves the instance (the instance metadata service, the Amazon DNS resolver and Amazon Time Sync are not filtered by network ACLs); Session Manager and the serial console stop working for every instance in the subnet. Undo associates the old ACL again and deletes the one created.',
  ];
}
