/** A result as an aligned plain-text table, for terminals and `console.log`. */

import { checkOptionNames, countOption } from '../options';
import type { QueryResultData } from '../result/types';
import { revealInvisibles } from './escape';
import { cellText, formatCount, isNumericKind } from './format';
import { summarize } from './summary';
import { displayWidth, padToWidth, truncateToWidth } from './text-width';

/** Options of {@link renderTextTable}. */
export interface TextTableOptions {
  /** Rows to show; the rest are counted, not shown. Default 50; `Infinity` shows all. */
  readonly maxRows?: number;
  /** Widest a cell may be, in terminal columns; longer text ends in `…`. Default 40, at least 2. */
  readonly maxWidth?: number;
}

const OPTION_NAMES = ['maxRows', 'maxWidth'] as const;

/** The text a terminal table shows for NULL (an empty string shows as nothing). */
export const TEXT_NULL = 'NULL';

/**
 * Render a result as an aligned plain-text table: a header of column names (repeats kept),
 * numbers right-aligned, `NULL` for NULL, long cells cut with `…`, then a line with the row
 * count (and how many rows are not shown), the engine's stats and, last so it is seen, a
 * warning listing files that could not be read.
 *
 * Control and invisible characters in the data (terminal escape sequences, newlines, bidi
 * overrides) are shown as escapes such as `\x1b` or `\n`, so a hostile value can neither
 * drive the terminal nor break the alignment.
 *
 * @example
 * console.log(renderTextTable(result, { maxRows: 10 }));
 * //  eventname    |  n
 * // --------------+----
 * //  ConsoleLogin |  3
 * // 1 row · local · 120 ms · 4 files read (1.2 MiB)
 */
export function renderTextTable(data: QueryResultData, options: TextTableOptions = {}): string {
  checkOptionNames(options, OPTION_NAMES, 'toText');
  const maxRows = countOption('toText', 'maxRows', options.maxRows, 50, { min: 0, allowInfinity: true });
  const maxWidth = countOption('toText', 'maxWidth', options.maxWidth, 40, { min: 2 });

  const shownRows = data.rows.slice(0, maxRows);
  const summary = summarize(data, shownRows.length);
  const show = (text: string) => truncateToWidth(revealInvisibles(text), maxWidth);
  const lines: string[] = [];

  if (data.columns.length === 0) {
    lines.push('(no columns)');
  } else {
    const header = data.columns.map((c) => show(c.name));
    const body = shownRows.map((row) => data.columns.map((c, i) => {
      const text = cellText(row[i] ?? null, c.kind);
      return text === null ? TEXT_NULL : show(text);
    }));
    const widths = header.map((h) => displayWidth(h));
    for (const cells of body) {
      cells.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
    }
    const aligns = data.columns.map((c): 'left' | 'right' => (isNumericKind(c.kind) ? 'right' : 'left'));
    const line = (cells: readonly string[], align: (i: number) => 'left' | 'right') =>
      ` ${cells.map((cell, i) => padToWidth(cell, widths[i] ?? 0, align(i))).join(' | ')}`.trimEnd();
    lines.push(line(header, () => 'left'));
    lines.push(widths.map((w) => '-'.repeat(w + 2)).join('+'));
    for (const cells of body) lines.push(line(cells, (i) => aligns[i] ?? 'left'));
  }

  lines.push([summary.rows, ...summary.stats].map((s) => revealInvisibles(s)).join(' · '));
  if (summary.skipped) {
    lines.push(`WARNING: ${summary.skipped.headline}:`);
    for (const s of summary.skipped.listed) lines.push(`  ${revealInvisibles(s.file)}: ${revealInvisibles(s.reason)}`);
    if (summary.skipped.more > 0) lines.push(`  … and ${formatCount(summary.skipped.more)} more`);
  }
  return lines.join('\n');
}
