/**
 * An instance in an Auto Scaling group is not the analyst's to keep: once isolated it fails its
 * health checks, and the group terminates it (with its disks, unless snapshotted) and launches
 * a replacement from the same, possibly compromised, image. EC2 termination protection does not
 * stop the group. The plan either suspends the group's processes that would do that, or
 * detaches the instance with the desired capacity lowered so no replacement is launched.
 */

import { OptionError } from '../errors';
import type { ContainmentContext, StepDraft } from './context';
import { everyPage } from './pages';
import type { AwsCall, PlanTable } from './types';

/** What to do with the instance's Auto Scaling group. */
export type AutoScalingAction = 'suspend' | 'detach' | 'leave';

/**
 * The processes suspended, each with why. AddToLoadBalancer is left running: it acts only on
 * instances the group launches, and Launch is suspended.
 */
export const SUSPENDED_PROCESSES: Readonly<Record<string, string>> = {
  Launch: 'no replacement or scale-out instance is launched',
  Terminate: 'the group cannot terminate the instance (scale-in, replacement): its disks stay',
  HealthCheck: 'the isolated instance, failing its health checks, is not marked unhealthy',
  ReplaceUnhealthy: 'an instance marked unhealthy is not terminated and replaced',
  AZRebalance: 'rebalancing across zones does not terminate it',
  AlarmNotification: 'alarm-driven scaling policies do not scale the group in or out',
  ScheduledActions: 'scheduled actions do not change the capacity',
  InstanceRefresh: 'an instance refresh does not replace it',
};

/** The instance's group, as read before the plan. */
export interface AutoScalingState {
  readonly groupName: string;
  readonly lifecycleState: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  /** Processes suspended before containment (undo leaves them suspended). */
  readonly suspended: readonly string[];
  /** The group's other instances: what suspending its processes also affects. */
  readonly others: readonly { readonly id: string; readonly lifecycleState: string; readonly health: string }[];
}

/** The group an instance is in, or undefined when it is in none. */
export async function readAutoScaling(context: ContainmentContext, instanceId: string): Promise<AutoScalingState | undefined> {
  const autoscaling = await import('@aws-sdk/client-auto-scaling');
  const client = context.clients.autoscaling;
  const memberships = await everyPage(autoscaling.paginateDescribeAutoScalingInstances({ client }, { InstanceIds: [instanceId] }), (page) => page.AutoScalingInstances);
  const member = memberships.find((m) => m.InstanceId === instanceId && m.AutoScalingGroupName);
  if (!member?.AutoScalingGroupName) return undefined;
  const groupName = member.AutoScalingGroupName;
  const groups = await everyPage(autoscaling.paginateDescribeAutoScalingGroups({ client }, { AutoScalingGroupNames: [groupName] }), (page) => page.AutoScalingGroups);
  const group = groups.find((g) => g.AutoScalingGroupName === groupName);
  return {
    groupName,
    lifecycleState: member.LifecycleState ?? '?',
    minSize: group?.MinSize ?? 0,
    maxSize: group?.MaxSize ?? 0,
    desiredCapacity: group?.DesiredCapacity ?? 0,
    suspended: (group?.SuspendedProcesses ?? []).flatMap((p) => (p.ProcessName ? [p.ProcessName] : [])),
    others: (group?.Instances ?? [])
      .filter((i) => i.InstanceId !== instanceId)
      .map((i) => ({ id: i.InstanceId ?? '?', lifecycleState: i.LifecycleState ?? '?', health: i.HealthStatus ?? '?' })),
  };
}

/** The group the instance is in now, for undo's check (undefined: none). */
export async function currentGroupOf(context: ContainmentContext, instanceId: string): Promise<string | undefined> {
  const autoscaling = await import('@aws-sdk/client-auto-scaling');
  const memberships = await everyPage(autoscaling.paginateDescribeAutoScalingInstances({ client: context.clients.autoscaling }, { InstanceIds: [instanceId] }), (page) => page.AutoScalingInstances);
  return memberships.find((m) => m.InstanceId === instanceId)?.AutoScalingGroupName;
}

const autoscalingCall = (command: string, input: AwsCall['input']): AwsCall => ({ service: 'autoscaling', command, input });

/** The step for the instance's group: suspend its processes, or detach the instance. */
export function autoScalingStep(instanceId: string, state: AutoScalingState, action: Exclude<AutoScalingAction, 'leave'>): StepDraft {
  return action === 'detach' ? detachStep(instanceId, state) : suspendStep(state);
}

