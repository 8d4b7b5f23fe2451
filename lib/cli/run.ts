/** `irbook run`: a playbook executed headless, with its report. */
import { parseArgs } from 'node:util';
import { formatDuration } from '../display/format';
import { NotebookCellError } from '../errors';
import { parseParameterArgs } from '../jupyter/parameters';
import { runNotebook } from '../jupyter/run-notebook';
import { HELP_FLAG, parsed, printHelp, toInteger, UsageError, type Command } from './command';

const HELP = `Usage: irbook run NOTEBOOK [-p NAME=VALUE …] [--title TEXT] [--analyst NAME] [--out DIR]
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
`;

export const command: Command = { help: HELP, run };

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
  if (values.help) return printHelp(HELP);
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
