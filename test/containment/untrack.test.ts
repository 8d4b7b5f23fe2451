/**
 * Isolation cuts tracked connections with the two-step swap: every moving interface goes to an
 * allow-all group first (flows become untracked), then to the quarantine group; undo puts the
 * old groups back and removes what it created.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../lib/containment/apply';
import { AuditLog } from '../../lib/containment/audit-log';
import { planInstanceIsolation } from '../../lib/containment/plan-instance';
import { undoPlan } from '../../lib/containment/undo';
import { INSTANCE as ID, mockInstance, VPC } from './instance-fixtures';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

const ALL_IN = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
let aws: MockedAws;
let dir: string;

beforeEach(() => {
  aws = mockedAws();
  mockInstance(aws);
  aws.ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-0untrack' });
  dir = mkdtempSync(join(tmpdir(), 'irbook-untrack-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('cutting tracked connections', () => {
  it('creates an allow-all group, moves the interface there, then to quarantine; undo reverses it', async () => {
    const plan = await planInstanceIsolation(aws.context, ID, { snapshots: false });
    expect(plan.steps.map((s) => [s.kind, s.call?.command])).toEqual([
      ['instance-termination-protection', undefined],
      ['untrack-group-create', 'CreateSecurityGroup'],
      ['untrack-group-ingress', 'AuthorizeSecurityGroupIngress'],
      ['interface-untrack', 'ModifyNetworkInterfaceAttribute'],
      ['interface-groups', 'ModifyNetworkInterfaceAttribute'],
    ]);
    expect(plan.notes.join('\n')).toMatch(/Tracked connections are cut.*What remains/s);
    expect(plan.notes.join('\n')).toContain('Amazon DNS resolver');

    const log = new AuditLog({ file: join(dir, 'audit.jsonl'), headDir: join(dir, 'heads') });
    aws.ec2.resetHistory();
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([
      { service: 'ec2', command: 'CreateSecurityGroup', input: expect.objectContaining({ GroupName: 'irbook-untrack', VpcId: VPC }) },
      { service: 'ec2', command: 'AuthorizeSecurityGroupIngress', input: { GroupId: 'sg-0untrack', IpPermissions: ALL_IN } },
      // The order is the point: allow-all first (flows become untracked), then quarantine (drops them).
      { service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0untrack'] } },
      { service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0quarantine'] } },
    ]);

    aws.ec2.resetHistory();
    await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([
      { service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0web'] } },
      { service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0web'] } },
      { service: 'ec2', command: 'RevokeSecurityGroupIngress', input: { GroupId: 'sg-0untrack', IpPermissions: ALL_IN } },
      { service: 'ec2', command: 'DeleteSecurityGroup', input: { GroupId: 'sg-0untrack' } },
    ]);
  });

  it('reuses an allow-all group, and refuses one of that name that does not allow everything', async () => {
    const untrack = { GroupId: 'sg-0oldallow', GroupName: 'irbook-untrack', VpcId: VPC, IpPermissions: ALL_IN, IpPermissionsEgress: ALL_IN };
    aws.ec2.on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'group-name', Values: ['irbook-untrack'] }, { Name: 'vpc-id', Values: [VPC] }] }).resolves({ SecurityGroups: [untrack] });
    const plan = await planInstanceIsolation(aws.context, ID, { snapshots: false });
    expect(plan.steps.map((s) => s.kind)).toEqual(['instance-termination-protection', 'interface-untrack', 'interface-groups']);
    expect(plan.steps[1]?.call?.input).toEqual({ NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0oldallow'] });

    aws.ec2.on(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'group-name', Values: ['irbook-untrack'] }, { Name: 'vpc-id', Values: [VPC] }] }).resolves({ SecurityGroups: [{ ...untrack, IpPermissions: [] }] });
    await expect(planInstanceIsolation(aws.context, ID)).rejects.toMatchObject({ name: 'OptionError', option: 'cutTrackedConnections' });
  });
});
