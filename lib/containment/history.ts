/** What the audit log says has happened to a plan: which steps are applied now, and when. */

import type { AuditEntry, Json } from './types';

/** The step's last apply that has not been undone since, by step id. */
export function appliedSteps(entries: readonly AuditEntry[], planId: string): Map<string, AuditEntry> {
  const applied = new Map<string, AuditEntry>();
  for (const entry of entries) {
    if (entry.planId !== planId) continue;
    if (entry.operation === 'apply' && entry.outcome === 'applied') applied.set(entry.step, entry);
    if (entry.operation === 'undo' && entry.outcome === 'undone') applied.delete(entry.step);
  }
  return applied;
}

/** Steps undone since their last apply, by step id. */
export function undoneSteps(entries: readonly AuditEntry[], planId: string): Map<string, AuditEntry> {
  const undone = new Map<string, AuditEntry>();
  for (const entry of entries) {
    if (entry.planId !== planId) continue;
    if (entry.operation === 'apply' && entry.outcome === 'applied') undone.delete(entry.step);
    if (entry.operation === 'undo' && entry.outcome === 'undone') undone.set(entry.step, entry);
  }
  return undone;
}

/** Steps the log already says cannot be undone, since their last apply. */
export function cannotUndoSteps(entries: readonly AuditEntry[], planId: string): Set<string> {
  const cannot = new Set<string>();
  for (const entry of entries) {
    if (entry.planId !== planId) continue;
    if (entry.operation === 'apply' && entry.outcome === 'applied') cannot.delete(entry.step);
    if (entry.operation === 'undo' && entry.outcome === 'cannot-undo') cannot.add(entry.step);
  }
  return cannot;
}

/** The responses of applied steps, by step id: later steps' placeholders read them. */
export function recordedOutputs(applied: ReadonlyMap<string, AuditEntry>): Map<string, Json> {
  const outputs = new Map<string, Json>();
  for (const [step, entry] of applied) outputs.set(step, entry.response ?? null);
  return outputs;
}
