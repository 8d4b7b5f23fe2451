/**
 * The deny-all network ACL option: opt-in, shown with every interface of the subnet it cuts
 * off; applied as create-then-associate; undone by associating the old ACL again and deleting
 * the one created.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateNetworkAclCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  ReplaceNetworkAclAssociationCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../lib/containment/apply';
import { AuditLog } from '../../lib/containment/audit-log';
import { planInstanceIsolation } from '../../lib/containment/plan-instance';
import { undoPlan } from '../../lib/containment/undo';
import { INSTANCE, MINIMAL, mockInstance, QUARANTINE, SUBNET, VPC } from './instance-fixtures';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

const OLD_ACL = 'acl-0old1111';
const NEW_ACL = 'acl-0new2222';
const OLD_ASSOCIATION = 'aclassoc-0old1111';
const NEW_ASSOCIATION = 'aclassoc-0new2222';
const BY_SUBNET = { Filters: [{ Name: 'association.subnet-id', Values: [SUBNET] }] };
const WITH_ACL = { ...MINIMAL, networkAcl: true };

let aws: MockedAws;
let dir: string;
let log: AuditLog;

/** The subnet's ACL as EC2 describes it. */
function subnetAcl(id: string, association: string, denyAll: boolean): void {
  const entries = denyAll
    ? [{ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny' as const, Egress: false, CidrBlock: '0.0.0.0/0' }, { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny' as const, Egress: true, CidrBlock: '0.0.0.0/0' }]
    : [{ RuleNumber: 100, Protocol: '-1', RuleAction: 'allow' as const, Egress: false, CidrBlock: '0.0.0.0/0' }];
  const tags = denyAll ? [{ Key: 'Name', Value: 'irbook-deny-all' }] : [];
  aws.ec2.on(DescribeNetworkAclsCommand, BY_SUBNET).resolves({
    NetworkAcls: [{ NetworkAclId: id, VpcId: VPC, IsDefault: !denyAll, Entries: entries, Tags: tags, Associations: [{ NetworkAclAssociationId: association, NetworkAclId: id, SubnetId: SUBNET }] }],
  });
}

