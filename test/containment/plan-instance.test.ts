import {
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  type Instance,
  type InstanceNetworkInterface,
} from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { resolveCall } from '../../lib/containment/calls';
import { planInstanceIsolation } from '../../lib/containment/plan-instance';
import type { AwsCall, Plan, PlanStep } from '../../lib/containment/types';
import { ContainmentRefusedError, IrbookError, OptionError } from '../../lib/errors';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

const ID = 'i-0abc1234def567890';
const VPC = 'vpc-0aaa1111';
const PROFILE_ARN = `arn:aws:iam::${ACCOUNT}:instance-profile/apps/web-profile`;
const INCIDENT = 'IR-2024-0319';
// These tests check the one-step swap; test/containment/untrack.test.ts the two-step one.
const SINGLE = { cutTrackedConnections: false };

function eni(id: string, deviceIndex: number, groups: [string, string][], vpcId = VPC): InstanceNetworkInterface {
  return {
    NetworkInterfaceId: id,
    VpcId: vpcId,
    Attachment: { DeviceIndex: deviceIndex, NetworkCardIndex: 0 },
    Groups: groups.map(([GroupId, GroupName]) => ({ GroupId, GroupName })),
    PrivateIpAddresses: [{ PrivateIpAddress: `10.0.0.${deviceIndex + 10}`, Association: deviceIndex === 0 ? { PublicIp: '203.0.113.7' } : undefined }],
  };
}

function instance(overrides: Partial<Instance> = {}): Instance {
  return {
    InstanceId: ID,
    InstanceType: 't3.micro',
    ImageId: 'ami-0123456789abcdef0',
    State: { Name: 'running', Code: 16 },
    VpcId: VPC,
    SubnetId: 'subnet-0bbb2222',
    Placement: { AvailabilityZone: 'us-east-1a' },
    LaunchTime: new Date('2024-03-18T22:10:00Z'),
    KeyName: 'ops-key',
    IamInstanceProfile: { Arn: PROFILE_ARN, Id: 'AIPAEXAMPLE' },
    Tags: [{ Key: 'Name', Value: 'web-1' }],
    NetworkInterfaces: [eni('eni-0primary', 0, [['sg-0web', 'web'], ['sg-0ssh', 'ssh']])],
    BlockDeviceMappings: [
      { DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0root', DeleteOnTermination: true } },
      { DeviceName: '/dev/sdf', Ebs: { VolumeId: 'vol-0data', DeleteOnTermination: false } },
    ],
    ...overrides,
  };
}

interface Setup {
  readonly instance?: Instance;
  readonly protectedNow?: boolean;
  readonly profileRole?: string | null;
  readonly groups?: { GroupId: string; GroupName: string; VpcId: string; rules?: number }[];
  readonly ipv6?: boolean;
  readonly callerArn?: string;
}

function stub(setup: Setup = {}): MockedAws {
  const aws = mockedAws(setup.callerArn ? { callerArn: setup.callerArn } : {});
  aws.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ OwnerId: ACCOUNT, Instances: [setup.instance ?? instance()] }] });
  aws.ec2.on(DescribeInstanceAttributeCommand).resolves({ InstanceId: ID, DisableApiTermination: { Value: setup.protectedNow ?? false } });
  const role = setup.profileRole === undefined ? 'WebAppRole' : setup.profileRole;
  aws.ec2.on(DescribeIamInstanceProfileAssociationsCommand).resolves({
    IamInstanceProfileAssociations:
      role === null ? [] : [{ AssociationId: 'iip-assoc-0123', InstanceId: ID, IamInstanceProfile: { Arn: PROFILE_ARN, Id: 'AIPAEXAMPLE' }, State: 'associated' }],
  });
  aws.iam.on(GetInstanceProfileCommand).resolves({
    InstanceProfile: {
      InstanceProfileName: 'web-profile',
      InstanceProfileId: 'AIPAEXAMPLE',
      Path: '/apps/',
      Arn: PROFILE_ARN,
      CreateDate: new Date('2023-01-01T00:00:00Z'),
      Roles: [{ RoleName: role ?? 'none', Arn: `arn:aws:iam::${ACCOUNT}:role/${role ?? 'none'}`, Path: '/', RoleId: 'AROAEXAMPLE', CreateDate: new Date('2023-01-01T00:00:00Z') }],
    },
  });
  aws.ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: (setup.groups ?? []).map((g) => ({
      GroupId: g.GroupId,
      GroupName: g.GroupName,
      VpcId: g.VpcId,
      IpPermissions: Array.from({ length: g.rules ?? 0 }, () => ({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] })),
      IpPermissionsEgress: [],
    })),
  });
  aws.ec2.on(DescribeVpcsCommand).resolves({
    Vpcs: [
      {
        VpcId: VPC,
        Ipv6CidrBlockAssociationSet: setup.ipv6 ? [{ Ipv6CidrBlock: '2600:1f18::/56', Ipv6CidrBlockState: { State: 'associated' } }] : [],
      },
    ],
  });
  return aws;
}

