/**
 * The `irbook` command: query, detect, ingest, cache, sample, run, kernel install, notebooks, start.
 * Each command is its own module under cli/, loaded only when it runs: `irbook query` is a
 * whole process per call, so it should not wait for the notebook runner, the sample
 * generator or Jupyter's setup to load.
 */
import { revealInvisibles } from './display/escape';
import { IrbookError } from './errors';
import { UsageError, type Command } from './cli/command';

const MAIN_HELP = `irbook — AWS security incident response with Athena SQL, on CloudTrail logs on disk.

Usage:
  irbook query --logs DIR [--cache DIR] [--db NAME] [--format table|json|csv] [--keep-formulas] [--strict] [--out FILE] (SQL | --file FILE)
  irbook detect --logs DIR [--rules PATH]… [--since TIME] [--until TIME] [--target cloudtrail|ocsf] [--format table|json|csv]
  irbook ingest --logs DIR [--cache DIR]
  irbook cache clear [--cache DIR]
  irbook sample --out DIR [--events N] [--seed S]
  irbook run NOTEBOOK [-p NAME=VALUE …] [--title TEXT] [--analyst NAME] [--out DIR] [--max-rows N] [--show-code]
  irbook kernel install [--user | --prefix DIR] [--name NAME] [--display-name TEXT]
  irbook notebooks clean [--stdin | FILE …]
  irbook start [--port N] [--no-serve]
  irbook COMMAND --help
`;

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  query: async () => (await import('./cli/query.js')).command,
  detect: async () => (await import('./cli/detect.js')).command,
  ingest: async () => (await import('./cli/ingest.js')).ingestCommand,
  cache: async () => (await import('./cli/ingest.js')).cacheCommand,
  sample: async () => (await import('./cli/sample.js')).command,
  run: async () => (await import('./cli/run.js')).command,
  kernel: async () => (await import('./cli/kernel.js')).command,
  notebooks: async () => (await import('./cli/notebooks.js')).command,
  start: async () => (await import('./cli/start.js')).command,
};

/** Runs the command line and returns the exit code: 0 ok, 1 the work failed, 2 the command line is wrong. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(MAIN_HELP);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  let command: Command | undefined;
  try {
    if (!load) throw new UsageError(`unknown command "${name}"`);
    command = await load();
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`irbook: ${revealInvisibles(error.message, true)}\n\n${command?.help ?? MAIN_HELP}`);
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
