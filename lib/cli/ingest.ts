/** `irbook ingest` (build or update the cache ahead of time) and `irbook cache clear`. */
import { parseArgs } from 'node:util';
import { formatCount, formatDuration } from '../display/format';
import { clearCaches } from '../engines/local/cache-store';
import { describeIngestProgress } from '../engines/local/ingest';
import { LocalEngine } from '../engines/local/local-engine';
import { HELP_FLAG, parsed, printHelp, UsageError, type Command } from './command';
import { stderrProgress } from './progress';

const INGEST_HELP = `Usage: irbook ingest --logs DIR [--cache DIR]

Builds or updates the ingest cache for the logs ahead of time, and says what it did: files
new, changed, removed and skipped (with the reason), events added, time taken. Queries do the
same before they run, so this is only to pay the first ingest up front.

  --logs DIR     folder of CloudTrail logs; repeatable
  --cache DIR    ingest cache folder (default $XDG_CACHE_HOME/irbook/…, keyed by the logs' real path)
`;

const CACHE_HELP = `Usage: irbook cache clear [--cache DIR]

Removes ingest caches: the one folder given with --cache, or every cache under
$XDG_CACHE_HOME/irbook (~/.cache/irbook). Only folders irbook made are removed; the next
query or ingest rebuilds what it needs.
`;

export const ingestCommand: Command = { help: INGEST_HELP, run: ingest };
export const cacheCommand: Command = { help: CACHE_HELP, run: cache };

async function ingest(args: readonly string[]): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({ args: [...args], options: { ...HELP_FLAG, logs: { type: 'string', multiple: true }, cache: { type: 'string' } } }),
  );
  if (values.help) return printHelp(INGEST_HELP);
  if (!values.logs?.length) throw new UsageError('--logs DIR is required');
  const engine = await LocalEngine.open({ logs: values.logs, cache: values.cache });
  try {
    const report = stderrProgress();
    const summary = await engine.ingest({ relist: true, onProgress: (p) => report({ state: 'INGESTING', detail: describeIngestProgress(p) }) });
    report({ state: 'DONE' });
    const inventory = await engine.inventory();
    if (summary.rebuilt) process.stdout.write(`rebuilt the cache: ${summary.rebuilt}\n`);
    process.stdout.write(
      `${formatCount(summary.filesNew)} new, ${formatCount(summary.filesChanged)} changed, ${formatCount(summary.filesRemoved)} removed, ` +
        `${formatCount(summary.filesSkipped)} skipped file(s); ${formatCount(summary.events)} events added in ${formatDuration(summary.elapsedMs)}\n` +
        `cache ${inventory.cache}: ${formatCount(inventory.files)} file(s), ${formatCount(inventory.events)} events` +
        `${inventory.skipped.length > 0 ? `, ${formatCount(inventory.skipped.length)} unreadable` : ''}\n`);
    for (const s of inventory.skipped) process.stderr.write(`  skipped ${s.file}: ${s.reason}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}

async function cache(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return printHelp(CACHE_HELP);
  if (sub !== 'clear') throw new UsageError(sub === undefined ? 'cache needs a subcommand: clear' : `unknown cache subcommand "${sub}"`);
  const { values } = parsed(() => parseArgs({ args: [...rest], options: { ...HELP_FLAG, cache: { type: 'string' } } }));
  if (values.help) return printHelp(CACHE_HELP);
  const removed = await clearCaches(values.cache);
  process.stdout.write(removed.length > 0 ? `removed ${removed.map((r) => `\n  ${r}`).join('')}\n` : 'no cache to remove\n');
  return 0;
}
