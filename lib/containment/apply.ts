/**
 * Applying a plan: guards first, then each step in order, each recorded in the audit log with
 * its before-state as soon as it has run; the first failure stops the run.
 */

import { whoami } from '../engines/athena/whoami';
import { AuditLogError, StepRefusedError } from './errors';
import { resolveCall, send } from './calls';
import type { ContainmentContext } from './context';
import { checkBeforeActing, refuseDrift, refuseOwnPrincipal, refuseStalePlan } from './guards';
import { parseIdentity } from './identity';
import { planHistory, recordedOutputs } from './history';
import { dryRunEc2 } from './preflight';
import { settle } from './settle';
import type { AuditLog, NewAuditEntry } from './audit-log';
import { samePolicy } from './policies';
import { deriveUndo, planTarget } from './step-kinds';
import type { AuditEntry, AwsCall, ContainmentReport, Json, Plan, PlanStep, StepReport } from './types';

/** Options of {@link applyPlan}. */
export interface ApplyOptions {
  /** The account id the plan acts on, typed by the analyst. Without it nothing is changed. */
  readonly confirm?: string;
  /** Refuse a plan whose state was read longer ago than this. Default 60. */
  readonly maxPlanAgeMinutes?: number;
  /**
   * Build the same plan again from the state now. When given, a plan none of whose steps has
   * been applied yet is refused if a before-state changed since it was read.
   */
  readonly reread?: () => Promise<Plan>;
}

/** Refuse a plan read more than an hour ago: the state it shows may no longer be true. */
export const DEFAULT_MAX_PLAN_AGE_MINUTES = 60;

/**
 * Run a plan's steps in order. Steps the audit log shows as applied are not repeated; steps
 * with nothing to change are logged as unchanged. A failed step stops the run: it and every
 * step after it are logged (failed, not-run), and the report says what changed and what did not.
 *
 * @throws ContainmentRefusedError before any change, when a guard refuses
 * @throws MissingPermissionError before any change, when an EC2 step's DryRun is refused
 * @throws TamperedLogError before any call, when the audit log does not verify
 */
