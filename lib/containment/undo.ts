/**
 * Undoing: reverse applied steps, newest first, from the before-state the audit log recorded;
 * say which steps cannot be reversed (a deleted password, a snapshot kept as evidence) and why.
 */

import { whoami } from '../engines/athena/whoami';
import { IrbookError } from '../errors';
import { send } from './calls';
import type { ContainmentContext } from './context';
import { checkBeforeActing } from './guards';
import { planHistory } from './history';
import type { AuditLog } from './audit-log';
import type { AuditEntry, AwsCall, ContainmentReport, Plan, StepReport } from './types';

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
 * @throws ContainmentRefusedError before any change, when a guard refuses
 */
export async function undoPlan(
  context: ContainmentContext,
  log: AuditLog,
  target: Plan | AuditEntry | string,
  options: UndoOptions = {},
): Promise<ContainmentReport> {
  const entries = log.entries();
  const planId = typeof target === 'string' ? target : 'steps' in target ? target.id : target.planId;
  const account = typeof target === 'string' ? entries.find((e) => e.planId === planId)?.account : target.account;
  if (account === undefined) throw new IrbookError(`the audit log ${log.file} has no entry for plan ${planId}: nothing to undo`);
  const { applied: stillApplied, undone, cannotUndo: knownCannot } = planHistory(entries, planId);
  let todo: AuditEntry[];
  if (typeof target === 'string' || 'steps' in target) {
    // Undone steps are listed too, so the report shows the whole plan.
    todo = [...stillApplied.values(), ...undone.values()].sort((a, b) => Number(b.step) - Number(a.step));
  } else {
    if (target.operation !== 'apply' || target.outcome !== 'applied') {
      throw new IrbookError(`audit entry for step ${target.step} of ${planId} is '${target.operation} ${target.outcome}', not an applied step: nothing to undo`);
    }
    todo = [target];
  }
  const caller = await whoami(context.clients.sts);
  checkBeforeActing({ id: planId, account }, caller, options.confirm);
  log.ensureWritable();

  const reports: StepReport[] = [];
  if (todo.length === 0) {
    const summary = `nothing to undo: the audit log shows no applied step of ${planId}`;
    return { operation: 'undo', planId, account, ok: true, summary, steps: reports, auditLog: log.locations };
  }

  const entry = (applied: AuditEntry, fields: Pick<AuditEntry, 'outcome' | 'request'> & Partial<AuditEntry>): AuditEntry => ({
    ...applied,
    time: context.now().toISOString(),
    operation: 'undo',
    caller: { arn: caller.arn, account: caller.account },
    response: undefined,
    undo: undefined,
    error: undefined,
    detail: undefined,
    ...fields,
  });
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
    const undo = applied.undo ?? { cannot: 'the audit entry records no way to undo it' };
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
        await send(context.clients, call);
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
    reports.push(row(applied, 'undone', describeCalls(made)));
    reversed += 1;
  }
  const left = cannot.length > 0 ? `; step(s) ${cannot.join(', ')} cannot be undone` : '';
  const summary = reversed === 0 && undone.size > 0 ? `nothing changed: plan ${planId} was already undone${left}` : `undid ${reversed} step(s) of ${planId}${left}`;
  return { operation: 'undo', planId, account, ok: true, summary, steps: reports, auditLog: log.locations };
}

function describeCalls(calls: readonly AwsCall[]): string {
  return calls.map((call) => `${call.service}:${call.command}`).join(', ');
}
