/** Ingest progress and query stats on stderr, for the commands that run queries. */
import type { QueryProgress } from '../display/progress';
import { revealInvisibles } from '../display/escape';
import { formatBytes, formatDuration } from '../display/format';
import type { QueryStats } from '../result/types';

/** Ingest progress on one stderr line, redrawn in place on a terminal. */
export function stderrProgress(): (progress: QueryProgress) => void {
  let shown = false;
  let last = 0;
  return (progress) => {
    if (progress.state !== 'INGESTING') {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
      return;
    }
    if (!process.stderr.isTTY || performance.now() - last < 250) return;
    last = performance.now();
    shown = true;
    process.stderr.write(`\r\x1b[K${progress.detail ?? ''}`);
  };
}

export function reportStats(rows: number, stats: QueryStats, where = ''): void {
  process.stderr.write(
    `${rows} row(s)${where ? ` ${where}` : ''} in ${formatDuration(stats.elapsedMs)}; ${stats.filesRead ?? 0} file(s), ${formatBytes(stats.bytesRead ?? 0)} read\n`);
  if (stats.filesSkipped.length > 0) {
    process.stderr.write(`warning: ${stats.filesSkipped.length} file(s) could not be read and are not in the answer:\n`);
    for (const s of stats.filesSkipped) process.stderr.write(`  ${revealInvisibles(s.file)}: ${revealInvisibles(s.reason)}\n`);
  }
}