export async function applyPlan(context: ContainmentContext, log: AuditLog, plan: Plan, options: ApplyOptions = {}): Promise<ContainmentReport> {
  // The log decides what is not repeated and supplies earlier responses: it must verify first.
  const history = await log.verify();
  checkSteps(plan);
  const caller = await whoami(context.clients.sts);
  checkBeforeActing(plan, caller, options.confirm);
  refuseStalePlan(plan, context.now(), options.maxPlanAgeMinutes ?? DEFAULT_MAX_PLAN_AGE_MINUTES);
  if (plan.kind === 'iam-user') refuseOwnPrincipal(caller, parseIdentity(plan.target, 'user'));
  if (plan.kind === 'iam-role' || plan.kind === 'role-session') refuseOwnPrincipal(caller, parseIdentity(plan.target, 'role'));

  log.ensureWritable();
  const { applied } = planHistory(history, plan.id);
  checkAppliedMatchPlan(plan, applied);
  const outputs = recordedOutputs(applied);
  const pending = plan.steps.filter((step) => step.call && !applied.has(step.id));
  const reports: StepReport[] = [];
  const earlier = (step: PlanStep): StepReport => report(step, 'already-applied', `applied earlier (${applied.get(step.id)?.time ?? '?'}); not repeated`);
  if (pending.length === 0) {
    for (const step of plan.steps) reports.push(applied.has(step.id) ? earlier(step) : report(step, 'unchanged', step.change));
    const when = [...applied.values()].map((e) => e.time).sort().at(-1);
    const summary = when
      ? `plan ${plan.id} was already applied (${when}); nothing changed`
      : `nothing to change: ${plan.target} is already in the state this plan wants`;
    return { operation: 'apply', planId: plan.id, account: plan.account, ok: true, summary, steps: reports, auditLog: log.locations };
  }
  // After a partial apply the state differs by design (our own changes); the log is the record then.
  if (applied.size === 0 && options.reread) refuseDrift(plan, await options.reread());
  await dryRunEc2(context, pending);

  const entry = (step: PlanStep, fields: Pick<AuditEntry, 'outcome' | 'request'> & Partial<NewAuditEntry>): NewAuditEntry => ({
    time: context.now().toISOString(),
    operation: 'apply',
    planId: plan.id,
    planKind: plan.kind,
    incident: plan.incident,
    account: plan.account,
    region: plan.region,
    caller: { arn: caller.arn, account: caller.account },
    planTarget: plan.target,
    step: step.id,
    kind: step.kind,
    action: step.action,
    target: step.target,
    before: step.before,
    ...fields,
  });

  let changed = 0;
  for (const [index, step] of plan.steps.entries()) {
    if (applied.has(step.id)) {
      reports.push(earlier(step));
      continue;
    }
    if (!step.call) {
      await log.append(entry(step, { outcome: 'unchanged', request: null, detail: step.change }));
      reports.push(report(step, 'unchanged', step.change));
      continue;
    }
    let request: AwsCall = step.call;
    let response: Json;
    try {
      request = resolveCall(step.call, outputs);
      response = await send(context.clients, request);
      await settle(context, request, response);
    } catch (error) {
      const failure = { name: (error as Error).name, message: (error as Error).message };
      await log.append(entry(step, { outcome: 'failed', request, error: failure }));
      reports.push(report(step, 'failed', `${failure.name}: ${failure.message}`));
      for (const rest of plan.steps.slice(index + 1)) {
        await log.append(entry(rest, { outcome: 'not-run', request: null, detail: `not run: step ${step.id} failed` }));
        reports.push(report(rest, 'not-run', `not run: step ${step.id} failed`));
      }
      const summary = `step ${step.id} (${step.action}) failed: ${failure.message}. ${changed} step(s) before it changed AWS in this run; ${plan.steps.length - index - 1} were not run`;
      return { operation: 'apply', planId: plan.id, account: plan.account, ok: false, summary, steps: reports, auditLog: log.locations };
    }
    outputs.set(step.id, response);
    changed += 1;
    try {
      await log.append(entry(step, { outcome: 'applied', request, response }));
    } catch (error) {
      throw new AuditLogError(
        log.file,
        `step ${step.id} (${step.action} on ${step.target}) WAS applied, but could not be logged: ${(error as Error).message}. Request: ${JSON.stringify(request)}`,
        { cause: error },
      );
    }
    reports.push(report(step, 'applied', step.change));
  }
  const before = applied.size > 0 ? `, ${applied.size} applied earlier` : '';
  const summary = `applied plan ${plan.id}: ${changed} change(s)${before}, ${plan.steps.length - changed - applied.size} step(s) needed none`;
  return { operation: 'apply', planId: plan.id, account: plan.account, ok: true, summary, steps: reports, auditLog: log.locations };
}

/**
 * Refuse a plan with a step its kind does not allow: a call on another target than the
 * plan's, or a before-state of the wrong shape (a plan object can be edited too).
 */
function checkSteps(plan: Plan): void {
  const target = planTarget(plan.target, plan.account);
  if (target && target.account !== plan.account) throw new StepRefusedError('-', plan.target, `the target is in account ${target.account}, the plan in ${plan.account}`);
  for (const step of plan.steps) {
    if (step.call) deriveUndo(target, { step: step.id, kind: step.kind, label: step.target, before: step.before, request: step.call, response: undefined });
  }
}

/** Steps the log shows applied must be this plan's steps, as planned: otherwise the log is not this plan's record. */
function checkAppliedMatchPlan(plan: Plan, applied: ReadonlyMap<string, AuditEntry>): void {
  for (const [id, done] of applied) {
    const step = plan.steps.find((s) => s.id === id);
    const same = step && done.planTarget === plan.target && done.kind === step.kind && samePolicy(done.before, step.before);
    if (!same) throw new StepRefusedError(id, done.target, `the audit log records it applied with another target, kind or before-state than plan ${plan.id} has; nothing changed`);
  }
}

function report(step: PlanStep, outcome: StepReport['outcome'], detail: string): StepReport {
  return { step: step.id, action: step.action, target: step.target, outcome, detail };
}
