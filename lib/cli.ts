/** The `irbook` command: `irbook query …` and `irbook sample …`. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LocalEngine } from './engines/local/local-engine';
import { IrbookError } from './errors';
import { formatBytes, formatDuration } from './display/format';
import { generateSample, SAMPLE_DEFAULTS } from './sample';

const HELP: Record<string, string> = {
  main: `irbook — AWS security incident response with Athena SQL, on CloudTrail logs on disk.

Usage:
  irbook query --logs DIR [--db NAME] [--format table|json|csv] [--strict] (SQL | --file FILE)
  irbook sample --out DIR [--events N] [--seed S]
  irbook COMMAND --help
`,
  query: `Usage: irbook query --logs DIR [--db NAME] [--format table|json|csv] [--strict] (SQL | --file FILE)

Runs Athena (Trino) SQL over CloudTrail logs with the embedded DuckDB engine. The table is
"cloudtrail", also reachable as "<db>"."cloudtrail".

  --logs DIR     folder of CloudTrail logs (S3 layout, .json/.json.gz, arrays, JSON lines); repeatable
  --db NAME      database name the table is found under (default security_analysis)
  --format F     table (default), json (an array of row objects) or csv
  --file FILE    read the SQL from FILE instead of the argument
  --strict       fail if any log file cannot be read (default: skip it and report it on stderr)
`,
  sample: `Usage: irbook sample --out DIR [--events N] [--seed S]

Writes deterministic sample CloudTrail logs (March 2024, two accounts, three regions) in the
S3 delivery layout, with both attack stories and a manifest.json of the ground truth.

  --out DIR      where to write (AWSLogs/… and manifest.json)
  --events N     total events (default ${SAMPLE_DEFAULTS.events})
  --seed S       random seed (default ${SAMPLE_DEFAULTS.seed}); same seed, same bytes
`,
};

/** Exit codes: 0 ok, 1 the work failed, 2 the command line is wrong. */
class UsageError extends Error {}

/** Runs the command line and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(HELP.main!);
      return 0;
    }
    if (command === 'query') return await query(rest);
    if (command === 'sample') return await sample(rest);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`irbook: ${error.message}\n\n${HELP[command ?? 'main'] ?? HELP.main}`);
      return 2;
    }
    if (error instanceof IrbookError) {
      process.stderr.write(`irbook: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** Runs an argument parser, turning its complaints into usage errors. */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

async function query(args: readonly string[]): Promise<number> {
  const { values, positionals } = parsed(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        ...HELP_FLAG,
        logs: { type: 'string', multiple: true },
        db: { type: 'string' },
        format: { type: 'string', default: 'table' },
        file: { type: 'string' },
        strict: { type: 'boolean', default: false },
      },
    }),
  );
  if (values.help) return help('query');
  const { logs, format } = values;
  if (!logs?.length) throw new UsageError('--logs DIR is required');
  if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`--format must be table, json or csv, not "${format}"`);
  if (values.file !== undefined && positionals.length > 0) throw new UsageError('give the SQL as an argument or with --file, not both');
  if (values.file === undefined && positionals.length !== 1) throw new UsageError('give exactly one SQL statement (quote it) or --file FILE');
  const text = values.file !== undefined ? readSql(values.file) : positionals[0]!;

  const engine = await LocalEngine.open({ logs, database: values.db, strict: values.strict });
  try {
    const result = await engine.query(text);
    if (format === 'table') {
      // The table ends with its own summary and skipped-files warning.
      process.stdout.write(`${result.toText({ maxRows: Number.MAX_SAFE_INTEGER, maxWidth: 120 })}\n`);
      return 0;
    }
    process.stdout.write(format === 'json' ? `${JSON.stringify(result.toJSON(), null, 2)}\n` : result.toCsv());
    const { stats } = result;
    process.stderr.write(
      `${result.rowCount} row(s) in ${formatDuration(stats.elapsedMs)}; ${stats.filesRead ?? 0} file(s), ${formatBytes(stats.bytesRead ?? 0)} read\n`);
    if (stats.filesSkipped.length > 0) {
      process.stderr.write(`warning: ${stats.filesSkipped.length} file(s) could not be read and are not in the answer:\n`);
      for (const s of stats.filesSkipped) process.stderr.write(`  ${s.file}: ${s.reason}\n`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}

function readSql(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function sample(args: readonly string[]): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({
      args: [...args],
      options: { ...HELP_FLAG, out: { type: 'string' }, events: { type: 'string' }, seed: { type: 'string' } },
    }),
  );
  if (values.help) return help('sample');
  if (values.out === undefined) throw new UsageError('--out DIR is required');
  const events = values.events === undefined ? undefined : toInteger('--events', values.events);
  const seed = values.seed === undefined ? undefined : toInteger('--seed', values.seed);
  const started = performance.now();
  let lastReport = 0;
  const manifest = await generateSample({
    out: values.out,
    events,
    seed,
    onProgress: (written, total) => {
      if (process.stderr.isTTY && performance.now() - lastReport > 500) {
        lastReport = performance.now();
        process.stderr.write(`\r${written.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events`);
      }
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  process.stderr.write(
    `wrote ${manifest.events.toLocaleString('en-US')} events in ${manifest.files.toLocaleString('en-US')} files to ${values.out} ` +
      `in ${formatDuration(performance.now() - started)}; ground truth in ${values.out}/manifest.json\n`);
  return 0;
}

function toInteger(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number, not "${text}"`);
  return Number(text);
}

function help(command: string): number {
  process.stdout.write(HELP[command]!);
  return 0;
}
