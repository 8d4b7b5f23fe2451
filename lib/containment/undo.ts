/**
 * Undoing: reverse applied steps, newest first. The calls are derived by code from each step's
 * kind, the plan's target and the before-state the verified audit log recorded, never read as
 * calls from the log; say which steps cannot be reversed (a deleted password, a snapshot kept as
 * evidence) and why.
 */

import { whoami } from '../engines/athena/whoami';
import { fieldOf, send } from './calls';
import { settle } from './settle';
import { permissionSetNameNow } from './identity-center';
import { currentGroupOf } from './auto-scaling';
import { currentAssociation, DENY_ALL_ACL_NAME, isContainmentAcl } from './network-acl';
import type { ContainmentContext } from './context';
import { StepRefusedError, TargetNotFoundError } from './errors';
import { checkBeforeActing } from './guards';
import { planHistory } from './history';
import { everyPage } from './pages';
import type { AuditLog, NewAuditEntry } from './audit-log';
import { deriveUndo, planTarget, type PlanTarget } from './step-kinds';
import type { AuditEntry, AwsCall, ContainmentReport, Json, Plan, StepReport, Undo } from './types';

/** Options of {@link undoPlan}. */
export interface UndoOptions {
  /** The account id the plan acted on, typed by the analyst. Without it nothing is changed. */
  readonly confirm?: string;
}

/**
 * Reverse what a plan changed (every step the log shows applied and not yet undone, last
 * first), or one step given as its audit entry. The plan may be given by its id, as the audit
 * log names it (after a kernel restart the plan object is gone). Stops at the first call that
 * fails.
 *
 * @throws TamperedLogError before any call, when the audit log does not verify
 * @throws StepRefusedError before any call, when a step's target is not the plan's or its recorded state has the wrong shape
 * @throws ContainmentRefusedError before any change, when a guard refuses
 */
