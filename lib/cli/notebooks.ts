/** `irbook notebooks clean`: notebooks without outputs, in place or as git's clean filter. */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cleanNotebookText, GIT_FILTER_NAME } from '../jupyter/git-filter';
import { HELP_FLAG, parsed, printHelp, UsageError, type Command } from './command';

const HELP = `Usage: irbook notebooks clean [--stdin | FILE …]

Strips outputs, execution counts, injected parameters and session metadata from notebooks,
writing them as Jupyter does. With FILEs, cleans them in place; with --stdin, reads one
notebook and writes it cleaned to stdout: the git clean filter "${GIT_FILTER_NAME}" that
.gitattributes names and irbook kernel install registers, so commits never carry outputs
while the file you edit keeps them.
`;

export const command: Command = { help: HELP, run: notebooks };

async function notebooks(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return printHelp(HELP);
  if (sub !== 'clean') throw new UsageError(sub === undefined ? 'notebooks needs a subcommand: clean' : `unknown notebooks subcommand "${sub}"`);
  const { values, positionals } = parsed(() =>
    parseArgs({ args: [...rest], allowPositionals: true, options: { ...HELP_FLAG, stdin: { type: 'boolean', default: false } } }),
  );
  if (values.help) return printHelp(HELP);
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
