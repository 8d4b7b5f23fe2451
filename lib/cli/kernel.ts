/** `irbook kernel install`: registers the tslab kernel with Jupyter. */
import { parseArgs } from 'node:util';
import { installKernel } from '../jupyter/kernelspec';
import { HELP_FLAG, parsed, printHelp, UsageError, type Command } from './command';
import { setUpGitFilter } from './git-filter-setup';

const HELP = `Usage: irbook kernel install [--user | --prefix DIR] [--name NAME] [--display-name TEXT]

Registers the tslab TypeScript kernel with Jupyter, with absolute paths to this node and to
the tslab installed with irbook. Safe to rerun: an identical registration is left alone.
In a git checkout of irbook it also registers the notebooks' git clean filter (see
irbook notebooks --help); IRBOOK_GIT_FILTER=off skips that.

  --user           the user's Jupyter data folder (default)
  --prefix DIR     DIR/share/jupyter/kernels (a conda env or virtualenv that runs Jupyter)
  --name NAME      kernel name notebooks record (default tslab)
  --display-name   name in Jupyter's menus (default TypeScript)
`;

export const command: Command = { help: HELP, run: kernel };

async function kernel(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return printHelp(HELP);
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
  if (values.help) return printHelp(HELP);
  if (values.user && values.prefix !== undefined) throw new UsageError('give --user or --prefix, not both');
  const result = await installKernel({ prefix: values.prefix, name: values.name, displayName: values['display-name'] });
  const said = { created: 'registered', updated: 'replaced the earlier registration of', unchanged: 'already registered:' }[result.status];
  process.stdout.write(`${said} kernel "${values.name ?? 'tslab'}" in ${result.file}\n  ${result.spec.argv.join(' ')}\n`);
  if (result.previous) process.stdout.write(`  (was: ${result.previous.argv.join(' ')})\n`);
  await setUpGitFilter((line) => void process.stdout.write(`${line}\n`));
  return 0;
}
