/** A result as a self-contained HTML table for notebooks. Every value is escaped. */

import { checkOptionNames, countOption } from '../options';
import { contextFacts, type ResultContext } from '../result/context';
import type { Column, QueryResultData, Value } from '../result/types';
import { escapeHtml, revealInvisibles } from './escape';
import { cellText, formatCount, isNumericKind } from './format';
import { summarize, type SkippedSummary } from './summary';

/** Options of {@link renderHtmlTable}. */
export interface HtmlTableOptions {
  /** Rows to show; the rest are counted, not shown. Default 200; `Infinity` shows all. */
  readonly maxRows?: number;
}

const OPTION_NAMES = ['maxRows'] as const;

// Text longer than this (or with line breaks) gets a box that wraps and scrolls, so one
// 10 KB requestParameters cell cannot make a row a screen tall or a column a screen wide.
const CLIP_AFTER_CHARS = 60;

// Scoped to the container class; colours are translucent or mid-grey so the table reads in
// light and dark notebook themes. `table.irbook-table` outranks the notebook's own
// `.rendered_html td` rules. Layout that matters (scrolling, the warning) is also inline,
// for viewers that strip <style>.
const STYLE = `<style>
.irbook-result table.irbook-table{border-collapse:collapse;font-size:12px;line-height:1.4;margin:0}
.irbook-result table.irbook-table th,.irbook-result table.irbook-table td{border:1px solid rgba(128,128,128,.35);padding:2px 6px;text-align:left;vertical-align:top;white-space:nowrap}
.irbook-result table.irbook-table th{background:rgba(128,128,128,.15);font-weight:600}
.irbook-result table.irbook-table td.irbook-num{text-align:right;font-variant-numeric:tabular-nums}
.irbook-result table.irbook-table td.irbook-null{color:#888;font-style:italic;font-size:11px}
.irbook-result .irbook-clip{max-width:40em;max-height:8.5em;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
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
 * - The table scrolls sideways inside its container; long cells wrap in a box of limited
 *   width and height that scrolls, with the full text present.
 * - NULL is a grey italic `NULL`, distinct from the empty string (an empty cell).
 * - Numeric columns are right-aligned; nested values are compact JSON.
 * - Files that could not be read are listed first, as a warning; a footer gives the row
 *   count (`showing first N of M rows (K not shown)` when cut), time, files and bytes.
 *
 * @example
 * tslab.display.html(renderHtmlTable(result, { maxRows: 50 }));
 */
export function renderHtmlTable(data: QueryResultData & { readonly context?: ResultContext }, options: HtmlTableOptions = {}): string {
  checkOptionNames(options, OPTION_NAMES, 'toHtml');
  const maxRows = countOption('toHtml', 'maxRows', options.maxRows, 200, { min: 0, allowInfinity: true });
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
      parts.push(`<th title="${escapeHtml(c.engineType)}">${escapeHtml(revealInvisibles(c.name))}</th>`);
    }
    parts.push('</tr></thead><tbody>');
    for (const row of shownRows) parts.push(htmlRow(data.columns, row));
    if (shownRows.length === 0) {
      parts.push(`<tr><td colspan="${data.columns.length}" class="irbook-null">(no rows)</td></tr>`);
    }
    parts.push('</tbody></table></div>');
  }
  const rowsText = escapeHtml(summary.rows);
  const facts = [summary.hiddenRows > 0 ? `<strong>${rowsText}</strong>` : rowsText];
  for (const fact of summary.stats) facts.push(escapeHtml(revealInvisibles(fact)));
  parts.push(`<div class="irbook-foot">${[...contextFooter(data.context), ...facts].join(' · ')}</div>`);
  parts.push('</div>');
  return parts.join('');
}

/** The footer's first facts: the window and the suspect the result is about, escaped. */
function contextFooter(context: ResultContext | undefined): string[] {
  return context ? contextFacts(context).map((fact) => `<span class="irbook-context">${escapeHtml(revealInvisibles(fact))}</span>`) : [];
}

function htmlRow(columns: readonly Column[], row: readonly Value[]): string {
  const cells = columns.map((column, i) => {
    const text = cellText(row[i] ?? null, column.kind);
    if (text === null) return '<td class="irbook-null">NULL</td>';
    const cls = isNumericKind(column.kind) ? ' class="irbook-num"' : '';
    const shown = escapeHtml(revealInvisibles(text, true));
    const long = text.length > CLIP_AFTER_CHARS || /[\r\n]/.test(text);
    return long ? `<td${cls}><div class="irbook-clip">${shown}</div></td>` : `<td${cls}>${shown}</td>`;
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