const reads = (aws: MockedAws) => aws.sent().map((call) => call.command);
const calls = (plan: Plan) => plan.steps.map((step) => (step.call ? [step.id, step.call.command, step.call.input] : [step.id, null]));
const step = (plan: Plan, id: string): PlanStep => plan.steps.find((s) => s.id === id) as PlanStep;
const undoCalls = (s: PlanStep): readonly AwsCall[] => ('calls' in s.undo ? s.undo.calls : []);

const instanceFilters = [
  { Name: 'instance-id', Values: [ID] },
  { Name: 'state', Values: ['associated'] },
];
const snapshotTags = (device: string) => [
  {
    ResourceType: 'snapshot',
    Tags: [
      { Key: 'irbook:incident', Value: INCIDENT },
      { Key: 'irbook:instance', Value: ID },
      { Key: 'irbook:device', Value: device },
    ],
  },
];

describe('planInstanceIsolation', () => {
  it('reads the instance, then plans protect, create and empty a group, isolate, detach, snapshot — sending no change', async () => {
    const aws = stub();
    const plan = await planInstanceIsolation(aws.context, ID, SINGLE);

    expect(aws.sent()).toEqual([
      { service: 'ec2', command: 'DescribeInstances', input: { InstanceIds: [ID] } },
      { service: 'ec2', command: 'DescribeInstanceAttribute', input: { InstanceId: ID, Attribute: 'disableApiTermination' } },
      { service: 'ec2', command: 'DescribeIamInstanceProfileAssociations', input: { Filters: instanceFilters } },
      { service: 'iam', command: 'GetInstanceProfile', input: { InstanceProfileName: 'web-profile' } },
      {
        service: 'ec2',
        command: 'DescribeSecurityGroups',
        input: { Filters: [{ Name: 'group-name', Values: ['irbook-quarantine'] }, { Name: 'vpc-id', Values: [VPC] }] },
      },
      { service: 'ec2', command: 'DescribeVpcs', input: { VpcIds: [VPC] } },
      // Not in an Auto Scaling group: no group to read, no step for it.
      { service: 'autoscaling', command: 'DescribeAutoScalingInstances', input: { InstanceIds: [ID] } },
    ]);
    expect(aws.changes()).toEqual([]);

    const groupId = { $output: '2', field: 'GroupId' };
    const egress = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
    expect(calls(plan)).toEqual([
      ['1', 'ModifyInstanceAttribute', { InstanceId: ID, DisableApiTermination: { Value: true } }],
      [
        '2',
        'CreateSecurityGroup',
        {
          GroupName: 'irbook-quarantine',
          Description: `irbook quarantine for incident ${INCIDENT}: no rules`,
          VpcId: VPC,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'irbook:incident', Value: INCIDENT }] }],
        },
      ],
      ['3', 'RevokeSecurityGroupEgress', { GroupId: groupId, IpPermissions: egress }],
      ['4', 'ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: 'eni-0primary', Groups: [groupId] }],
      ['5', 'DisassociateIamInstanceProfile', { AssociationId: 'iip-assoc-0123' }],
      ['6', 'CreateSnapshot', { VolumeId: 'vol-0root', Description: `irbook ${INCIDENT}: evidence from ${ID} /dev/xvda`, TagSpecifications: snapshotTags('/dev/xvda') }],
      ['7', 'CreateSnapshot', { VolumeId: 'vol-0data', Description: `irbook ${INCIDENT}: evidence from ${ID} /dev/sdf`, TagSpecifications: snapshotTags('/dev/sdf') }],
    ]);
    expect(plan.steps.every((s) => s.call?.service === 'ec2')).toBe(true);

    expect(step(plan, '1').undo).toEqual({ calls: [{ service: 'ec2', command: 'ModifyInstanceAttribute', input: { InstanceId: ID, DisableApiTermination: { Value: false } } }] });
    expect(step(plan, '1').before).toEqual({ disableApiTermination: false });
    expect(step(plan, '2').undo).toEqual({ calls: [{ service: 'ec2', command: 'DeleteSecurityGroup', input: { GroupId: groupId } }] });
    expect(step(plan, '3').undo).toEqual({
      calls: [{ service: 'ec2', command: 'AuthorizeSecurityGroupEgress', input: { GroupId: groupId, IpPermissions: egress } }],
    });
    expect(step(plan, '4').before).toEqual({ networkInterfaceId: 'eni-0primary', groups: [{ id: 'sg-0web', name: 'web' }, { id: 'sg-0ssh', name: 'ssh' }] });
    expect(step(plan, '4').current).toContain('sg-0web (web), sg-0ssh (ssh)');
    expect(step(plan, '4').undo).toEqual({
      calls: [{ service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0web', 'sg-0ssh'] } }],
    });
    expect(step(plan, '5').before).toEqual({
      associationId: 'iip-assoc-0123',
      instanceProfileArn: PROFILE_ARN,
      roles: [{ name: 'WebAppRole', arn: `arn:aws:iam::${ACCOUNT}:role/WebAppRole` }],
    });
    expect(step(plan, '5').undo).toEqual({
      calls: [{ service: 'ec2', command: 'AssociateIamInstanceProfile', input: { InstanceId: ID, IamInstanceProfile: { Arn: PROFILE_ARN } } }],
    });
    for (const id of ['6', '7']) expect(step(plan, id).undo).toEqual({ cannot: expect.stringContaining('a snapshot is evidence: it is kept') });

    expect(plan).toMatchObject({
      kind: 'ec2-instance',
      account: ACCOUNT,
      region: 'us-east-1',
      target: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${ID}`,
      incident: INCIDENT,
    });
    expect(plan.id).toMatch(new RegExp(`^ec2-instance/${ID}/`));
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('writes placeholders that apply can fill from the create step’s response', async () => {
    const plan = await planInstanceIsolation(stub().context, ID, SINGLE);
    const outputs = new Map([['2', { GroupId: 'sg-0new' }]]);
    expect(resolveCall(step(plan, '4').call!, outputs).input).toEqual({ NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0new'] });
    expect(undoCalls(step(plan, '2'))[0]!.input).toEqual({ GroupId: { $output: '2', field: 'GroupId' } });
  });

  it('shows the instance facts and the groups of each interface', async () => {
    const plan = await planInstanceIsolation(stub().context, ID, SINGLE);
    const facts = Object.fromEntries(plan.tables[0]!.rows.map(([k, v]) => [k, v]));
    expect(facts).toMatchObject({
      State: 'running',
      Type: 't3.micro',
      VPC: VPC,
      Subnet: 'subnet-0bbb2222',
      'Private IPs': '10.0.0.10',
      'Public IPs': '203.0.113.7',
      'Launch time': '2024-03-18T22:10:00.000Z',
      'Key name': 'ops-key',
      'Instance profile': `${PROFILE_ARN} (role WebAppRole)`,
      Tags: 'Name=web-1',
    });
    expect(plan.tables[1]!.rows).toEqual([
      ['eni-0primary', '0', 'sg-0web', 'web'],
      ['eni-0primary', '0', 'sg-0ssh', 'ssh'],
    ]);
    expect(plan.notes.join('\n')).toMatch(/Tracked connections are NOT cut/);
    expect(plan.notes.join('\n')).toMatch(/WebAppRole/);
    expect(plan.notes.join('\n')).not.toMatch(/Auto Scaling/);
  });

  it('also revokes outbound IPv6 when the VPC has an IPv6 block', async () => {
    const plan = await planInstanceIsolation(stub({ ipv6: true }).context, ID, SINGLE);
    expect(step(plan, '3').call?.input).toEqual({
      GroupId: { $output: '2', field: 'GroupId' },
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    });
  });

  it('moves every network interface, primary first, each undone to its own groups', async () => {
    const two = instance({
      NetworkInterfaces: [eni('eni-0second', 1, [['sg-0db', 'db']]), eni('eni-0primary', 0, [['sg-0web', 'web']])],
    });
    const plan = await planInstanceIsolation(stub({ instance: two, profileRole: null }).context, ID, { ...SINGLE, snapshots: false });
    const groupId = { $output: '2', field: 'GroupId' };
    expect(calls(plan).map(([id, command]) => [id, command])).toEqual([
      ['1', 'ModifyInstanceAttribute'],
      ['2', 'CreateSecurityGroup'],
      ['3', 'RevokeSecurityGroupEgress'],
      ['4', 'ModifyNetworkInterfaceAttribute'],
      ['5', 'ModifyNetworkInterfaceAttribute'],
    ]);
    expect(step(plan, '4').call?.input).toEqual({ NetworkInterfaceId: 'eni-0primary', Groups: [groupId] });
    expect(step(plan, '5').call?.input).toEqual({ NetworkInterfaceId: 'eni-0second', Groups: [groupId] });
    expect(undoCalls(step(plan, '4'))[0]!.input).toEqual({ NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0web'] });
    expect(undoCalls(step(plan, '5'))[0]!.input).toEqual({ NetworkInterfaceId: 'eni-0second', Groups: ['sg-0db'] });
    expect(plan.tables[1]!.rows).toEqual([
      ['eni-0primary', '0', 'sg-0web', 'web'],
      ['eni-0second', '1', 'sg-0db', 'db'],
    ]);
  });

  it('creates a quarantine group per VPC when interfaces are in two VPCs', async () => {
    const twoVpcs = instance({
      NetworkInterfaces: [eni('eni-0primary', 0, [['sg-0web', 'web']]), eni('eni-0other', 1, [['sg-0x', 'x']], 'vpc-0ccc3333')],
    });
    const aws = stub({ instance: twoVpcs, profileRole: null, groups: [{ GroupId: 'sg-0q', GroupName: 'irbook-quarantine', VpcId: 'vpc-0ccc3333' }] });
    const plan = await planInstanceIsolation(aws.context, ID, { ...SINGLE, snapshots: false });
    expect(aws.sent().find((c) => c.command === 'DescribeSecurityGroups')?.input).toEqual({
      Filters: [{ Name: 'group-name', Values: ['irbook-quarantine'] }, { Name: 'vpc-id', Values: [VPC, 'vpc-0ccc3333'] }],
    });
    expect(aws.sent().find((c) => c.command === 'DescribeVpcs')?.input).toEqual({ VpcIds: [VPC] });
    expect(step(plan, '4').call?.input).toEqual({ NetworkInterfaceId: 'eni-0primary', Groups: [{ $output: '2', field: 'GroupId' }] });
    expect(step(plan, '5').call?.input).toEqual({ NetworkInterfaceId: 'eni-0other', Groups: ['sg-0q'] });
  });

  it('reuses an empty quarantine group: no create steps, its id goes straight into the interface step', async () => {
    const aws = stub({ groups: [{ GroupId: 'sg-0quarantine', GroupName: 'irbook-quarantine', VpcId: VPC }] });
    const plan = await planInstanceIsolation(aws.context, ID, { ...SINGLE, snapshots: false });
    expect(reads(aws)).not.toContain('DescribeVpcs');
    expect(calls(plan)).toEqual([
      ['1', 'ModifyInstanceAttribute', { InstanceId: ID, DisableApiTermination: { Value: true } }],
      ['2', 'ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0quarantine'] }],
      ['3', 'DisassociateIamInstanceProfile', { AssociationId: 'iip-assoc-0123' }],
    ]);
    expect(aws.changes()).toEqual([]);
  });

  it('plans no call for an interface already only in the quarantine group', async () => {
    const isolated = instance({ NetworkInterfaces: [eni('eni-0primary', 0, [['sg-0quarantine', 'irbook-quarantine']])] });
    const aws = stub({ instance: isolated, protectedNow: true, profileRole: null, groups: [{ GroupId: 'sg-0quarantine', GroupName: 'irbook-quarantine', VpcId: VPC }] });
    const plan = await planInstanceIsolation(aws.context, ID, { ...SINGLE, snapshots: false });
    expect(plan.steps.map((s) => s.call)).toEqual([undefined, undefined]);
    expect(plan.steps.map((s) => s.change)).toEqual([expect.stringMatching(/^none: /), expect.stringMatching(/^none: /)]);
  });

  it('uses the given quarantine group name in the read and the create', async () => {
    const aws = stub({ profileRole: null });
    const plan = await planInstanceIsolation(aws.context, ID, { ...SINGLE, quarantineGroupName: 'ir-isolation', snapshots: false });
    expect(aws.sent().find((c) => c.command === 'DescribeSecurityGroups')?.input).toMatchObject({ Filters: [{ Name: 'group-name', Values: ['ir-isolation'] }, expect.anything()] });
    expect(step(plan, '2').call?.input).toMatchObject({ GroupName: 'ir-isolation' });
  });

  it('refuses a quarantine group that has rules, naming the option', async () => {
    const aws = stub({ groups: [{ GroupId: 'sg-0quarantine', GroupName: 'irbook-quarantine', VpcId: VPC, rules: 1 }] });
    const error = await planInstanceIsolation(aws.context, ID, SINGLE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect(error).toMatchObject({ option: 'quarantineGroupName', value: 'irbook-quarantine' });
    expect((error as Error).message).toMatch(/sg-0quarantine.*remove its rules or pass another quarantineGroupName/);
  });

  it('plans no call when termination protection is already on', async () => {
    const plan = await planInstanceIsolation(stub({ protectedNow: true }).context, ID, SINGLE);
    const first = step(plan, '1');
    expect(first.call).toBeUndefined();
    expect(first.change).toMatch(/^none: /);
    expect(first.before).toEqual({ disableApiTermination: true });
    expect(first.undo).toEqual({ calls: [] });
    expect(step(plan, '2').call?.command).toBe('CreateSecurityGroup');
  });

  it('refuses an instance whose profile role is the role the notebook runs as', async () => {
    const aws = stub({ profileRole: 'IrbookNotebookRole' });
    const error = await planInstanceIsolation(aws.context, ID, SINGLE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainmentRefusedError);
    expect((error as Error).message).toMatch(/may be the instance running the notebook/);
    expect(reads(aws)).not.toContain('DescribeSecurityGroups');
    expect(aws.changes()).toEqual([]);
  });

  it.each(['i-123', 'I-0ABC1234DEF567890', 'vol-0abc1234def56789', ''])('refuses the malformed instance id %j before reading', async (bad) => {
    const aws = stub();
    const error = await planInstanceIsolation(aws.context, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect(error).toMatchObject({ option: 'instanceId', value: bad });
    expect(aws.sent()).toEqual([]);
  });

  it('refuses a malformed quarantine group name', async () => {
    const error = await planInstanceIsolation(stub().context, ID, { quarantineGroupName: 'sg-evil' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ option: 'quarantineGroupName' });
  });

  it('says which instance and region when the instance is not found', async () => {
    const aws = mockedAws();
    aws.ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error(`The instance ID '${ID}' does not exist`), { name: 'InvalidInstanceID.NotFound' }));
    const error = await planInstanceIsolation(aws.context, ID, SINGLE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IrbookError);
    expect(error).toMatchObject({ name: 'TargetNotFoundError', target: `instance ${ID}`, reason: `not found in region us-east-1 of account ${ACCOUNT}` });

    const empty = mockedAws();
    const again = await planInstanceIsolation(empty.context, ID, SINGLE).catch((e: unknown) => e);
    expect((again as Error).message).toMatch(/not found in region us-east-1/);
  });

  it('reads every page of security groups', async () => {
    const aws = stub({ profileRole: null });
    aws.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [], NextToken: 'page-2' });
    aws.ec2
      .on(DescribeSecurityGroupsCommand, { NextToken: 'page-2' })
      .resolves({ SecurityGroups: [{ GroupId: 'sg-0late', GroupName: 'irbook-quarantine', VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [] }] });
    const plan = await planInstanceIsolation(aws.context, ID, { ...SINGLE, snapshots: false });
    expect(aws.sent().filter((c) => c.command === 'DescribeSecurityGroups')).toHaveLength(2);
    expect(step(plan, '2').call?.input).toEqual({ NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0late'] });
  });

  it('warns about an Auto Scaling tag on an instance no group lists, and leaves snapshots out when asked', async () => {
    const scaled = instance({ Tags: [{ Key: 'aws:autoscaling:groupName', Value: 'web-asg' }] });
    const plan = await planInstanceIsolation(stub({ instance: scaled }).context, ID, { ...SINGLE, snapshots: false });
    expect(plan.steps.some((s) => s.call?.command === 'CreateSnapshot')).toBe(false);
    expect(plan.steps.some((s) => s.kind.startsWith('autoscaling'))).toBe(false);
    expect(plan.notes.join('\n')).toMatch(/tagged with Auto Scaling group web-asg but was not read as a member/);
    expect(plan.notes.join('\n')).not.toMatch(/memory/);
  });
});