export async function undoPlan(
  context: ContainmentContext,
  log: AuditLog,
  target: Plan | AuditEntry | string,
  options: UndoOptions = {},
): Promise<ContainmentReport> {
  const entries = await log.verify();
  const planId = typeof target === 'string' ? target : 'steps' in target ? target.id : target.planId;
  const mine = entries.filter((e) => e.planId === planId);
  const first = mine[0];
  if (!first) throw new TargetNotFoundError(planId, `the audit log ${log.file} has no entry for this plan: nothing to undo`);
  const { account, planTarget: targetArn } = first;
  const { applied: stillApplied, undone, cannotUndo: knownCannot } = planHistory(entries, planId);
  let todo: AuditEntry[];
  if (typeof target === 'string' || 'steps' in target) {
    // Undone steps are listed too, so the report shows the whole plan.
    todo = [...stillApplied.values(), ...undone.values()].sort((a, b) => Number(b.step) - Number(a.step));
  } else {
    if (target.operation !== 'apply' || target.outcome !== 'applied') {
      throw new StepRefusedError(target.step, target.target, `its audit entry is '${target.operation} ${target.outcome}', not an applied step: nothing to undo`);
    }
    // The entry given must be the one the verified log holds, not an object edited in memory.
    const logged = stillApplied.get(target.step) ?? undone.get(target.step);
    if (!logged || JSON.stringify(logged) !== JSON.stringify(target)) {
      throw new StepRefusedError(target.step, target.target, 'this entry is not the one the audit log holds for the step');
    }
    todo = [logged];
  }
  const scope = checkTarget(planId, targetArn, account, mine, typeof target === 'object' && 'steps' in target ? target : undefined);
  // Every undo is derived and checked before the first call: a bad step refuses the whole undo.
  const undos = new Map<AuditEntry, Undo>();
  for (const entry of todo) {
    if (!undone.has(entry.step)) undos.set(entry, await undoOf(context, scope, entry));
  }
  const caller = await whoami(context.clients.sts);
  checkBeforeActing({ id: planId, account }, caller, options.confirm);
  log.ensureWritable();

  const reports: StepReport[] = [];
  if (todo.length === 0) {
    const summary = `nothing to undo: the audit log shows no applied step of ${planId}`;
    return { operation: 'undo', planId, account, ok: true, summary, steps: reports, auditLog: log.locations };
  }

  const entry = (applied: AuditEntry, fields: Pick<AuditEntry, 'outcome' | 'request'> & Partial<NewAuditEntry>): NewAuditEntry => {
    const { prev: _prev, response: _response, error: _error, detail: _detail, ...kept } = applied;
    return { ...kept, time: context.now().toISOString(), operation: 'undo', caller: { arn: caller.arn, account: caller.account }, ...fields };
  };
  const row = (applied: AuditEntry, outcome: StepReport['outcome'], detail: string): StepReport => ({
    step: applied.step,
    action: applied.action,
    target: applied.target,
    outcome,
    detail,
  });

  let reversed = 0;
  const cannot: string[] = [];
  for (const [index, applied] of todo.entries()) {
    if (undone.has(applied.step)) {
      reports.push(row(applied, 'already-undone', `undone earlier (${undone.get(applied.step)?.time ?? '?'})`));
      continue;
    }
    const undo = undos.get(applied) as Undo;
    if ('cannot' in undo) {
      // Said once in the log; asking again adds nothing to the record.
      if (!knownCannot.has(applied.step)) await log.append(entry(applied, { outcome: 'cannot-undo', request: null, detail: undo.cannot }));
      reports.push(row(applied, 'cannot-undo', undo.cannot));
      cannot.push(applied.step);
      continue;
    }
    const made: AwsCall[] = [];
    try {
      for (const call of undo.calls) {
        made.push(call);
        await settle(context, call, await send(context.clients, call));
      }
    } catch (error) {
      const failure = { name: (error as Error).name, message: (error as Error).message };
      await log.append(entry(applied, { outcome: 'failed', request: made, error: failure }));
      reports.push(row(applied, 'failed', `${failure.name}: ${failure.message}`));
      for (const rest of todo.slice(index + 1)) reports.push(row(rest, 'not-run', `not undone: step ${applied.step} failed`));
      const summary = `undoing step ${applied.step} (${applied.action}) failed: ${failure.message}. ${reversed} step(s) were undone before it; ${todo.length - index - 1} were not tried`;
      return { operation: 'undo', planId, account, ok: false, summary, steps: reports, auditLog: log.locations };
    }
    await log.append(entry(applied, { outcome: 'undone', request: made.length === 1 ? (made[0] as AwsCall) : made }));
    reports.push(row(applied, 'undone', describeCalls(made) || 'nothing to reverse on its own (the step before it is undone with its own calls)'));
    reversed += 1;
  }
  const left = cannot.length > 0 ? `; step(s) ${cannot.join(', ')} cannot be undone` : '';
  const summary = reversed === 0 && undone.size > 0 ? `nothing changed: plan ${planId} was already undone${left}` : `undid ${reversed} step(s) of ${planId}${left}`;
  return { operation: 'undo', planId, account, ok: true, summary, steps: reports, auditLog: log.locations };
}

/**
 * The plan's target, read from its verified entries: every entry of the plan must name the same
 * target and account, the plan id must name it too, and a plan object given must agree.
 */
function checkTarget(planId: string, targetArn: string, account: string, entries: readonly AuditEntry[], plan: Plan | undefined): PlanTarget {
  const odd = entries.find((e) => e.planTarget !== targetArn || e.account !== account);
  if (odd) throw new StepRefusedError(odd.step, odd.target, `its plan target ${odd.planTarget} (account ${odd.account}) is not the plan's, ${targetArn} (account ${account})`);
  if (plan && (plan.target !== targetArn || plan.account !== account)) {
    throw new StepRefusedError('-', plan.target, `the audit log records plan ${planId} acting on ${targetArn} in ${account}`);
  }
  const target = planTarget(targetArn, account);
  if (!target) throw new StepRefusedError('-', targetArn, 'it is not a target containment acts on');
  if (target.account !== account) throw new StepRefusedError('-', targetArn, `it is in account ${target.account}, the plan in ${account}`);
  // Plan ids are '<kind>/<name>/<time>' ('<role>/<session>' for a session plan).
  const named = planId.split('/')[1];
  if (named !== target.name) throw new StepRefusedError('-', targetArn, `plan ${planId} names ${String(named)}, not ${target.name}`);
  return target;
}

