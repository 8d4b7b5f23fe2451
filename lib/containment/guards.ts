/**
 * The checks that stand between a plan and a change: never contain yourself, never act in
 * an account other than the plan's, act only when `confirm` names that account, and never
 * apply a plan built from state read too long ago.
 */

import type { CallerIdentity } from '../engines/athena/whoami';
import { DriftError, GuardRefusedError } from './errors';
import { samePolicy } from './policies';
import type { Plan } from './types';

/** What the caller's ARN says it is. */
export interface CallerPrincipal {
  readonly kind: 'user' | 'role' | 'root' | 'federated-user' | 'other';
  /** User or role name (without path); the account id for root. */
  readonly name: string;
  /** The role session name, for a role. */
  readonly session?: string;
}

/**
 * Read the caller's ARN: `arn:aws:sts::1:assumed-role/Role/session` is the role `Role`,
 * `arn:aws:iam::1:user/path/bob` is the user `bob`.
 */
export function callerPrincipal(caller: CallerIdentity): CallerPrincipal {
  const resource = caller.arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  if (resource === 'root') return { kind: 'root', name: caller.account };
  if (parts[0] === 'assumed-role' && parts.length >= 3) {
    return { kind: 'role', name: parts[1] ?? '', session: parts.slice(2).join('/') };
  }
  if (parts[0] === 'user') return { kind: 'user', name: parts[parts.length - 1] ?? '' };
  if (parts[0] === 'federated-user') return { kind: 'federated-user', name: parts.slice(1).join('/') };
  return { kind: 'other', name: resource };
}

/** The partition of the caller's ARN (`aws`, `aws-cn`, `aws-us-gov`): ARNs written for it must say so. */
export function partitionOf(caller: CallerIdentity): string {
  return caller.arn.split(':')[1] || 'aws';
}

/**
 * Refuse to contain the identity running this notebook: a user that is the caller, or a role
 * the caller is a session of (on SageMaker, the notebook's execution role). Denying it would
 * cut off the analyst half-way, with no way to undo from here.
 */
export function refuseOwnPrincipal(caller: CallerIdentity, target: { readonly kind: 'user' | 'role'; readonly name: string }): void {
  const me = callerPrincipal(caller);
  if (me.kind === target.kind && me.name === target.name) {
    const what = target.kind === 'role' ? `the role this notebook runs as (${caller.arn})` : `the user this notebook runs as (${caller.arn})`;
    throw new GuardRefusedError('own-principal', `${target.kind} ${target.name}`, `refused: ${target.kind} ${target.name} is ${what}; contain it from another identity`);
  }
}

/** Refuse a target in another account than the caller's: its state could not be read or changed. */
export function refuseOtherAccount(caller: CallerIdentity, targetAccount: string, target: string): void {
  if (targetAccount !== caller.account) {
    throw new GuardRefusedError(
      'account',
      target,
      `refused: ${target} is in account ${targetAccount}, but the credentials are for account ${caller.account}; use credentials for ${targetAccount}`,
    );
  }
}

/** The checks `apply` and `undo` make before their first call. */
export function checkBeforeActing(
  plan: Pick<Plan, 'id' | 'account'>,
  caller: CallerIdentity,
  confirm: string | undefined,
): void {
  if (confirm === undefined || confirm === '') {
    throw new GuardRefusedError(
      'confirm',
      plan.id,
      `refused: nothing changed. To act on plan ${plan.id}, confirm with the account id it acts on: { confirm: '${plan.account}' }`,
    );
  }
  if (confirm !== plan.account) {
    throw new GuardRefusedError(
      'confirm',
      plan.id,
      `refused: confirm '${confirm}' is not the account of plan ${plan.id} (${plan.account}); nothing changed`,
    );
  }
  if (caller.account !== plan.account) {
    throw new GuardRefusedError(
      'account',
      plan.id,
      `refused: the credentials are for account ${caller.account} (${caller.arn}), but plan ${plan.id} acts in account ${plan.account}; nothing changed`,
    );
  }
}

/** Refuse a plan whose state was read more than `maxAgeMinutes` ago: rebuild it instead. */
export function refuseStalePlan(plan: Pick<Plan, 'id' | 'readAt'>, now: Date, maxAgeMinutes: number): void {
  const ageMinutes = (now.getTime() - Date.parse(plan.readAt)) / 60_000;
  if (ageMinutes > maxAgeMinutes) {
    throw new GuardRefusedError(
      'stale-plan',
      plan.id,
      `refused: plan ${plan.id} was built from state read ${Math.round(ageMinutes)} min ago (limit ${maxAgeMinutes}); build it again so it starts from the current state`,
    );
  }
}

/**
 * Refuse a plan whose before-states are no longer true: someone (or something) changed the
 * targets since it was read. Applying it would record a before-state that undo cannot trust.
 * `current` is the same plan built again now.
 */
export function refuseDrift(plan: Plan, current: Plan): void {
  const describe = (p: Plan) => p.steps.map((s) => `${s.action} · ${s.target}`).join('\n');
  if (describe(plan) !== describe(current)) {
    throw new DriftError(
      plan.id,
      [],
      `refused: the targets of plan ${plan.id} changed since it was read (its steps would now be different); build the plan again. Nothing changed`,
    );
  }
  const changed = plan.steps.flatMap((step, index) => {
    const now = current.steps[index];
    if (!now || samePolicy(step.before, now.before)) return [];
    return [{ step: step.id, target: `${step.action}, ${step.target}`, reason: `read ${JSON.stringify(step.before)}, now ${JSON.stringify(now.before)}` }];
  });
  if (changed.length > 0) {
    const list = changed.map((c) => `step ${c.step} (${c.target}): ${c.reason}`).join('; ');
    throw new DriftError(plan.id, changed, `refused: the state changed since plan ${plan.id} was read, so its record of the state before would be wrong. ${list}. Build the plan again. Nothing changed`);
  }
}