beforeEach(() => {
  aws = mockedAws();
  mockInstance(aws);
  subnetAcl(OLD_ACL, OLD_ASSOCIATION, false);
  aws.ec2.on(DescribeNetworkAclsCommand, { NetworkAclIds: [NEW_ACL] }).resolves({ NetworkAcls: [{ NetworkAclId: NEW_ACL, VpcId: VPC, Tags: [{ Key: 'Name', Value: 'irbook-deny-all' }] }] });
  aws.ec2.on(DescribeNetworkInterfacesCommand).resolves({
    NetworkInterfaces: [
      { NetworkInterfaceId: 'eni-0primary', SubnetId: SUBNET, PrivateIpAddress: '10.0.1.10', InterfaceType: 'interface', Attachment: { InstanceId: INSTANCE } },
      { NetworkInterfaceId: 'eni-0neighbour', SubnetId: SUBNET, PrivateIpAddress: '10.0.1.11', InterfaceType: 'interface', Attachment: { InstanceId: 'i-0neighbour000000001' } },
      { NetworkInterfaceId: 'eni-0nat', SubnetId: SUBNET, PrivateIpAddress: '10.0.1.12', InterfaceType: 'nat_gateway' as never, Description: 'Interface for NAT Gateway nat-0abc' },
    ],
  });
  aws.ec2.on(CreateNetworkAclCommand, { DryRun: true }).rejects(Object.assign(new Error('Request would have succeeded, but DryRun flag is set.'), { name: 'DryRunOperation' }));
  aws.ec2.on(CreateNetworkAclCommand, { DryRun: undefined }).resolves({ NetworkAcl: { NetworkAclId: NEW_ACL, VpcId: VPC } });
  aws.ec2.on(ReplaceNetworkAclAssociationCommand, { AssociationId: OLD_ASSOCIATION }).resolves({ NewAssociationId: NEW_ASSOCIATION });
  dir = mkdtempSync(join(tmpdir(), 'irbook-acl-'));
  log = new AuditLog({ file: join(dir, 'audit.jsonl'), headDir: join(dir, 'heads') });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const create = {
  service: 'ec2',
  command: 'CreateNetworkAcl',
  input: {
    VpcId: VPC,
    TagSpecifications: [{ ResourceType: 'network-acl', Tags: [{ Key: 'Name', Value: 'irbook-deny-all' }, { Key: 'irbook:incident', Value: 'IR-2024-0319' }] }],
  },
};

describe('the deny-all network ACL option', () => {
  it('is off by default: no ACL read, no ACL step', async () => {
    const plan = await planInstanceIsolation(aws.context, INSTANCE, MINIMAL);
    expect(aws.sent().map((c) => c.command)).not.toContain('DescribeNetworkAcls');
    expect(plan.steps.some((s) => s.kind.startsWith('network-acl'))).toBe(false);
  });

  it('plans create-then-associate for the subnet, lists every interface it cuts off, and sends no change', async () => {
    const plan = await planInstanceIsolation(aws.context, INSTANCE, WITH_ACL);
    expect(aws.changes()).toEqual([]);
    expect(aws.sent().filter((c) => /NetworkAcls|NetworkInterfaces/.test(c.command))).toEqual([
      { service: 'ec2', command: 'DescribeNetworkAcls', input: BY_SUBNET },
      { service: 'ec2', command: 'DescribeNetworkInterfaces', input: { Filters: [{ Name: 'subnet-id', Values: [SUBNET] }] } },
    ]);
    expect(plan.steps.map((s) => [s.id, s.kind, s.call?.command])).toEqual([
      ['1', 'instance-termination-protection', undefined],
      ['2', 'interface-groups', 'ModifyNetworkInterfaceAttribute'],
      ['3', 'network-acl-create', 'CreateNetworkAcl'],
      ['4', 'network-acl-associate', 'ReplaceNetworkAclAssociation'],
    ]);
    expect(plan.steps[2]).toMatchObject({ call: create, undo: { calls: [{ service: 'ec2', command: 'DeleteNetworkAcl', input: { NetworkAclId: { $output: '3', field: 'NetworkAcl.NetworkAclId' } } }] } });
    expect(plan.steps[3]).toMatchObject({
      before: { subnetId: SUBNET, vpcId: VPC, networkAclId: OLD_ACL, associationId: OLD_ASSOCIATION },
      call: { input: { AssociationId: OLD_ASSOCIATION, NetworkAclId: { $output: '3', field: 'NetworkAcl.NetworkAclId' } } },
    });
    const radius = plan.tables.find((t) => t.title.startsWith('Blast radius of the deny-all network ACL'));
    expect(radius?.title).toContain('(2 besides this instance');
    expect(radius?.rows.map((r) => [r[1], r[2], r[5]])).toEqual([
      ['eni-0primary', INSTANCE, 'this instance'],
      ['eni-0neighbour', 'i-0neighbour000000001', 'ALSO CUT OFF'],
      ['eni-0nat', 'Interface for NAT Gateway nat-0abc', 'ALSO CUT OFF'],
    ]);
    expect(plan.notes.join('\n')).toMatch(/whole subnet subnet-0bbb2222: 2 other interface\(s\)/);
    expect(plan.notes.join('\n')).toMatch(/What remains with the ACL/);
  });

  it('is refused without the confirmation; applied after a dry run of the create; undo re-associates the old ACL, then deletes the new one', async () => {
    const plan = await planInstanceIsolation(aws.context, INSTANCE, WITH_ACL);
    await expect(applyPlan(aws.context, log, plan, { confirm: '' })).rejects.toMatchObject({ guard: 'confirm' });
    expect(aws.changes()).toEqual([]);
    aws.ec2.resetHistory();

    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.dryRuns().map((c) => c.command)).toContain('CreateNetworkAcl');
    expect(aws.changes()).toEqual([
      { service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0primary', Groups: [QUARANTINE] } },
      create,
      { service: 'ec2', command: 'ReplaceNetworkAclAssociation', input: { AssociationId: OLD_ASSOCIATION, NetworkAclId: NEW_ACL } },
    ]);

    subnetAcl(NEW_ACL, NEW_ASSOCIATION, true);
    aws.ec2.resetHistory();
    await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([
      { service: 'ec2', command: 'ReplaceNetworkAclAssociation', input: { AssociationId: NEW_ASSOCIATION, NetworkAclId: OLD_ACL } },
      { service: 'ec2', command: 'DeleteNetworkAcl', input: { NetworkAclId: NEW_ACL } },
      { service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0web'] } },
    ]);
  });

  it('refuses to undo when the subnet was re-associated since, and plans nothing for a subnet cut off already', async () => {
    const plan = await planInstanceIsolation(aws.context, INSTANCE, WITH_ACL);
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    // Someone put another ACL on the subnet by hand: the association this step made is gone.
    subnetAcl('acl-0other333', 'aclassoc-0other333', false);
    aws.ec2.resetHistory();
    await expect(undoPlan(aws.context, log, plan, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'StepRefusedError', step: '4', reason: expect.stringContaining('associated by aclassoc-0other333 now') });
    expect(aws.changes()).toEqual([]);

    subnetAcl(NEW_ACL, NEW_ASSOCIATION, true);
    const again = await planInstanceIsolation(aws.context, INSTANCE, WITH_ACL);
    const acl = again.steps.filter((s) => s.kind.startsWith('network-acl'));
    expect(acl).toHaveLength(1);
    expect(acl[0]).toMatchObject({ kind: 'network-acl-associate', change: 'none: the subnet is cut off already' });
    expect(acl[0]?.call).toBeUndefined();
  });
});
