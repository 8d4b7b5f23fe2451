/**
 * An instance in an Auto Scaling group: the plan suspends the group's processes that would
 * replace or terminate it (or detaches it without a replacement) before isolating it; undo
 * resumes only what it suspended, or attaches the instance again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAutoScalingGroupsCommand, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../lib/containment/apply';
import { GENESIS, lineHash, logLines, writeHead } from '../../lib/containment/audit-chain';
import { AuditLog } from '../../lib/containment/audit-log';
import { SUSPENDED_PROCESSES } from '../../lib/containment/auto-scaling';
import { planInstanceIsolation } from '../../lib/containment/plan-instance';
import { undoPlan } from '../../lib/containment/undo';
import { INSTANCE, MINIMAL, mockInstance, QUARANTINE } from './instance-fixtures';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

const GROUP = 'web-asg';
// Launch was suspended by someone before the incident: undo must leave it suspended.
const SUSPENDED_BEFORE = ['Launch'];
const TO_SUSPEND = ['Terminate', 'HealthCheck', 'ReplaceUnhealthy', 'AZRebalance', 'AlarmNotification', 'ScheduledActions', 'InstanceRefresh'];

let aws: MockedAws;
let dir: string;
let log: AuditLog;

function inGroup(group: string | undefined, capacity = { MinSize: 1, MaxSize: 4, DesiredCapacity: 3 }): void {
  aws.autoscaling.on(DescribeAutoScalingInstancesCommand).resolves({
    AutoScalingInstances: group ? [{ InstanceId: INSTANCE, AutoScalingGroupName: group, LifecycleState: 'InService', HealthStatus: 'HEALTHY', AvailabilityZone: 'us-east-1a', ProtectedFromScaleIn: false }] : [],
  });
  aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({
    AutoScalingGroups: [
      {
        AutoScalingGroupName: GROUP,
        ...capacity,
        DefaultCooldown: 300,
        AvailabilityZones: ['us-east-1a'],
        HealthCheckType: 'ELB',
        CreatedTime: new Date('2024-01-01T00:00:00Z'),
        SuspendedProcesses: SUSPENDED_BEFORE.map((ProcessName) => ({ ProcessName, SuspensionReason: 'User suspended' })),
        Instances: [
          { InstanceId: INSTANCE, LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: 'us-east-1a', ProtectedFromScaleIn: false },
          { InstanceId: 'i-0other000000000001', LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: 'us-east-1a', ProtectedFromScaleIn: false },
        ],
      },
    ],
  });
}

beforeEach(() => {
  aws = mockedAws();
  mockInstance(aws, [{ Key: 'aws:autoscaling:groupName', Value: GROUP }]);
  inGroup(GROUP);
  dir = mkdtempSync(join(tmpdir(), 'irbook-asg-'));
  log = new AuditLog({ file: join(dir, 'audit.jsonl'), headDir: join(dir, 'heads') });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const suspend = { service: 'autoscaling', command: 'SuspendProcesses', input: { AutoScalingGroupName: GROUP, ScalingProcesses: TO_SUSPEND } };
const resume = { service: 'autoscaling', command: 'ResumeProcesses', input: { AutoScalingGroupName: GROUP, ScalingProcesses: TO_SUSPEND } };
const quarantine = { service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0primary', Groups: [QUARANTINE] } };

describe('an instance in an Auto Scaling group', () => {
  it('is planned with the group suspended first, only the processes not suspended already, sending no change', async () => {
    const plan = await planInstanceIsolation(aws.context, INSTANCE, MINIMAL);
    expect(aws.changes()).toEqual([]);
    expect(aws.sent().filter((c) => c.service === 'autoscaling')).toEqual([
      { service: 'autoscaling', command: 'DescribeAutoScalingInstances', input: { InstanceIds: [INSTANCE] } },
      { service: 'autoscaling', command: 'DescribeAutoScalingGroups', input: { AutoScalingGroupNames: [GROUP] } },
    ]);
    expect(plan.steps.map((s) => [s.id, s.kind, s.call?.command])).toEqual([
      ['1', 'autoscaling-suspend', 'SuspendProcesses'],
      ['2', 'instance-termination-protection', undefined],
      ['3', 'interface-groups', 'ModifyNetworkInterfaceAttribute'],
    ]);
    expect(plan.steps[0]).toMatchObject({ call: suspend, before: { groupName: GROUP, suspendedBefore: SUSPENDED_BEFORE, suspend: TO_SUSPEND }, undo: { calls: [resume] } });
    // AddToLoadBalancer is the one process left running, and every suspended one says why.
    expect(Object.keys(SUSPENDED_PROCESSES).sort()).toEqual([...SUSPENDED_BEFORE, ...TO_SUSPEND].sort());
    const notes = plan.notes.join('\n');
    for (const process of TO_SUSPEND) expect(notes).toContain(`${process}: `);
    expect(notes).toContain('EC2 termination protection does not stop Auto Scaling');
    expect(notes).toMatch(/\(Launch stay suspended, as before\)/);
    const table = plan.tables.find((t) => t.title.startsWith(`Auto Scaling group ${GROUP}`));
    expect(table?.rows).toContainEqual(['other instance', 'i-0other000000000001', 'InService, Healthy']);
    expect(table?.rows).toContainEqual(['suspended now', 'Launch', '']);
  });

  it('is refused without the confirmation; applied, the group is suspended before the interface moves; undo resumes only those processes, last', async () => {
    const plan = await planInstanceIsolation(aws.context, INSTANCE, MINIMAL);
    await expect(applyPlan(aws.context, log, plan)).rejects.toMatchObject({ name: 'GuardRefusedError', guard: 'confirm' });
    expect(aws.changes()).toEqual([]);

    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([suspend, quarantine]);

    aws.autoscaling.resetHistory();
    aws.ec2.resetHistory();
    const report = await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(report.ok).toBe(true);
    expect(aws.changes()).toEqual([{ service: 'ec2', command: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: 'eni-0primary', Groups: ['sg-0web'] } }, resume]);
  });

  it('refuses to resume the processes of a group the instance is no longer in', async () => {
    const plan = await planInstanceIsolation(aws.context, INSTANCE, MINIMAL);
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    inGroup(undefined);
    aws.autoscaling.resetHistory();
    aws.ec2.resetHistory();
    await expect(undoPlan(aws.context, log, plan, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'StepRefusedError', step: '1', reason: expect.stringContaining('in no Auto Scaling group now, not in web-asg') });
    expect(aws.changes()).toEqual([]);
  });

  it('with a rewritten log that resumes a process suspended before, undo refuses before any call', async () => {
    const plan = await planInstanceIsolation(aws.context, INSTANCE, MINIMAL);
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    // Someone with the user's shell rewrites the chain and its head.
    const out: string[] = [];
    for (const [index, line] of logLines(readFileSync(log.file, 'utf8')).entries()) {
      const entry = JSON.parse(line) as { step: string; before: { suspend: string[] } };
      if (entry.step === '1') entry.before.suspend = [...entry.before.suspend, 'Launch'];
      out.push(JSON.stringify({ ...entry, prev: index === 0 ? GENESIS : lineHash(out[index - 1]!) }));
    }
    writeFileSync(log.file, `${out.join('\n')}\n`);
    writeHead(log.headDir, { file: log.file, entries: out.length, head: lineHash(out.at(-1)!) });
    aws.autoscaling.resetHistory();
    aws.ec2.resetHistory();
    await expect(undoPlan(aws.context, log, plan.id, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'StepRefusedError', step: '1' });
    expect(aws.changes()).toEqual([]);
  });

  it("plans nothing for the group when every process is suspended already, and leaves it alone with autoScaling: 'leave'", async () => {
    const all = Object.keys(SUSPENDED_PROCESSES).map((ProcessName) => ({ ProcessName }));
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, MinSize: 1, MaxSize: 4, DesiredCapacity: 3, SuspendedProcesses: all, Instances: [] }] as never });
    const done = await planInstanceIsolation(aws.context, INSTANCE, MINIMAL);
    expect(done.steps[0]).toMatchObject({ kind: 'autoscaling-suspend', change: expect.stringMatching(/^none: /) });
    expect(done.steps[0]?.call).toBeUndefined();

    aws.autoscaling.resetHistory();
    const left = await planInstanceIsolation(aws.context, INSTANCE, { ...MINIMAL, autoScaling: 'leave' });
    expect(aws.sent().filter((c) => c.service === 'autoscaling')).toEqual([]);
    expect(left.steps.map((s) => s.kind)).toEqual(['instance-termination-protection', 'interface-groups']);
    expect(left.notes.join('\n')).toMatch(/tagged with Auto Scaling group web-asg but was not read as a member/);
  });
});

describe("autoScaling: 'detach'", () => {
  const detach = { service: 'autoscaling', command: 'DetachInstances', input: { InstanceIds: [INSTANCE], AutoScalingGroupName: GROUP, ShouldDecrementDesiredCapacity: true } };
  const attach = { service: 'autoscaling', command: 'AttachInstances', input: { InstanceIds: [INSTANCE], AutoScalingGroupName: GROUP } };

  it('detaches the instance with the desired capacity lowered; undo attaches it again', async () => {
    const plan = await planInstanceIsolation(aws.context, INSTANCE, { ...MINIMAL, autoScaling: 'detach' });
    expect(plan.steps[0]).toMatchObject({ kind: 'autoscaling-detach', call: detach, before: { groupName: GROUP, desiredCapacity: 3, minSize: 1 }, undo: { calls: [attach] } });
    expect(plan.steps[0]?.change).toContain('desired capacity 3 → 2');
    expect(aws.changes()).toEqual([]);

    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes()).toEqual([detach, quarantine]);
    inGroup(undefined);
    aws.autoscaling.resetHistory();
    aws.ec2.resetHistory();
    await undoPlan(aws.context, log, plan, { confirm: ACCOUNT });
    expect(aws.changes().at(-1)).toEqual(attach);
  });

  it('is refused when the group could not go below its minimum, and undo refuses an instance back in a group', async () => {
    inGroup(GROUP, { MinSize: 3, MaxSize: 4, DesiredCapacity: 3 });
    await expect(planInstanceIsolation(aws.context, INSTANCE, { ...MINIMAL, autoScaling: 'detach' })).rejects.toMatchObject({ name: 'OptionError', option: 'autoScaling', message: expect.stringContaining('below its minimum 3') });

    inGroup(GROUP);
    const plan = await planInstanceIsolation(aws.context, INSTANCE, { ...MINIMAL, autoScaling: 'detach' });
    await applyPlan(aws.context, log, plan, { confirm: ACCOUNT });
    // Still (or again) in the group: attaching it would fail or double it.
    aws.autoscaling.resetHistory();
    aws.ec2.resetHistory();
    await expect(undoPlan(aws.context, log, plan, { confirm: ACCOUNT })).rejects.toMatchObject({ name: 'StepRefusedError', reason: expect.stringContaining('in Auto Scaling group web-asg already') });
    expect(aws.changes()).toEqual([]);
  });
});
