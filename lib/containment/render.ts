/**
 * Showing plans and reports: an HTML version for the notebook and a text version for a
 * terminal. Every value from AWS is escaped (tags, names and policies can hold anything).
 */

import { escapeHtml, revealInvisibles } from '../display/escape';
import { displayWidth, padToWidth, truncateToWidth } from '../display/text-width';
import type { AuditEntry, ContainmentReport, Plan, PlanTable, StepOutcome } from './types';

const BOX = 'font-size:13px;line-height:1.45;margin:4px 0';
const TABLE = 'border-collapse:collapse;font-size:12px;margin:4px 0';
const CELL = 'border:1px solid rgba(128,128,128,.35);padding:2px 6px;text-align:left;vertical-align:top;max-width:42em;white-space:pre-wrap;overflow-wrap:anywhere';
const HEAD = `${CELL};background:rgba(128,128,128,.15)`;
const PLAN_BANNER = 'border-left:4px solid #2563eb;background:rgba(37,99,235,.10);padding:6px 10px;margin:6px 0';
const OK_BANNER = 'border-left:4px solid #16a34a;background:rgba(22,163,74,.12);padding:6px 10px;margin:6px 0';
const FAIL_BANNER = 'border-left:4px solid #dc2626;background:rgba(220,38,38,.12);padding:6px 10px;margin:6px 0';

const esc = (text: string): string => escapeHtml(revealInvisibles(text, true));

function htmlTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = columns.map((c) => `<th style="${HEAD}">${esc(c)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((v) => `<td style="${CELL}">${esc(v)}</td>`).join('')}</tr>`).join('');
  return `<table class="irbook-table" style="${TABLE}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

// A terminal fallback: columns are capped so a policy document cannot make a row a page wide; `…` marks a cut.
const MAX_TEXT_COLUMN = 60;

function textTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = rows.map((row) => row.map((v) => revealInvisibles(v)));
  const widths = columns.map((c, i) => Math.min(MAX_TEXT_COLUMN, Math.max(displayWidth(c), ...clean.map((r) => displayWidth(r[i] ?? '')))));
  const line = (cells: readonly string[]) =>
    cells.map((v, i) => padToWidth(truncateToWidth(v, widths[i] ?? 0), widths[i] ?? 0, 'left')).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...clean.map(line)].join('\n');
}

const STEP_COLUMNS = ['#', 'step', 'target', 'current state', 'change'];

function stepRows(plan: Plan): string[][] {
  return plan.steps.map((s) => [s.id, s.action, s.target, s.current, s.change]);
}

function planMeta(plan: Plan): string {
  return `account ${plan.account} · region ${plan.region} · incident ${plan.incident} · state read ${plan.readAt} as ${plan.readAs} · plan ${plan.id}`;
}

/** How many steps would change something. */
export function changeCount(plan: Plan): number {
  return plan.steps.filter((s) => s.call).length;
}

/** The line under a plan that says nothing changed and how to act. */
export function planFooter(plan: Plan): string {
  const n = changeCount(plan);
  if (n === 0) return 'Nothing to change: the current state is already what this plan wants.';
  return `Nothing has been changed. ${n} step(s) would change AWS. To act, set apply = true and account = '${plan.account}' in this cell and run it again.`;
}

/** A plan as HTML: its steps, its fact tables, its notes, and what to do to act. */
export function planHtml(plan: Plan, footer = planFooter(plan)): string {
  const tables = plan.tables.map((t: PlanTable) => `<div style="${BOX}"><b>${esc(t.title)}</b>${t.rows.length > 0 ? htmlTable(t.columns, t.rows) : '<div><i>none</i></div>'}</div>`);
  const notes = plan.notes.length > 0 ? `<ul style="${BOX}">${plan.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  return [
    `<div class="irbook-plan" style="${BOX}">`,
    `<div style="${PLAN_BANNER}"><b>PLAN: ${esc(plan.title)}</b><br><span style="opacity:.8">${esc(planMeta(plan))}</span></div>`,
    htmlTable(STEP_COLUMNS, stepRows(plan)),
    `<div style="${BOX}"><b>${esc(footer)}</b></div>`,
    notes,
    ...tables,
    '</div>',
  ].join('');
}

