/**
 * Before the first change, try each EC2 call with `DryRun: true`: EC2 answers DryRunOperation
 * when the call would be allowed and UnauthorizedOperation when not, so a missing permission
 * fails the plan instead of the middle of an apply.
 */

import { hasErrorName, send } from './calls';
import type { ContainmentContext } from './context';
import { MissingPermissionError } from './errors';
import type { Json, PlanStep } from './types';

// EC2 calls that take DryRun (DisassociateIamInstanceProfile does not). Auto Scaling and
// Identity Center have no dry run.
const DRY_RUN = new Set([
  'ModifyInstanceAttribute',
  'CreateSecurityGroup',
  'RevokeSecurityGroupEgress',
  'AuthorizeSecurityGroupIngress',
  'ModifyNetworkInterfaceAttribute',
  'CreateSnapshot',
  'CreateNetworkAcl',
  'ReplaceNetworkAclAssociation',
]);

/** Whether an input still holds a value only an earlier step's response supplies. */
function hasPlaceholder(value: Json): boolean {
  if (Array.isArray(value)) return value.some(hasPlaceholder);
  if (value === null || typeof value !== 'object') return false;
  if (typeof (value as { $output?: unknown }).$output === 'string') return true;
  return Object.values(value).some(hasPlaceholder);
}

/**
 * Dry-run the EC2 steps about to run. Steps whose input waits on an earlier step's response
 * (a group not created yet) cannot be tried and are skipped; their permission is the same as a
 * tried step's in most plans.
 *
 * @throws MissingPermissionError naming the step and the action, before any change
 * @returns the ids of the steps tried
 */
export async function dryRunEc2(context: ContainmentContext, steps: readonly PlanStep[]): Promise<string[]> {
  const tried: string[] = [];
  for (const step of steps) {
    const call = step.call;
    if (!call || call.service !== 'ec2' || !DRY_RUN.has(call.command) || hasPlaceholder(call.input)) continue;
    tried.push(step.id);
    try {
      await send(context.clients, { ...call, input: { ...call.input, DryRun: true } });
    } catch (error) {
      if (hasErrorName(error, 'DryRunOperation')) continue;
      if (hasErrorName(error, 'UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException')) {
        throw new MissingPermissionError(step.id, step.target, `ec2:${call.command}`, firstLine((error as Error).message));
      }
      throw error;
    }
  }
  return tried;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').slice(0, 300);
}
