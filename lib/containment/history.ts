/** What the audit log says has happened to a plan's steps, read in one pass. */

import type { AuditEntry, Json } from './types';

/** Each step's standing since its last apply, by step id. */
export interface PlanHistory {
  /** Steps applied and not undone since: their apply entry. */
  readonly applied: Map<string, AuditEntry>;
  /** Steps undone since their last apply: their undo entry. */
  readonly undone: Map<string, AuditEntry>;
  /** Steps the log already says cannot be undone, since their last apply. */
  readonly cannotUndo: Set<string>;
}

/**
 * Replay the log for one plan. An apply resets a step; an undo moves it from applied to
 * undone; "cannot undo" is noted without changing whether it is applied.
 */
export function planHistory(entries: readonly AuditEntry[], planId: string): PlanHistory {
  const history: PlanHistory = { applied: new Map(), undone: new Map(), cannotUndo: new Set() };
  for (const entry of entries) {
    if (entry.planId !== planId) continue;
    if (entry.operation === 'apply' && entry.outcome === 'applied') {
      history.applied.set(entry.step, entry);
      history.undone.delete(entry.step);
      history.cannotUndo.delete(entry.step);
    } else if (entry.operation === 'undo' && entry.outcome === 'undone') {
      history.applied.delete(entry.step);
      history.undone.set(entry.step, entry);
    } else if (entry.operation === 'undo' && entry.outcome === 'cannot-undo') {
      history.cannotUndo.add(entry.step);
    }
  }
  return history;
}

/** The responses of applied steps, by step id: later steps' placeholders read them. */
export function recordedOutputs(applied: ReadonlyMap<string, AuditEntry>): Map<string, Json> {
  const outputs = new Map<string, Json>();
  for (const [step, entry] of applied) outputs.set(step, entry.response ?? null);
  return outputs;
}
