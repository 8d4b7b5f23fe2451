/** EC2 steps are tried with DryRun: true before the first change, so a missing permission fails the plan, not the apply. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecurityGroupCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  CreateSnapshotCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../lib/containment/apply';
import { AuditLog, readAuditLog } from '../../lib/containment/audit-log';
import { planInstanceIsolation } from '../../lib/containment/plan-instance';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

const ID = 'i-0abc1234def567890';
const VPC = 'vpc-0aaa1111';
let aws: MockedAws;
let dir: string;
let log: AuditLog;

const dryRunOk = () => Object.assign(new Error('Request would have succeeded, but DryRun flag is set.'), { name: 'DryRunOperation' });
const unauthorized = () => Object.assign(new Error('You are not authorized to perform this operation. User: … is not authorized to perform: ec2:ModifyNetworkInterfaceAttribute'), { name: 'UnauthorizedOperation' });

beforeEach(() => {
  aws = mockedAws();
  const instance = {
    InstanceId: ID,
    State: { Name: 'running' as const },
    VpcId: VPC,
    NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0primary', VpcId: VPC, Attachment: { DeviceIndex: 0 }, Groups: [{ GroupId: 'sg-0web', GroupName: 'web' }] }],
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0root' } }],
  };
  aws.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance] }] });
  aws.ec2.on(DescribeInstanceAttributeCommand).resolves({ DisableApiTermination: { Value: false } });
  aws.ec2.on(DescribeIamInstanceProfileAssociationsCommand).resolves({ IamInstanceProfileAssociations: [] });
  // An empty quarantine group exists: every step's input is known before apply.
  aws.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-0quarantine', GroupName: 'irbook-quarantine', VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [] }] });
  aws.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: VPC }] });
  for (const Command of [ModifyInstanceAttributeCommand, ModifyNetworkInterfaceAttributeCommand, CreateSnapshotCommand]) {
    aws.ec2.on(Command as never, { DryRun: true }).rejects(dryRunOk());
  }
  aws.ec2.on(CreateSnapshotCommand, { DryRun: undefined }).resolves({ SnapshotId: 'snap-0evidence' });
  dir = mkdtempSync(join(tmpdir(), 'irbook-preflight-'));
  log = new AuditLog({ file: join(dir, 'audit.jsonl'), headDir: join(dir, 'heads') });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the DryRun pre-flight', () => {
  it('tries every EC2 step with DryRun before the first change, then applies', async () => {
    const plan = await planInstanceIsolation(aws.context, ID, { cutTrackedConnections: false });
    aws.ec2.resetHistory();
    const report = await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(report.ok).toBe(true);
    const ec2 = aws.sent().filter((c) => c.service === 'ec2');
    const dry = ec2.filter((c) => (c.input as { DryRun?: boolean }).DryRun === true).map((c) => c.command);
    expect(dry).toEqual(['ModifyInstanceAttribute', 'ModifyNetworkInterfaceAttribute', 'CreateSnapshot']);
    // Every dry run comes before the first real change.
    const firstChange = ec2.findIndex((c) => (c.input as { DryRun?: boolean }).DryRun !== true && !/^Describe/.test(c.command));
    const lastDry = ec2.map((c) => (c.input as { DryRun?: boolean }).DryRun === true).lastIndexOf(true);
    expect(lastDry).toBeLessThan(firstChange);
    expect(aws.changes().map((c) => c.command)).toEqual(['ModifyInstanceAttribute', 'ModifyNetworkInterfaceAttribute', 'CreateSnapshot']);
  });

  it('fails the plan, naming the step and the action, when a DryRun is unauthorized: nothing changes, nothing is logged', async () => {
    aws.ec2.on(ModifyNetworkInterfaceAttributeCommand, { DryRun: true }).rejects(unauthorized());
    const plan = await planInstanceIsolation(aws.context, ID, { cutTrackedConnections: false });
    const error = await applyPlan(aws.context, log, plan, { confirm: ACCOUNT }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MissingPermissionError', step: '2', action: 'ec2:ModifyNetworkInterfaceAttribute', target: expect.stringContaining('eni-0primary') });
    expect(aws.changes()).toEqual([]);
    expect(readAuditLog(log.file)).toEqual([]);
  });

  it('skips a step whose input waits on an earlier response (a group not created yet)', async () => {
    aws.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    aws.ec2.on(CreateSecurityGroupCommand, { DryRun: true }).rejects(dryRunOk());
    const plan = await planInstanceIsolation(aws.context, ID, { snapshots: false, cutTrackedConnections: false });
    aws.ec2.resetHistory();
    aws.ec2.on(CreateSecurityGroupCommand, { DryRun: undefined }).resolves({ GroupId: 'sg-0new' });
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.dryRuns().map((c) => c.command)).toEqual(['ModifyInstanceAttribute', 'CreateSecurityGroup']);
  });
});
