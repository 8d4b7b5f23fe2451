/**
 * Cutting tracked connections, as EC2's connection-tracking documentation describes: a
 * security-group change leaves tracked flows (an open SSH session, a reverse shell) running.
 * Moving an interface first to a group that allows all traffic in and out makes its flows
 * untracked; moving it then to the quarantine group drops them at once.
 */

import type { ContainmentContext } from './context';
import type { StepDraft } from './context';
import { OptionError } from '../errors';
import { stepOutput } from './calls';
import { everyPage } from './pages';
import type { AwsCall, Json } from './types';

/** The allow-all group's name. */
export const UNTRACK_GROUP_NAME = 'irbook-untrack';

/** An interface as the isolation plan sees it. */
export interface UntrackInterface {
  readonly id: string;
  readonly vpcId: string;
  readonly deviceIndex: number;
  readonly groups: readonly { readonly id: string; readonly name: string }[];
}

/** The rules that make every flow untracked: all protocols, every address, in (and out, a new group's default). */
export function allowAllIngress(ipv6: boolean): Json {
  const permission: Record<string, Json> = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
  if (ipv6) permission.Ipv6Ranges = [{ CidrIpv6: '::/0' }];
  return [permission];
}

const ec2 = (command: string, input: { readonly [key: string]: Json }): AwsCall => ({ service: 'ec2', command, input });

/**
 * Allow-all groups already in these VPCs, by VPC. A group of that name with other rules is
 * refused: it would not make every flow untracked.
 */
export async function readUntrackGroups(context: ContainmentContext, vpcIds: readonly string[]): Promise<Map<string, string>> {
  const sdk = await import('@aws-sdk/client-ec2');
  const filters = [
    { Name: 'group-name', Values: [UNTRACK_GROUP_NAME] },
    { Name: 'vpc-id', Values: [...vpcIds] },
  ];
  const groups = await everyPage(sdk.paginateDescribeSecurityGroups({ client: context.clients.ec2 }, { Filters: filters }), (page) => page.SecurityGroups);
  const found = new Map<string, string>();
  const allowsAll = (rules: readonly { IpProtocol?: string; IpRanges?: readonly { CidrIp?: string }[] }[] | undefined): boolean =>
    (rules ?? []).some((rule) => rule.IpProtocol === '-1' && (rule.IpRanges ?? []).some((range) => range.CidrIp === '0.0.0.0/0'));
  for (const group of groups) {
    if (!group.GroupId || !group.VpcId || group.GroupName !== UNTRACK_GROUP_NAME) continue;
    if (!allowsAll(group.IpPermissions) || !allowsAll(group.IpPermissionsEgress)) {
      throw new OptionError('cutTrackedConnections', true, `security group ${UNTRACK_GROUP_NAME} (${group.GroupId}) in ${group.VpcId} does not allow all traffic in and out, so it would not untrack flows: fix or delete it, or pass cutTrackedConnections: false`);
    }
    found.set(group.VpcId, group.GroupId);
  }
  return found;
}

/** Create the allow-all group in a VPC and open its ingress (its egress allows all already). */
export function untrackGroupSteps(incident: string, vpcId: string, ipv6: boolean, createId: string): StepDraft[] {
  const ingress = allowAllIngress(ipv6);
  return [
    {
      kind: 'untrack-group-create',
      action: 'Create allow-all group (cuts tracked connections)',
      target: `security group ${UNTRACK_GROUP_NAME} in ${vpcId}`,
      current: `${vpcId} has no security group named ${UNTRACK_GROUP_NAME}`,
      change: `create ${UNTRACK_GROUP_NAME}: used for seconds, so existing flows become untracked before the quarantine group drops them`,
      before: { groupName: UNTRACK_GROUP_NAME, vpcId, exists: false },
      call: ec2('CreateSecurityGroup', {
        GroupName: UNTRACK_GROUP_NAME,
        Description: `irbook ${incident}: allow all, to untrack flows before quarantine`,
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'irbook:incident', Value: incident }] }],
      }),
    },
    {
      kind: 'untrack-group-ingress',
      action: 'Allow all inbound on the allow-all group',
      target: `security group ${UNTRACK_GROUP_NAME} in ${vpcId}`,
      current: 'a new group allows no inbound traffic',
      change: `allow all inbound traffic${ipv6 ? ' (IPv4 and IPv6)' : ''}: with all outbound allowed too, no flow through it is tracked`,
      before: { groupName: UNTRACK_GROUP_NAME, vpcId, ingress },
      call: ec2('AuthorizeSecurityGroupIngress', { GroupId: stepOutput(createId, 'GroupId'), IpPermissions: ingress }),
    },
  ];
}

/** Move one interface to the allow-all group, just before the quarantine step moves it on. */
export function untrackInterfaceStep(eni: UntrackInterface, groupId: Json): StepDraft {
  return {
    kind: 'interface-untrack',
    action: 'Move network interface to allow-all group first',
    target: `network interface ${eni.id} (device ${eni.deviceIndex})`,
    current: `in ${eni.groups.map((g) => `${g.id} (${g.name})`).join(', ') || 'no security group'}`,
    change: `replace its groups with ${UNTRACK_GROUP_NAME}${typeof groupId === 'string' ? ` (${groupId})` : ' (created above)'}: its flows become untracked`,
    before: { networkInterfaceId: eni.id, groups: eni.groups.map((g) => ({ id: g.id, name: g.name })) },
    call: ec2('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: eni.id, Groups: [groupId] }),
  };
}

/** What the two-step swap leaves, for the plan's notes. */
export function untrackNotes(cut: boolean, networkAcl = false): string[] {
  if (!cut) {
    if (networkAcl) return ['The security-group swap does not cut tracked connections (cutTrackedConnections: false); the deny-all network ACL does.'];
    return ['Tracked connections are NOT cut (cutTrackedConnections: false): an open SSH session or reverse shell goes on until it closes. Plan again without that option, or with networkAcl: true (a deny-all network ACL on the subnet).'];
  }
  return [
    `Tracked connections are cut: each interface goes first to ${UNTRACK_GROUP_NAME} (all traffic allowed, so flows become untracked), then to the quarantine group, which drops untracked flows at once. Between the two steps, a second or so, the instance accepts traffic from anywhere.`,
    'What remains: the instance keeps running (processes, memory, files); traffic security groups never filter goes on (the Amazon DNS resolver, the instance metadata service, Amazon Time Sync, Windows license activation); credentials already taken from it stay valid until revoked.',
  ];
}
