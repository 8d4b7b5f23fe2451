/** The facts shown under a result table: row counts, cost, and files that could not be read. */

import type { QueryResultData, SkippedFile } from '../result/types';
import { formatBytes, formatCount, formatDuration, formatUsd, plural } from './format';

/** How many skipped files a table lists by name before saying "… and N more". */
export const SKIPPED_FILES_LISTED = 5;

/** What a table says about a result besides its rows. All text is raw (unescaped). */
export interface ResultSummary {
  /** `3 rows`, or `showing first 200 of 12,345 rows (12,145 not shown)`. */
  readonly rows: string;
  /** Rows of the result the table leaves out. */
  readonly hiddenRows: number;
  /** Short facts in order: engine, time, files read, bytes scanned, cost, query id. */
  readonly stats: readonly string[];
  /** Files left out of the answer; `null` when none were. */
  readonly skipped: SkippedSummary | null;
}

/** The skipped-files warning: a headline, the first few files, and how many more there are. */
export interface SkippedSummary {
  /** `2 log files could not be read and are not in this result`. */
  readonly headline: string;
  readonly listed: readonly SkippedFile[];
  readonly more: number;
}

/**
 * Summarise a result for a table that shows `shownRows` of its rows.
 *
 * @example
 * summarize(result, 200).rows; // 'showing first 200 of 12,345 rows (12,145 not shown)'
 */
export function summarize(data: QueryResultData, shownRows: number): ResultSummary {
  const total = data.rows.length;
  const shown = Math.min(shownRows, total);
  const hiddenRows = total - shown;
  const rows =
    hiddenRows > 0
      ? `showing first ${formatCount(shown)} of ${plural(total, 'row')} (${formatCount(hiddenRows)} not shown)`
      : plural(total, 'row');
  return { rows, hiddenRows, stats: statsFacts(data.stats), skipped: skippedSummary(data.stats.filesSkipped) };
}

function statsFacts(stats: QueryResultData['stats']): string[] {
  const facts = [stats.engine];
  let time = formatDuration(stats.elapsedMs);
  const parts: string[] = [];
  if (stats.queueMs !== undefined) parts.push(`queued ${formatDuration(stats.queueMs)}`);
  if (stats.engineMs !== undefined) parts.push(`engine ${formatDuration(stats.engineMs)}`);
  if (parts.length > 0) time += ` (${parts.join(', ')})`;
  facts.push(time);
  if (stats.filesRead !== undefined) {
    const bytes = stats.bytesRead !== undefined ? ` (${formatBytes(stats.bytesRead)})` : '';
    facts.push(`${plural(stats.filesRead, 'file')} read${bytes}`);
  } else if (stats.bytesRead !== undefined) {
    facts.push(`${formatBytes(stats.bytesRead)} read`);
  }
  if (stats.filesIgnored) facts.push(`${plural(stats.filesIgnored, 'file')} ignored (not event logs)`);
  if (stats.dataScannedBytes !== undefined) facts.push(`${formatBytes(stats.dataScannedBytes)} scanned`);
  if (stats.estimatedCostUsd !== undefined) facts.push(`est. ${formatUsd(stats.estimatedCostUsd)}`);
  if (stats.costNote) facts.push(stats.costNote);
  if (stats.reusedResult) facts.push('reused an earlier result');
  if (stats.queryExecutionId !== undefined) facts.push(`query ${stats.queryExecutionId}`);
  return facts;
}

function skippedSummary(skipped: readonly SkippedFile[]): SkippedSummary | null {
  if (skipped.length === 0) return null;
  const verb = skipped.length === 1 ? 'could not be read and is' : 'could not be read and are';
  return {
    headline: `${plural(skipped.length, 'log file')} ${verb} not in this result`,
    listed: skipped.slice(0, SKIPPED_FILES_LISTED),
    more: Math.max(0, skipped.length - SKIPPED_FILES_LISTED),
  };
}