/** A plan as text. */
export function planText(plan: Plan, footer = planFooter(plan)): string {
  const parts = [`PLAN: ${plan.title}`, planMeta(plan), '', textTable(STEP_COLUMNS, stepRows(plan)), '', footer];
  for (const note of plan.notes) parts.push(`- ${note}`);
  for (const t of plan.tables) parts.push('', t.title, t.rows.length > 0 ? textTable(t.columns, t.rows) : '(none)');
  return parts.join('\n');
}

const MARK: Readonly<Record<StepOutcome, string>> = {
  applied: 'APPLIED',
  unchanged: 'unchanged',
  'already-applied': 'already applied',
  failed: 'FAILED',
  'not-run': 'NOT RUN',
  undone: 'UNDONE',
  'already-undone': 'already undone',
  'cannot-undo': 'CANNOT UNDO',
};

const REPORT_COLUMNS = ['#', 'step', 'target', 'outcome', 'detail'];

function reportRows(report: ContainmentReport): string[][] {
  return report.steps.map((s) => [s.step, s.action, s.target, MARK[s.outcome], s.detail]);
}

/** An apply or undo report as HTML: the summary (red when a step failed), each step, the log. */
export function reportHtml(report: ContainmentReport): string {
  const title = report.operation === 'apply' ? 'APPLY' : 'UNDO';
  return [
    `<div class="irbook-report" style="${BOX}">`,
    `<div style="${report.ok ? OK_BANNER : FAIL_BANNER}"><b>${title}${report.ok ? '' : ' FAILED'}: ${esc(report.summary)}</b></div>`,
    report.steps.length > 0 ? htmlTable(REPORT_COLUMNS, reportRows(report)) : '',
    `<div style="${BOX};opacity:.8">audit log: ${esc(report.auditLog.join(' and '))}</div>`,
    '</div>',
  ].join('');
}

/** An apply or undo report as text. */
export function reportText(report: ContainmentReport): string {
  const title = report.operation === 'apply' ? 'APPLY' : 'UNDO';
  return [
    `${title}${report.ok ? '' : ' FAILED'}: ${report.summary}`,
    report.steps.length > 0 ? textTable(REPORT_COLUMNS, reportRows(report)) : '',
    `audit log: ${report.auditLog.join(' and ')}`,
  ].join('\n');
}

const HISTORY_COLUMNS = ['time', 'operation', 'plan', 'step', 'action', 'target', 'outcome', 'caller'];

function historyRows(entries: readonly AuditEntry[]): string[][] {
  return entries.map((e) => [e.time, e.operation, e.planId, e.step, e.action, e.target, MARK[e.outcome] ?? e.outcome, e.caller.arn]);
}

/** The audit log as an HTML table, oldest first. */
export function historyHtml(entries: readonly AuditEntry[], locations: readonly string[]): string {
  const where = `<div style="${BOX};opacity:.8">audit log: ${esc(locations.join(' and '))} · ${entries.length} entries</div>`;
  return `<div class="irbook-history" style="${BOX}">${entries.length > 0 ? htmlTable(HISTORY_COLUMNS, historyRows(entries)) : '<i>no entries yet: nothing has been applied</i>'}${where}</div>`;
}

/** The audit log as text. */
export function historyText(entries: readonly AuditEntry[], locations: readonly string[]): string {
  const table = entries.length > 0 ? textTable(HISTORY_COLUMNS, historyRows(entries)) : 'no entries yet: nothing has been applied';
  return `${table}\naudit log: ${locations.join(' and ')} · ${entries.length} entries`;
}
