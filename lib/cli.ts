/** The `irbook` command: query, sample, run, kernel install, start. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clearCaches } from './engines/local/cache-store';
import { describeIngestProgress } from './engines/local/ingest';
import { LocalEngine } from './engines/local/local-engine';
import type { QueryProgress } from './display/progress';
import { IrbookError, NotebookCellError } from './errors';
import { escapeInvisiblesInJson, revealInvisibles } from './display/escape';
import { formatBytes, formatCount, formatDuration } from './display/format';
import { cleanNotebookText, GIT_FILTER_NAME, installGitFilter } from './jupyter/git-filter';
import { ensureJupyter } from './jupyter/install-jupyter';
import { installKernel } from './jupyter/kernelspec';
import { parseParameterArgs } from './jupyter/parameters';
import { runNotebook } from './jupyter/run-notebook';
import { serveNotebooks } from './jupyter/serve';
import { queryToFile } from './query-to-file';
import { formatOf, type FileFormat } from './result/write-file';
import type { QueryStats } from './result/types';
import { generateSample, SAMPLE_DEFAULTS } from './sample';
import { bundledSampleDir, ensureSample } from './sample/bundled';

const HELP: Record<string, string> = {
  main: `irbook — AWS security incident response with Athena SQL, on CloudTrail logs on disk.

Usage:
  irbook query --logs DIR [--cache DIR] [--db NAME] [--format table|json|csv] [--keep-formulas] [--strict] [--out FILE] (SQL | --file FILE)
  irbook ingest --logs DIR [--cache DIR]
  irbook cache clear [--cache DIR]
  irbook sample --out DIR [--events N] [--seed S]
  irbook run NOTEBOOK [-p NAME=VALUE …] [--title TEXT] [--analyst NAME] [--out DIR] [--max-rows N] [--show-code]
  irbook kernel install [--user | --prefix DIR] [--name NAME] [--display-name TEXT]
  irbook notebooks clean [--stdin | FILE …]
  irbook start [--port N] [--no-serve]
  irbook COMMAND --help
`,
  query: `Usage: irbook query --logs DIR [--cache DIR] [--db NAME] [--format table|json|csv] [--keep-formulas] [--strict] [--out FILE] (SQL | --file FILE)

Runs Athena (Trino) SQL over CloudTrail logs with the embedded DuckDB engine. The table is
"cloudtrail", also reachable as "<db>"."cloudtrail". New and changed log files are taken into
the ingest cache first (progress on stderr).

  --logs DIR     folder of CloudTrail logs (S3 layout, .json/.json.gz, arrays, JSON lines); repeatable
  --cache DIR    ingest cache folder (default $XDG_CACHE_HOME/irbook/…, keyed by the logs' real path)
  --db NAME      database name the table is found under (default security_analysis)
  --format F     table (default), json (an array of row objects) or csv
  --keep-formulas  csv: write text starting with = + - @ tab or CR as it is (default: put ' in
                 front, so a spreadsheet shows it instead of running it as a formula)
  --file FILE    read the SQL from FILE instead of the argument
  --strict       fail if any log file cannot be read (default: skip it and report it on stderr)
  --out FILE     write every row to FILE instead, streamed and with no row limit: CSV for
                 .csv, JSON lines for .jsonl/.ndjson/.json; FILE appears only when complete
`,
  ingest: `Usage: irbook ingest --logs DIR [--cache DIR]

Builds or updates the ingest cache for the logs ahead of time, and says what it did: files
new, changed, removed and skipped (with the reason), events added, time taken. Queries do the
same before they run, so this is only to pay the first ingest up front.

  --logs DIR     folder of CloudTrail logs; repeatable
  --cache DIR    ingest cache folder (default $XDG_CACHE_HOME/irbook/…, keyed by the logs' real path)
`,
  cache: `Usage: irbook cache clear [--cache DIR]

Removes ingest caches: the one folder given with --cache, or every cache under
$XDG_CACHE_HOME/irbook (~/.cache/irbook). Only folders irbook made are removed; the next
query or ingest rebuilds what it needs.
`,
  sample: `Usage: irbook sample --out DIR [--events N] [--seed S] [--replace]

Writes deterministic sample CloudTrail logs (March 2024, two accounts, three regions) in the
S3 delivery layout, with both attack stories and a manifest.json of the ground truth. The
files are written next to DIR and moved in when all are written: DIR never holds half a sample.

  --out DIR      where to write (AWSLogs/… and manifest.json)
  --events N     total events (default ${SAMPLE_DEFAULTS.events})
  --seed S       random seed (default ${SAMPLE_DEFAULTS.seed}); same seed, same bytes
  --replace      replace an irbook sample already in DIR (never logs irbook did not write)
`,
  run: `Usage: irbook run NOTEBOOK [-p NAME=VALUE …] [--title TEXT] [--analyst NAME] [--out DIR]
                  [--max-rows N] [--show-code] [--timeout SECONDS]

Executes a playbook headless through the tslab kernel installed with irbook (no kernel
registration needed) and writes the executed notebook and a standalone HTML report to DIR
(default reports/), named after the notebook and the time. Prints each cell as it runs. The
report opens with a header: title, analyst, run time (UTC), window, data source, parameters,
irbook version and the playbook's findings (suspect, top entities, access keys, external
addresses, IAM changes). Warns when the notebook differs from git's version (the report says
so too). Exits 1 naming the cell (section and first line) when a cell fails; the files are
written anyway.

  -p NAME=VALUE  set a parameter declared in the notebook's "parameters" cell; repeatable
  --title TEXT   the report's title, e.g. the incident id (default: the notebook's name)
  --analyst NAME who ran it, for the header
  --out DIR      where to write the .ipynb and .html (default reports)
  --max-rows N   rows each table shows; the footer counts the rest (default 50)
  --show-code    keep the cells' code in the report (default: results only)
  --timeout S    seconds one cell may run (default 1800)
`,
  kernel: `Usage: irbook kernel install [--user | --prefix DIR] [--name NAME] [--display-name TEXT]

Registers the tslab TypeScript kernel with Jupyter, with absolute paths to this node and to
the tslab installed with irbook. Safe to rerun: an identical registration is left alone.
In a git checkout of irbook it also registers the notebooks' git clean filter (see
irbook notebooks --help); IRBOOK_GIT_FILTER=off skips that.

  --user           the user's Jupyter data folder (default)
  --prefix DIR     DIR/share/jupyter/kernels (a conda env or virtualenv that runs Jupyter)
  --name NAME      kernel name notebooks record (default tslab)
  --display-name   name in Jupyter's menus (default TypeScript)
`,
  notebooks: `Usage: irbook notebooks clean [--stdin | FILE …]

Strips outputs, execution counts, injected parameters and session metadata from notebooks,
writing them as Jupyter does. With FILEs, cleans them in place; with --stdin, reads one
notebook and writes it cleaned to stdout: the git clean filter "${GIT_FILTER_NAME}" that
.gitattributes names and irbook kernel install registers, so commits never carry outputs
while the file you edit keeps them.
`,
  start: `Usage: irbook start [--port N] [--no-serve]

Gets a machine ready and serves the playbooks: installs Jupyter if missing (Debian packages
where apt-get can run, pip where PyPI answers), registers the kernel for this user, writes the
sample logs to sample/ if absent, and starts Jupyter on notebooks/ on 127.0.0.1 with a token,
printing the URL. Ctrl+C stops it.

  --port N       port on 127.0.0.1 (default: a free one)
  --no-serve     do everything but start the server
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
    if (command === 'ingest') return await ingest(rest);
    if (command === 'cache') return await cache(rest);
    if (command === 'sample') return await sample(rest);
    if (command === 'run') return await run(rest);
    if (command === 'kernel') return await kernel(rest);
    if (command === 'notebooks') return await notebooks(rest);
    if (command === 'start') return await start(rest);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`irbook: ${revealInvisibles(error.message, true)}\n\n${HELP[command ?? 'main'] ?? HELP.main}`);
      return 2;
    }
    if (error instanceof IrbookError) {
      // Messages quote file names and values from the logs: never let them drive the terminal.
      process.stderr.write(`irbook: ${revealInvisibles(error.message, true)}\n`);
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
        cache: { type: 'string' },
        db: { type: 'string' },
        format: { type: 'string', default: 'table' },
        file: { type: 'string' },
        strict: { type: 'boolean', default: false },
        out: { type: 'string' },
        'keep-formulas': { type: 'boolean', default: false },
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

  const out = values.out === undefined ? undefined : { file: values.out, format: parsed(() => formatOf(values.out!)), keepFormulas: values['keep-formulas'] };

  const engine = await LocalEngine.open({ logs, database: values.db, strict: values.strict, cache: values.cache });
  try {
    if (out) return await queryToOut(engine, text, out);
    const result = await engine.query(text, { onProgress: stderrProgress() });
    if (format === 'table') {
      // The table ends with its own summary and skipped-files warning.
      process.stdout.write(`${result.toText({ maxRows: Number.MAX_SAFE_INTEGER, maxWidth: 120 })}\n`);
      return 0;
    }
    process.stdout.write(format === 'json' ? `${jsonOutput(result.toJSON())}\n` : csvOutput(result.toCsv({ keepFormulas: values['keep-formulas'] })));
    reportStats(result.rowCount, result.stats);
    return 0;
  } finally {
    await engine.close();
  }
}

/** Ingest progress on one stderr line, redrawn in place on a terminal. */
function stderrProgress(): (progress: QueryProgress) => void {
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

async function ingest(args: readonly string[]): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({ args: [...args], options: { ...HELP_FLAG, logs: { type: 'string', multiple: true }, cache: { type: 'string' } } }),
  );
  if (values.help) return help('ingest');
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
  if (sub === '--help' || sub === '-h') return help('cache');
  if (sub !== 'clear') throw new UsageError(sub === undefined ? 'cache needs a subcommand: clear' : `unknown cache subcommand "${sub}"`);
  const { values } = parsed(() => parseArgs({ args: [...rest], options: { ...HELP_FLAG, cache: { type: 'string' } } }));
  if (values.help) return help('cache');
  const removed = await clearCaches(values.cache);
  process.stdout.write(removed.length > 0 ? `removed ${removed.map((r) => `\n  ${r}`).join('')}\n` : 'no cache to remove\n');
  return 0;
}

