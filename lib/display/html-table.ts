/** A result as a self-contained HTML table for notebooks. Every value is escaped. */

import { checkOptionNames, countOption } from '../options';
import type { Column, QueryResultData, Value } from '../result/types';
import { OptionError } from '../errors';
import { escapeHtml, revealInvisibles } from './escape';
import { cellHtml } from './html-cell';
import { cellText, formatCount, isNumericKind } from './format';
import { summarize, type ResultSummary, type SkippedSummary } from './summary';

/** Options of {@link renderHtmlTable}. */
export interface HtmlTableOptions {
  /**
   * Rows to show; the rest are counted, not shown. Default: the environment variable
   * {@link MAX_ROWS_ENV} when set (a report caps every table this way), else 200.
   * `Infinity` shows all.
   */
  readonly maxRows?: number;
  /**
   * Characters of a value shown before it is cut with `…`; the whole value is in the cell's
   * hover title. Default 120 (an IAM ARN fits); `Infinity` never cuts.
   */
  readonly maxChars?: number;
}

const OPTION_NAMES = ['maxRows', 'maxChars'] as const;

/**
 * The environment variable that sets the default row cap of every HTML table, e.g. for a
 * report: `IRBOOK_TABLE_MAX_ROWS=50`. An explicit `maxRows` option wins over it.
 */
export const MAX_ROWS_ENV = 'IRBOOK_TABLE_MAX_ROWS';
const DEFAULT_MAX_ROWS = 200;
const DEFAULT_MAX_CHARS = 120;
/** No column is narrower than this many characters, so an ARN never wraps every 5 letters. */
export const MIN_COLUMN_CHARS = 12;

// Scoped to the container class; colours are translucent or mid-grey so the table reads in
// light and dark notebook themes. `table.irbook-table` outranks the notebook's own
// `.rendered_html td` rules. Layout that matters (scrolling, the warning) is also inline,
// for viewers that strip <style>. Cells wrap only where text allows it (spaces, and the
// <wbr> after separators): `overflow-wrap:anywhere` would let the browser squeeze a column to
// one letter, which is what made ARNs unreadable. Chrome applies a cell's min-width to its
// border box, hence the padding added to the 12 characters.
const STYLE = `<style>
.irbook-result table.irbook-table{border-collapse:collapse;font-size:12px;line-height:1.4;margin:0;table-layout:auto;width:auto}
.irbook-result table.irbook-table th,.irbook-result table.irbook-table td{border:1px solid rgba(128,128,128,.35);padding:2px 6px;text-align:left;vertical-align:top;white-space:pre-wrap;overflow-wrap:normal;word-break:normal;min-width:calc(${MIN_COLUMN_CHARS}ch + 12px);max-width:none}
.irbook-result table.irbook-table th{background:rgba(128,128,128,.15);font-weight:600}
.irbook-result table.irbook-table td.irbook-num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.irbook-result table.irbook-table td.irbook-nw{white-space:nowrap}
.irbook-result table.irbook-table td.irbook-null{color:#888;font-style:italic;font-size:11px}
.irbook-result table.irbook-table td[title]{cursor:help}
.irbook-result .irbook-more{color:#888}
.irbook-result .irbook-foot{font-size:12px;opacity:.8;margin-top:4px}
.irbook-result .irbook-warn ul{margin:4px 0 0 0;padding-left:20px}
</style>`;

const WARN_STYLE =
  'border-left:4px solid #d97706;background:rgba(217,119,6,.12);padding:6px 10px;margin:0 0 6px 0;font-size:13px';

/**
 * Render a result as an HTML table for a notebook output.
 *
 * - Everything from the data (values, column names, engine types, file names, reasons) is
 *   HTML-escaped; control and invisible characters are shown as escapes.
 * - Columns are at least {@link MIN_COLUMN_CHARS} characters wide and wrap at word boundaries
 *   and separators (ARNs at `/` and `:`), so long text wraps instead of pushing the other
 *   columns off-screen; a table still too wide scrolls sideways inside its container.
 * - Values longer than `maxChars` are cut with `…`; hovering the cell shows the whole value.
 * - NULL is a grey italic `NULL`, distinct from the empty string (an empty cell).
 * - Numeric columns are right-aligned; nested values are compact JSON.
 * - Files that could not be read are listed first, as a warning; a footer gives the row
 *   count (`showing first N of M rows (K not shown)` when cut), time, files and bytes.
 * - `maxRows` defaults to the {@link MAX_ROWS_ENV} environment variable, so a report can cap
 *   every table of a playbook without changing its cells.
 *
 * @example
 * tslab.display.html(renderHtmlTable(result, { maxRows: 50 }));
 */
