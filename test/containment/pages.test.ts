/**
 * Every list and describe call reads every page: each is answered in three pages, the first
 * truncated well below MaxItems (IAM may do that), and the plan's tables must hold every item.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAutoScalingGroupsCommand, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateNetworkAclCommand,
  ReplaceNetworkAclAssociationCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import {
  GetGroupPolicyCommand,
  GetInstanceProfileCommand,
  GetUserPolicyCommand,
  GetRolePolicyCommand,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../lib/containment/apply';
import { AuditLog } from '../../lib/containment/audit-log';
import { planInstanceIsolation } from '../../lib/containment/plan-instance';
import { undoPlan } from '../../lib/containment/undo';
import { planRoleRevocation } from '../../lib/containment/plan-role';
import { planUserContainment } from '../../lib/containment/plan-user';
import type { Plan, PlanTable } from '../../lib/containment/types';
import { encoded, mockRole, mockUser, noSuchEntity, ROLE_ARN, USER, USER_ARN, WINDOW } from './iam-fixtures';
import { INSTANCE, MINIMAL, mockInstance, SUBNET, VPC } from './instance-fixtures';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stubs' own generic types
type Stub = MockedAws['iam'] | any;

/**
 * Answer `Command` in three pages: the first two truncated (one item, far below IAM's default
 * MaxItems of 100), the token passed on each time; the last not.
 */
function threePages(stub: Stub, Command: unknown, input: Record<string, unknown>, field: string, pages: [unknown[], unknown[], unknown[]], style: 'iam' | 'ec2'): void {
  const [tokenIn, tokenOut] = style === 'iam' ? ['Marker', 'Marker'] : ['NextToken', 'NextToken'];
  const more = (token: string) => (style === 'iam' ? { IsTruncated: true, [tokenOut]: token } : { [tokenOut]: token });
  stub.on(Command, input).resolves({ [field]: pages[0], ...more('t1') });
  stub.on(Command, { ...input, [tokenIn]: 't1' }).resolves({ [field]: pages[1], ...more('t2') });
  stub.on(Command, { ...input, [tokenIn]: 't2' }).resolves({ [field]: pages[2], ...(style === 'iam' ? { IsTruncated: false } : {}) });
}

const table = (plan: Plan, title: RegExp): PlanTable => plan.tables.find((t) => title.test(t.title)) as PlanTable;
const count = (aws: MockedAws, command: string) => aws.sent().filter((c) => c.command === command).length;