/** The undo of one applied step, derived and checked; an interface must still belong to the instance. */
async function undoOf(context: ContainmentContext, target: PlanTarget, entry: AuditEntry): Promise<Undo> {
  if (entry.request !== null && Array.isArray(entry.request)) throw new StepRefusedError(entry.step, entry.target, 'an applied step records one call');
  const undo = deriveUndo(target, {
    step: entry.step,
    kind: entry.kind,
    label: entry.target,
    before: entry.before,
    request: entry.request as AwsCall | null,
    response: entry.response ?? null,
  });
  if ('calls' in undo) await checkStillTheTarget(context, target, entry);
  return undo;
}

/**
 * What a step's undo acts on besides the instance (an interface, a subnet, an Auto Scaling
 * group, an ACL) must still belong to the plan's instance, as AWS says now: an audit log can
 * name another one, however well its chain verifies.
 */
async function checkStillTheTarget(context: ContainmentContext, target: PlanTarget, entry: AuditEntry): Promise<void> {
  const refuse = (reason: string): never => {
    throw new StepRefusedError(entry.step, entry.target, reason);
  };
  const before = entry.before as { readonly [key: string]: Json };
  switch (entry.kind) {
    case 'interface-groups':
    case 'interface-untrack': {
      const eni = before.networkInterfaceId as string;
      if (!(await instanceInterfaces(context, target.name)).some((n) => n.id === eni)) refuse(`network interface ${eni} is not attached to ${target.name}`);
      return;
    }
    case 'network-acl-associate': {
      const subnet = before.subnetId as string;
      if (!(await instanceInterfaces(context, target.name)).some((n) => n.subnetId === subnet)) refuse(`subnet ${subnet} is not a subnet of ${target.name}`);
      const now = await currentAssociation(context, subnet);
      const made = fieldOf(entry.response ?? null, 'NewAssociationId');
      if (now?.associationId !== made) refuse(`subnet ${subnet} is associated by ${now?.associationId ?? 'nothing'} now, not by ${String(made)}, the association this step made: re-associate it by hand`);
      return;
    }
    case 'network-acl-create': {
      const acl = fieldOf(entry.response ?? null, 'NetworkAcl.NetworkAclId') as string;
      if (!(await isContainmentAcl(context, acl))) refuse(`network ACL ${acl} is not one containment created (no Name tag ${DENY_ALL_ACL_NAME})`);
      return;
    }
    case 'permission-set-inline-policy': {
      const name = await permissionSetNameNow(context, before.instanceArn as string, before.permissionSetArn as string);
      if (name !== before.permissionSetName) refuse(`permission set ${String(before.permissionSetArn)} is named ${String(name)} now, not ${String(before.permissionSetName)}`);
      return;
    }
    case 'autoscaling-suspend': {
      const group = await currentGroupOf(context, target.name);
      if (group !== before.groupName) refuse(`${target.name} is ${group ? `in Auto Scaling group ${group}` : 'in no Auto Scaling group'} now, not in ${String(before.groupName)}: resume its processes by hand`);
      return;
    }
    case 'autoscaling-detach': {
      const group = await currentGroupOf(context, target.name);
      if (group !== undefined) refuse(`${target.name} is in Auto Scaling group ${group} already`);
      return;
    }
    default:
      return;
  }
}

async function instanceInterfaces(context: ContainmentContext, instanceId: string): Promise<{ readonly id: string; readonly subnetId: string | undefined }[]> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const reservations = await everyPage(ec2.paginateDescribeInstances({ client: context.clients.ec2 }, { InstanceIds: [instanceId] }), (page) => page.Reservations);
  return reservations
    .flatMap((r) => r.Instances ?? [])
    .flatMap((i) => i.NetworkInterfaces ?? [])
    .flatMap((n) => (n.NetworkInterfaceId ? [{ id: n.NetworkInterfaceId, subnetId: n.SubnetId }] : []));
}

function describeCalls(calls: readonly AwsCall[]): string {
  return calls.map((call) => `${call.service}:${call.command}`).join(', ');
}
