/**
 * `irbook detect`: Sigma rules over the logs with the local engine, one row per rule that
 * fired. Rules that could not be compiled go to stderr with their reasons; either way the
 * exit code is 0: "nothing fired" is an answer.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { revealInvisibles } from '../display/escape';
import { OptionError } from '../errors';
import type { LocalEngine } from '../engines/local/local-engine';
import { timeWindow, type TimeWindow } from '../playbooks/time-window';
import { detect } from '../detections/detect';
import type { DetectionTarget } from '../detections/types';
import { HELP_FLAG, parsed, printHelp, UsageError, type Command } from './command';
import { checkLocalEngineFlags, csvOutput, jsonOutput, LOCAL_ENGINE_FLAGS } from './local-engine-flags';
import { stderrProgress } from './progress';

const HELP = `Usage: irbook detect --logs DIR [--rules PATH]… [--since TIME] [--until TIME] [--target cloudtrail|ocsf] [--region R] [--format table|json|csv] [--cache DIR] [--db NAME] [--ocsf-source S] [--lake-regions R] [--strict]

Runs Sigma detection and correlation rules over the logs, all in one query, and prints one
row per rule that fired: level, title, hits, first and last time, principals, source IPs,
the rule's author and id (and, for the table, each rule's references). Rules that could
not be compiled are listed on stderr with the reason. Exit code 0 whether or not rules fired.

  --logs DIR     folder of CloudTrail logs or a local copy of a Security Lake bucket; repeatable
  --rules PATH   Sigma rule file or folder (searched for .yml/.yaml); repeatable.
                 Default: the project's own pack (rules/)
  --since TIME   the window's start, UTC: 2024-03-19 or 2024-03-19T05:00:00Z (default: all)
  --until TIME   the window's end, exclusive (default: now)
  --target T     cloudtrail (default): the CloudTrail table; ocsf: Security Lake's tables
  --region R     ocsf: the lake's region in the table names (default us-west-2)
  --format F     table (default), json (an array of row objects) or csv
  --cache DIR, --db NAME, --ocsf-source S, --lake-regions R, --strict: as for irbook query
`;

export const command: Command = { help: HELP, run: detectCommand };

/** The start of "all": before any CloudTrail record. */
const BEGINNING = '2000-01-01';

async function detectCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parsed(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        ...HELP_FLAG,
        ...LOCAL_ENGINE_FLAGS,
        rules: { type: 'string', multiple: true },
        since: { type: 'string' },
        until: { type: 'string' },
        target: { type: 'string', default: 'cloudtrail' },
        region: { type: 'string' },
        format: { type: 'string', default: 'table' },
      },
    }),
  );
  if (values.help) return printHelp(HELP);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const { format, target } = values;
  const openEngine = checkLocalEngineFlags(values);
  if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`--format must be table, json or csv, not "${format}"`);
  if (target !== 'cloudtrail' && target !== 'ocsf') throw new UsageError(`--target must be cloudtrail or ocsf, not "${target}"`);
  if (values.region !== undefined && target !== 'ocsf') throw new UsageError('--region names the Security Lake tables: use it with --target ocsf');
  for (const path of values.rules ?? []) if (!existsSync(path)) throw new UsageError(`--rules ${revealInvisibles(path)}: no such file or folder`);
  const window = windowOf(values.since, values.until);

  const engine = await openEngine();
  try {
    const found = await detectOn(engine, values.rules, window, target, values.region);
    // Problems first, on stderr: the table on stdout stays machine-readable.
    for (const line of found.problemLines()) process.stderr.write(`irbook: rule not run: ${revealInvisibles(line)}\n`);
    if (format === 'table') {
      const table = found.tableText({ maxRows: Number.MAX_SAFE_INTEGER, maxWidth: 60 });
      // The problems went to stderr above.
      process.stdout.write(`${[table, ...found.footerLines(false)].join('\n')}\n`);
    } else {
      process.stdout.write(format === 'json' ? `${jsonOutput(found.toJSON())}\n` : csvOutput(found.toCsv()));
      process.stderr.write(`${found.firedLine()}\n`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}

async function detectOn(engine: LocalEngine, rules: string[] | undefined, window: TimeWindow, target: DetectionTarget, region: string | undefined) {
  try {
    return await detect({ engine, window, target, onProgress: stderrProgress(), ...(rules ? { rules } : {}), ...(region !== undefined ? { region } : {}) });
  } catch (error) {
    // A region the lake cannot have is the command line's fault.
    if (error instanceof OptionError && error.option === 'region') throw new UsageError(`--region: ${error.message}`);
    throw error;
  }
}

function windowOf(since: string | undefined, until: string | undefined): TimeWindow {
  try {
    return timeWindow(since ?? BEGINNING, until ?? new Date());
  } catch (error) {
    if (error instanceof OptionError) {
      const flag = error.option === 'start' ? '--since' : '--until';
      throw new UsageError(error.message.replace(/^(start|end)\b/, flag));
    }
    throw error;
  }
}