function suspendStep(state: AutoScalingState): StepDraft {
  const suspend = Object.keys(SUSPENDED_PROCESSES).filter((p) => !state.suspended.includes(p));
  const base = {
    kind: 'autoscaling-suspend' as const,
    action: 'Suspend Auto Scaling processes',
    target: `Auto Scaling group ${state.groupName}`,
    current: state.suspended.length > 0 ? `suspended now: ${state.suspended.join(', ')}` : 'no process suspended',
    before: { groupName: state.groupName, suspendedBefore: [...state.suspended], suspend },
  };
  if (suspend.length === 0) return { ...base, change: 'none: every process that could replace or terminate the instance is suspended already' };
  return {
    ...base,
    change: `suspend ${suspend.join(', ')}: the group neither replaces, terminates nor scales (undo resumes only these)`,
    call: autoscalingCall('SuspendProcesses', { AutoScalingGroupName: state.groupName, ScalingProcesses: suspend }),
  };
}

function detachStep(instanceId: string, state: AutoScalingState): StepDraft {
  if (!['InService', 'Standby'].includes(state.lifecycleState)) {
    throw new OptionError('autoScaling', 'detach', `autoScaling: instance ${instanceId} is ${state.lifecycleState} in ${state.groupName}; only an InService or Standby instance can be detached. Use 'suspend'`);
  }
  if (state.desiredCapacity - 1 < state.minSize) {
    throw new OptionError(
      'autoScaling',
      'detach',
      `autoScaling: detaching ${instanceId} without a replacement lowers the desired capacity of ${state.groupName} to ${state.desiredCapacity - 1}, below its minimum ${state.minSize}, which Auto Scaling refuses. Use 'suspend', or lower the group's minimum first`,
    );
  }
  return {
    kind: 'autoscaling-detach',
    action: 'Detach from Auto Scaling group',
    target: `instance ${instanceId} in ${state.groupName}`,
    current: `${state.lifecycleState} in ${state.groupName} (desired ${state.desiredCapacity}, min ${state.minSize}, max ${state.maxSize})`,
    change: `detach it, desired capacity ${state.desiredCapacity} → ${state.desiredCapacity - 1}: no replacement is launched, and the group can no longer terminate it`,
    before: { groupName: state.groupName, lifecycleState: state.lifecycleState, desiredCapacity: state.desiredCapacity, minSize: state.minSize },
    call: autoscalingCall('DetachInstances', { InstanceIds: [instanceId], AutoScalingGroupName: state.groupName, ShouldDecrementDesiredCapacity: true }),
  };
}

/** The group, for the plan's tables: its capacity, what is suspended, and its other instances. */
export function autoScalingTable(state: AutoScalingState): PlanTable {
  const rows: string[][] = [
    ['group', state.groupName, ''],
    ['capacity', `desired ${state.desiredCapacity}, min ${state.minSize}, max ${state.maxSize}`, ''],
    ['suspended now', state.suspended.join(', ') || 'none', ''],
    ...state.others.map((other) => ['other instance', other.id, `${other.lifecycleState}, ${other.health}`]),
  ];
  return { title: `Auto Scaling group ${state.groupName} (suspending its processes affects all ${state.others.length + 1} instances)`, columns: ['fact', 'value', 'state'], rows };
}

/** What the plan says about the group. */
export function autoScalingNotes(instanceId: string, state: AutoScalingState | undefined, action: AutoScalingAction, taggedGroup: string | undefined): string[] {
  if (!state) {
    if (taggedGroup) return [`The instance is tagged with Auto Scaling group ${taggedGroup} but was not read as a member of it (autoScaling: 'leave', or it was detached): check the group before isolating.`];
    return [];
  }
  const termination = 'EC2 termination protection does not stop Auto Scaling from terminating an instance.';
  if (action === 'leave') {
    return [`The instance is in Auto Scaling group ${state.groupName}, which will terminate and replace it once it fails health checks (${termination}) Plan with autoScaling: 'suspend' or 'detach'.`];
  }
  if (action === 'detach') {
    return [
      `${instanceId} is detached from ${state.groupName} first, with its desired capacity lowered, so no replacement is launched; it leaves the group's load balancers and target groups too. Undo attaches it again (the desired capacity goes back up).`,
    ];
  }
  const why = Object.entries(SUSPENDED_PROCESSES).map(([process, reason]) => `${process}: ${reason}`).join('; ');
  return [
    `${instanceId} is in Auto Scaling group ${state.groupName}: its processes are suspended first (${why}). ${termination}`,
    `What remains: the suspension holds for the whole group (${state.others.length} other instance(s)): it does not scale until undone. Undo resumes only the processes this plan suspended${state.suspended.length > 0 ? ` (${state.suspended.join(', ')} stay suspended, as before)` : ''}.`,
  ];
}