/** `irbook query --out FILE`: every row to FILE, streamed, with no row limit. */
async function queryToOut(engine: LocalEngine, text: string, { file, format, keepFormulas }: { file: string; format: FileFormat; keepFormulas: boolean }): Promise<number> {
  const written = await queryToFile(text, file, { engine, format, keepFormulas });
  reportStats(written.rows, written.stats, `written to ${file} (${format})`);
  return 0;
}

function reportStats(rows: number, stats: QueryStats, where = ''): void {
  process.stderr.write(
    `${rows} row(s)${where ? ` ${where}` : ''} in ${formatDuration(stats.elapsedMs)}; ${stats.filesRead ?? 0} file(s), ${formatBytes(stats.bytesRead ?? 0)} read\n`);
  if (stats.filesSkipped.length > 0) {
    process.stderr.write(`warning: ${stats.filesSkipped.length} file(s) could not be read and are not in the answer:\n`);
    for (const s of stats.filesSkipped) process.stderr.write(`  ${revealInvisibles(s.file)}: ${revealInvisibles(s.reason)}\n`);
  }
}

function readSql(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--file ${revealInvisibles(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * JSON for stdout: the same data, with the invisible and control characters JSON.stringify
 * leaves raw written as `\u` escapes, so a log value cannot drive the terminal it lands in.
 */
function jsonOutput(value: unknown): string {
  return escapeInvisiblesInJson(JSON.stringify(value, null, 2));
}

/** CSV for stdout: exact when redirected to a file; on a terminal, control characters are shown as escapes. */
function csvOutput(csv: string): string {
  return process.stdout.isTTY ? revealInvisibles(csv, true) : csv;
}

async function sample(args: readonly string[]): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({
      args: [...args],
      options: { ...HELP_FLAG, out: { type: 'string' }, events: { type: 'string' }, seed: { type: 'string' }, replace: { type: 'boolean', default: false } },
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
    replace: values.replace,
    onProgress: (written, total) => {
      if (process.stderr.isTTY && performance.now() - lastReport > 500) {
        lastReport = performance.now();
        process.stderr.write(`\r${formatCount(written)} / ${formatCount(total)} events`);
      }
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  process.stderr.write(
    `wrote ${formatCount(manifest.events)} events in ${formatCount(manifest.files)} files to ${values.out} ` +
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

async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parsed(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        ...HELP_FLAG,
        param: { type: 'string', short: 'p', multiple: true },
        out: { type: 'string', default: 'reports' },
        timeout: { type: 'string' },
        title: { type: 'string' },
        analyst: { type: 'string' },
        'max-rows': { type: 'string' },
        'show-code': { type: 'boolean', default: false },
      },
    }),
  );
  if (values.help) return help('run');
  if (positionals.length !== 1) throw new UsageError('give exactly one notebook');
  const parameters = parsed(() => parseParameterArgs(values.param ?? []));
  const cellTimeoutSeconds = values.timeout === undefined ? undefined : toInteger('--timeout', values.timeout);
  const maxRows = values['max-rows'] === undefined ? undefined : toInteger('--max-rows', values['max-rows']);
  if (maxRows === 0) throw new UsageError('--max-rows must be at least 1');
  const say = (line: string) => void process.stderr.write(`${line}\n`);
  try {
    const result = await runNotebook({
      notebook: positionals[0]!, parameters, outDir: values.out, cellTimeoutSeconds,
      title: values.title, analyst: values.analyst, maxRows, showCode: values['show-code'],
      onProgress: (event) => {
        if (event.event === 'differs') warnAboutGit(event.changedCells, say);
        else if (event.event === 'start') {
          const warmUp = event.n === 1 ? ' (the kernel compiles first: 15 s or so)' : '';
          say(`[${event.n}/${event.of}] ${event.section ? `${event.section}: ` : ''}${event.firstLine}${warmUp}`);
        } else say(`        done in ${event.seconds} s`);
      },
    });
    warnAboutGit(result.gitDifference?.changedCells ?? [], say);
    process.stdout.write(`${result.notebookFile}\n${result.htmlFile}\n`);
    say(`ran ${positionals[0]} in ${formatDuration(result.elapsedMs)}`);
    return 0;
  } catch (error) {
    if (error instanceof NotebookCellError) process.stdout.write(`${error.notebookFile}\n${error.htmlFile}\n`);
    throw error;
  }
}

/** Loudly, before the run and again after it (where it is not scrolled away): the notebook run is not git's. */
function warnAboutGit(changedCells: readonly string[], say: (line: string) => void): void {
  if (changedCells.length === 0) return;
  say(`\nWARNING: the notebook differs from git's version; this run runs the edited cells (the report says so):`);
  for (const cell of changedCells) say(`  ${cell}`);
  say('To run the playbook as committed: git restore <notebook> (or git stash), then run again.\n');
}

async function kernel(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return help('kernel');
  if (sub !== 'install') throw new UsageError(sub === undefined ? 'kernel needs a subcommand: install' : `unknown kernel subcommand "${sub}"`);
  const { values } = parsed(() =>
    parseArgs({
      args: [...rest],
      options: {
        ...HELP_FLAG,
        user: { type: 'boolean', default: false },
        prefix: { type: 'string' },
        name: { type: 'string' },
        'display-name': { type: 'string' },
      },
    }),
  );
  if (values.help) return help('kernel');
  if (values.user && values.prefix !== undefined) throw new UsageError('give --user or --prefix, not both');
  const result = await installKernel({ prefix: values.prefix, name: values.name, displayName: values['display-name'] });
  const said = { created: 'registered', updated: 'replaced the earlier registration of', unchanged: 'already registered:' }[result.status];
  process.stdout.write(`${said} kernel "${values.name ?? 'tslab'}" in ${result.file}\n  ${result.spec.argv.join(' ')}\n`);
  if (result.previous) process.stdout.write(`  (was: ${result.previous.argv.join(' ')})\n`);
  await setUpGitFilter((line) => void process.stdout.write(`${line}\n`));
  return 0;
}

async function notebooks(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return help('notebooks');
  if (sub !== 'clean') throw new UsageError(sub === undefined ? 'notebooks needs a subcommand: clean' : `unknown notebooks subcommand "${sub}"`);
  const { values, positionals } = parsed(() =>
    parseArgs({ args: [...rest], allowPositionals: true, options: { ...HELP_FLAG, stdin: { type: 'boolean', default: false } } }),
  );
  if (values.help) return help('notebooks');
  if (values.stdin === (positionals.length > 0)) throw new UsageError('give --stdin or notebook files, one of the two');
  if (values.stdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    process.stdout.write(cleanNotebookText(Buffer.concat(chunks).toString('utf8')));
    return 0;
  }
  for (const file of positionals) {
    let before: string;
    try {
      before = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const after = cleanNotebookText(before, file);
    if (after !== before) {
      writeFileSync(file, after);
      process.stdout.write(`cleaned ${file}\n`);
    }
  }
  return 0;
}

/**
 * Registers the notebooks' git clean filter where irbook is a git checkout; says what it did.
 * `IRBOOK_GIT_FILTER=off` leaves git's configuration alone (tests, read-only checkouts).
 */
async function setUpGitFilter(say: (line: string) => void): Promise<void> {
  if (process.env.IRBOOK_GIT_FILTER === 'off') return;
  // The kernel matters more than the filter: a git that refuses (a read-only or odd checkout) is
  // reported, and the test of committed notebooks still catches outputs.
  try {
    const { status } = await installGitFilter(join(__dirname, '..'));
    if (status === 'installed') say(`Git filter "${GIT_FILTER_NAME}" registered in .git/config: notebooks are committed without outputs`);
  } catch (error) {
    say(`warning: git filter "${GIT_FILTER_NAME}" not registered (${revealInvisibles(firstLineOf(error))}); ` +
      'strip outputs with `irbook notebooks clean FILE` before committing');
  }
}

async function start(args: readonly string[]): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({ args: [...args], options: { ...HELP_FLAG, port: { type: 'string' }, 'no-serve': { type: 'boolean', default: false } } }),
  );
  if (values.help) return help('start');
  const port = values.port === undefined ? undefined : toInteger('--port', values.port);
  const say = (line: string) => void process.stdout.write(`${line}\n`);
  const jupyter = await ensureJupyter(say);
  say(`Jupyter: ${jupyter.lab ? 'JupyterLab' : 'classic Notebook'} (${jupyter.python})`);
  const kernelResult = await installKernel({});
  say(`Kernel "tslab" ${kernelResult.status === 'unchanged' ? 'already registered' : kernelResult.status} (${kernelResult.file})`);
  await setUpGitFilter(say);
  const started = performance.now();
  let written = false;
  const manifest = await ensureSample({ onProgress: () => (written = true) });
  say(`Sample logs: ${bundledSampleDir()} (${formatCount(manifest.events)} events; ` +
    `${written ? `written in ${formatDuration(performance.now() - started)}` : 'already there'})`);
  if (values['no-serve']) return 0;
  const server = await serveNotebooks({ jupyter, root: join(__dirname, '..', 'notebooks'), port });
  say(`\nServing the playbooks. Open:\n\n  ${server.url}\n\nStart with credential-compromise-analysis.ipynb. Ctrl+C stops the server.`);
  await new Promise<void>((resolvePromise) => {
    const stop = () => void server.stop().then(resolvePromise);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    server.process.once('exit', () => resolvePromise());
  });
  return 0;
}

function firstLineOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}