describe('IAM lists, three pages each', () => {
  it('the user plan shows every key, MFA device, policy and group policy', async () => {
    const aws = mockedAws();
    mockUser(aws);
    const policy = (name: string) => ({ PolicyName: name, PolicyArn: `arn:aws:iam::aws:policy/${name}` });
    const attached = [[policy('ReadOnlyAccess')], [policy('AmazonS3FullAccess')], [policy('AdministratorAccess')]] as [unknown[], unknown[], unknown[]];
    threePages(aws.iam, ListAttachedUserPoliciesCommand, { UserName: USER }, 'AttachedPolicies', attached, 'iam');
    threePages(aws.iam, ListUserPoliciesCommand, { UserName: USER }, 'PolicyNames', [['inline-a'], ['inline-b'], ['inline-star']], 'iam');
    const group = (name: string) => ({ GroupName: name, GroupId: `AGPA${name}`, Arn: `arn:aws:iam::${ACCOUNT}:group/${name}`, Path: '/', CreateDate: new Date() });
    threePages(aws.iam, ListGroupsForUserCommand, { UserName: USER }, 'Groups', [[group('Devs')], [group('Ops')], [group('Admins')]], 'iam');
    for (const name of ['Devs', 'Ops', 'Admins']) {
      threePages(aws.iam, ListAttachedGroupPoliciesCommand, { GroupName: name }, 'AttachedPolicies', [[policy(`${name}-1`)], [policy(`${name}-2`)], [policy(`${name}-3`)]], 'iam');
      threePages(aws.iam, ListGroupPoliciesCommand, { GroupName: name }, 'PolicyNames', [[`${name}-i1`], [`${name}-i2`], [`${name}-star`]], 'iam');
    }
    const star = encoded({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const plain = encoded({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    aws.iam.on(GetUserPolicyCommand).callsFake((input: { PolicyName: string }) => {
      return { PolicyDocument: input.PolicyName.endsWith('star') ? star : plain };
    });
    aws.iam.on(GetGroupPolicyCommand).callsFake((input: { PolicyName: string }) => ({ PolicyDocument: input.PolicyName.endsWith('star') ? star : plain }));
    const device = (name: string, enabled: string) => ({ UserName: USER, SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/${name}`, EnableDate: new Date(enabled) });
    threePages(aws.iam, ListMFADevicesCommand, { UserName: USER }, 'MFADevices', [[device('old-phone', '2023-02-01T00:00:00Z')], [device('yubikey', '2023-05-01T00:00:00Z')], [device('attacker-phone', '2024-03-19T07:00:00Z')]], 'iam');
    const key = (id: string) => ({ UserName: USER, AccessKeyId: id, Status: 'Active', CreateDate: new Date('2023-06-01T00:00:00Z') });
    threePages(aws.iam, ListAccessKeysCommand, { UserName: USER }, 'AccessKeyMetadata', [[key('AKIAPAGEONEKEY000001')], [key('AKIAPAGETWOKEY000002')], [key('AKIAPAGETHREEKEY0003')]], 'iam');

    const plan = await planUserContainment(aws.context, USER_ARN, { window: WINDOW });

    // Expected rows, computed from the pages above.
    const expectedPolicies = [
      ...attached.flat().map((p) => (p as { PolicyArn: string }).PolicyArn),
      'inline-a',
      'inline-b',
      'inline-star',
      ...['Devs', 'Ops', 'Admins'].flatMap((g) => [1, 2, 3].map((i) => `arn:aws:iam::aws:policy/${g}-${i}`).concat([`${g}-i1`, `${g}-i2`, `${g}-star`])),
    ];
    const permissions = table(plan, /blast radius/);
    expect(permissions.rows.map((r) => r[1])).toEqual(expectedPolicies);
    expect(permissions.rows).toHaveLength(3 + 3 + 3 * 6);
    expect(permissions.rows.find((r) => r[1] === 'arn:aws:iam::aws:policy/AdministratorAccess')?.[3]).toBe('BROAD: AdministratorAccess');
    expect(permissions.rows.filter((r) => r[0] === 'group Admins').map((r) => r[1])).toContain('Admins-star');
    expect(permissions.rows.find((r) => r[0] === 'group Admins' && r[1] === 'Admins-star')?.[3]).toBe('BROAD: allows *');
    const mfa = table(plan, /MFA devices/);
    expect(mfa.rows.map((r) => [r[0], r[2]])).toEqual([
      [`arn:aws:iam::${ACCOUNT}:mfa/old-phone`, ''],
      [`arn:aws:iam::${ACCOUNT}:mfa/yubikey`, ''],
      [`arn:aws:iam::${ACCOUNT}:mfa/attacker-phone`, 'YES'],
    ]);
    expect(table(plan, /Access keys/).rows.map((r) => r[0])).toEqual(['AKIAPAGEONEKEY000001', 'AKIAPAGETWOKEY000002', 'AKIAPAGETHREEKEY0003']);
    expect(plan.steps.filter((s) => s.kind === 'user-access-key')).toHaveLength(3);
    for (const command of ['ListAttachedUserPolicies', 'ListUserPolicies', 'ListGroupsForUser', 'ListMFADevices', 'ListAccessKeys']) expect(count(aws, command), command).toBe(3);
    for (const command of ['ListAttachedGroupPolicies', 'ListGroupPolicies']) expect(count(aws, command), command).toBe(9);
  });

  it('the role plan shows every attached and inline policy', async () => {
    const aws = mockedAws();
    mockRole(aws);
    const policy = (name: string) => ({ PolicyName: name, PolicyArn: `arn:aws:iam::aws:policy/${name}` });
    threePages(aws.iam, ListAttachedRolePoliciesCommand, { RoleName: 'WebAppInstanceRole' }, 'AttachedPolicies', [[policy('A')], [policy('B')], [policy('IAMFullAccess')]], 'iam');
    threePages(aws.iam, ListRolePoliciesCommand, { RoleName: 'WebAppInstanceRole' }, 'PolicyNames', [['r1'], ['r2'], ['r3']], 'iam');
    aws.iam.on(GetRolePolicyCommand).callsFake((input: { PolicyName: string }) => {
      if (input.PolicyName === 'AWSRevokeOlderSessions') throw noSuchEntity('policy');
      return { PolicyDocument: encoded({ Version: '2012-10-17', Statement: [] }) };
    });
    const plan = await planRoleRevocation(aws.context, ROLE_ARN);
    expect(table(plan, /blast radius/).rows.map((r) => r[1])).toEqual(['arn:aws:iam::aws:policy/A', 'arn:aws:iam::aws:policy/B', 'arn:aws:iam::aws:policy/IAMFullAccess', 'r1', 'r2', 'r3']);
  });
});

describe('EC2 describes, three pages each', () => {
  it('finds the instance, its profile, the quarantine group and the VPC on the last page', async () => {
    const aws = mockedAws();
    const ID = 'i-0abc1234def567890';
    const VPC = 'vpc-0aaa1111';
    const instance = { InstanceId: ID, State: { Name: 'running' }, VpcId: VPC, NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0primary', VpcId: VPC, Attachment: { DeviceIndex: 0 }, Groups: [{ GroupId: 'sg-0web', GroupName: 'web' }] }] };
    threePages(aws.ec2, DescribeInstancesCommand, { InstanceIds: [ID] }, 'Reservations', [[], [{ Instances: [] }], [{ Instances: [instance] }]], 'ec2');
    aws.ec2.on(DescribeInstanceAttributeCommand).resolves({ DisableApiTermination: { Value: false } });
    const profile = `arn:aws:iam::${ACCOUNT}:instance-profile/web`;
    const association = (n: number) => ({ AssociationId: `iip-assoc-${n}`, InstanceId: ID, IamInstanceProfile: { Arn: profile }, State: 'associated' });
    threePages(aws.ec2, DescribeIamInstanceProfileAssociationsCommand, {}, 'IamInstanceProfileAssociations', [[], [], [association(3)]], 'ec2');
    aws.iam.on(GetInstanceProfileCommand).resolves({ InstanceProfile: { Roles: [{ RoleName: 'WebRole', Arn: `arn:aws:iam::${ACCOUNT}:role/WebRole` }] } as never });
    threePages(aws.ec2, DescribeSecurityGroupsCommand, {}, 'SecurityGroups', [[], [], [{ GroupId: 'sg-0quarantine', GroupName: 'irbook-quarantine', VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [] }]], 'ec2');
    threePages(aws.ec2, DescribeVpcsCommand, {}, 'Vpcs', [[], [], [{ VpcId: VPC }]], 'ec2');
    const plan = await planInstanceIsolation(aws.context, ID, { snapshots: false });
    // No allow-all group on any page: it is created, in the VPC read from the last page.
    expect(plan.steps.map((s) => s.kind)).toEqual(['instance-termination-protection', 'untrack-group-create', 'untrack-group-ingress', 'interface-untrack', 'interface-groups', 'instance-profile']);
    expect(plan.steps[1]?.call?.input).toMatchObject({ GroupName: 'irbook-untrack', VpcId: VPC });
    expect(plan.steps[4]?.call?.input).toEqual({ NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0quarantine'] });
    expect(plan.steps[5]?.call?.input).toEqual({ AssociationId: 'iip-assoc-3' });
    for (const command of ['DescribeInstances', 'DescribeIamInstanceProfileAssociations', 'DescribeVpcs']) expect(count(aws, command), command).toBe(3);
    // Three pages for the quarantine group, three for the allow-all group.
    expect(count(aws, 'DescribeSecurityGroups')).toBe(6);
  });
});

describe('Auto Scaling and network ACL describes, three pages each', () => {
  it('finds the group on the last page, and every interface of the subnet', async () => {
    const aws = mockedAws();
    mockInstance(aws);
    const member = { InstanceId: INSTANCE, AutoScalingGroupName: 'web-asg', LifecycleState: 'InService' };
    threePages(aws.autoscaling, DescribeAutoScalingInstancesCommand, { InstanceIds: [INSTANCE] }, 'AutoScalingInstances', [[], [], [member]], 'ec2');
    const group = { AutoScalingGroupName: 'web-asg', MinSize: 1, MaxSize: 3, DesiredCapacity: 2, SuspendedProcesses: [], Instances: [] };
    threePages(aws.autoscaling, DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['web-asg'] }, 'AutoScalingGroups', [[], [], [group]], 'ec2');
    const acl = { NetworkAclId: 'acl-0old', Entries: [], Tags: [], Associations: [{ NetworkAclAssociationId: 'aclassoc-0old', NetworkAclId: 'acl-0old', SubnetId: SUBNET }] };
    threePages(aws.ec2, DescribeNetworkAclsCommand, { Filters: [{ Name: 'association.subnet-id', Values: [SUBNET] }] }, 'NetworkAcls', [[], [], [acl]], 'ec2');
    const eni = (id: string, instance: string) => ({ NetworkInterfaceId: id, SubnetId: SUBNET, Attachment: { InstanceId: instance } });
    threePages(aws.ec2, DescribeNetworkInterfacesCommand, { Filters: [{ Name: 'subnet-id', Values: [SUBNET] }] }, 'NetworkInterfaces', [[eni('eni-0primary', INSTANCE)], [eni('eni-0b', 'i-0bbbbbbbbbbbbbbbb')], [eni('eni-0c', 'i-0cccccccccccccccc')]], 'ec2');
    const plan = await planInstanceIsolation(aws.context, INSTANCE, { ...MINIMAL, networkAcl: true });
    expect(plan.steps[0]?.call).toEqual({ service: 'autoscaling', command: 'SuspendProcesses', input: expect.objectContaining({ AutoScalingGroupName: 'web-asg' }) });
    expect(plan.steps.find((s) => s.kind === 'network-acl-associate')?.before).toEqual({ subnetId: SUBNET, vpcId: VPC, networkAclId: 'acl-0old', associationId: 'aclassoc-0old' });
    expect(table(plan, /Blast radius/).rows.map((r) => r[1])).toEqual(['eni-0primary', 'eni-0b', 'eni-0c']);
    for (const command of ['DescribeAutoScalingInstances', 'DescribeAutoScalingGroups', 'DescribeNetworkAcls', 'DescribeNetworkInterfaces']) expect(count(aws, command), command).toBe(3);
  });
});

describe("undo's checks against AWS now, three pages each", () => {
  it('finds the instance, its subnet\'s association, the ACL it created and its group on the last page', async () => {
    const aws = mockedAws();
    mockInstance(aws);
    const dir = mkdtempSync(join(tmpdir(), 'irbook-pages-'));
    try {
      aws.autoscaling.on(DescribeAutoScalingInstancesCommand).resolves({ AutoScalingInstances: [{ InstanceId: INSTANCE, AutoScalingGroupName: 'web-asg', LifecycleState: 'InService' }] as never });
      aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'web-asg', MinSize: 1, MaxSize: 3, DesiredCapacity: 2, SuspendedProcesses: [], Instances: [] }] as never });
      const bySubnet = { Filters: [{ Name: 'association.subnet-id', Values: [SUBNET] }] };
      const acl = (id: string, association: string) => ({ NetworkAclId: id, Entries: [], Tags: [], Associations: [{ NetworkAclAssociationId: association, NetworkAclId: id, SubnetId: SUBNET }] });
      aws.ec2.on(DescribeNetworkAclsCommand, bySubnet).resolves({ NetworkAcls: [acl('acl-0old', 'aclassoc-0old')] });
      aws.ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
      aws.ec2.on(CreateNetworkAclCommand).resolves({ NetworkAcl: { NetworkAclId: 'acl-0new' } });
      aws.ec2.on(ReplaceNetworkAclAssociationCommand).resolves({ NewAssociationId: 'aclassoc-0new' });
      const plan = await planInstanceIsolation(aws.context, INSTANCE, { ...MINIMAL, networkAcl: true });
      const log = new AuditLog({ file: join(dir, 'audit.jsonl'), headDir: join(dir, 'heads') });
      await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });

      const instance = { InstanceId: INSTANCE, NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0primary', SubnetId: SUBNET }] };
      threePages(aws.ec2, DescribeInstancesCommand, { InstanceIds: [INSTANCE] }, 'Reservations', [[], [{ Instances: [] }], [{ Instances: [instance] }]], 'ec2');
      threePages(aws.ec2, DescribeNetworkAclsCommand, bySubnet, 'NetworkAcls', [[], [], [acl('acl-0new', 'aclassoc-0new')]], 'ec2');
      threePages(aws.ec2, DescribeNetworkAclsCommand, { NetworkAclIds: ['acl-0new'] }, 'NetworkAcls', [[], [], [{ NetworkAclId: 'acl-0new', Tags: [{ Key: 'Name', Value: 'irbook-deny-all' }] }]], 'ec2');
      threePages(aws.autoscaling, DescribeAutoScalingInstancesCommand, { InstanceIds: [INSTANCE] }, 'AutoScalingInstances', [[], [], [{ InstanceId: INSTANCE, AutoScalingGroupName: 'web-asg' }]], 'ec2');
      aws.ec2.resetHistory();
      aws.autoscaling.resetHistory();
      const report = await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
      expect(report.ok).toBe(true);
      expect(aws.changes().map((c) => c.command)).toEqual(['ReplaceNetworkAclAssociation', 'DeleteNetworkAcl', 'ModifyNetworkInterfaceAttribute', 'ResumeProcesses']);
      // Each check reads all three pages (the instance twice: the interface, and the subnet).
      expect(count(aws, 'DescribeInstances')).toBe(6);
      expect(count(aws, 'DescribeNetworkAcls')).toBe(6);
      expect(count(aws, 'DescribeAutoScalingInstances')).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the source', () => {
  const dir = join(__dirname, '..', '..', 'lib', 'containment');
  const sources = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const);

  it('makes no list or describe call outside the pagination helper', () => {
    // These read one thing (an attribute of one instance, one permission set, one provisioning request): they have no pages.
    const single = new Set(['DescribeInstanceAttribute', 'DescribePermissionSet', 'DescribePermissionSetProvisioningStatus']);
    const direct = sources.flatMap(([file, text]) => [...text.matchAll(/\b((?:List|Describe)\w+)Command\b/g)].map((m) => `${file}: ${m[1]}`)).filter((hit) => !single.has(hit.split(': ')[1] as string));
    expect(direct).toEqual([]);
    const paginated = sources.flatMap(([file, text]) => [...text.matchAll(/\.paginate\w+\(/g)].map(() => file));
    const throughHelper = sources.flatMap(([file, text]) => [...text.matchAll(/everyPage\(\s*\w+\.paginate\w+\(/g)].map(() => file));
    expect(paginated.length).toBeGreaterThanOrEqual(12);
    expect(throughHelper).toEqual(paginated);
  });
});