export function renderHtmlTable(data: QueryResultData, options: HtmlTableOptions = {}): string {
  checkOptionNames(options, OPTION_NAMES, 'toHtml');
  const maxRows = countOption('toHtml', 'maxRows', options.maxRows ?? defaultMaxRows(), DEFAULT_MAX_ROWS, { min: 0, allowInfinity: true });
  const maxChars = countOption('toHtml', 'maxChars', options.maxChars, DEFAULT_MAX_CHARS, { min: 1, allowInfinity: true });
  const shownRows = data.rows.slice(0, maxRows);
  const summary = summarize(data, shownRows.length);

  const parts = ['<div class="irbook-result">', STYLE];
  if (summary.skipped) parts.push(skippedWarning(summary.skipped));
  if (data.columns.length === 0) {
    parts.push('<div>(no columns)</div>');
  } else {
    parts.push('<div class="irbook-scroll" style="overflow-x:auto;max-width:100%">');
    parts.push('<table class="irbook-table"><thead><tr>');
    for (const c of data.columns) {
      parts.push(`<th title="${escapeHtml(c.engineType)}">${cellHtml(c.name, Infinity).html}</th>`);
    }
    parts.push('</tr></thead><tbody>');
    for (const row of shownRows) parts.push(htmlRow(data.columns, row, maxChars));
    if (shownRows.length === 0) {
      parts.push(`<tr><td colspan="${data.columns.length}" class="irbook-null">(no rows)</td></tr>`);
    }
    parts.push('</tbody></table></div>');
  }
  parts.push(footerHtml(summary));
  parts.push('</div>');
  return parts.join('');
}

/** The line under the table: rows shown and left out, then the engine's stats. */
function footerHtml(summary: ResultSummary): string {
  const rowsText = escapeHtml(summary.rows);
  const facts = [summary.hiddenRows > 0 ? `<strong>${rowsText}</strong>` : rowsText];
  for (const fact of summary.stats) facts.push(escapeHtml(revealInvisibles(fact)));
  return `<div class="irbook-foot">${facts.join(' · ')}</div>`;
}

function defaultMaxRows(): number {
  const text = process.env[MAX_ROWS_ENV];
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_ROWS;
  const n = text.trim() === 'Infinity' ? Infinity : Number(text);
  if (n === Infinity || (Number.isInteger(n) && n >= 0)) return n;
  throw new OptionError(MAX_ROWS_ENV, text, `environment variable ${MAX_ROWS_ENV} must be an integer >= 0 or Infinity, got ${JSON.stringify(text)}`);
}

function htmlRow(columns: readonly Column[], row: readonly Value[], maxChars: number): string {
  const cells = columns.map((column, i) => {
    const text = cellText(row[i] ?? null, column.kind);
    if (text === null) return '<td class="irbook-null">NULL</td>';
    const { html, title, short } = cellHtml(text, maxChars);
    const cls = isNumericKind(column.kind) ? ' class="irbook-num"' : short ? ' class="irbook-nw"' : '';
    return `<td${cls}${title === undefined ? '' : ` title="${title}"`}>${html}</td>`;
  });
  return `<tr>${cells.join('')}</tr>`;
}

function skippedWarning(skipped: SkippedSummary): string {
  const items = skipped.listed.map(
    (s) => `<li><code>${escapeHtml(revealInvisibles(s.file))}</code>: ${escapeHtml(revealInvisibles(s.reason))}</li>`,
  );
  if (skipped.more > 0) items.push(`<li>… and ${formatCount(skipped.more)} more</li>`);
  return (
    `<div class="irbook-warn" role="alert" style="${WARN_STYLE}">` +
    `<strong>⚠ ${escapeHtml(skipped.headline)}.</strong><ul>${items.join('')}</ul></div>`
  );
}
