/**
 * Notebooks reach git without outputs, whoever commits: a git "clean" filter (as nbstripout
 * does for Python users) runs `irbook notebooks clean --stdin` on every `.ipynb` as it is
 * staged. Git stores the cleaned text; the file being edited keeps its outputs.
 */

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IrbookError } from '../errors';
import { cleanNotebook, serializeNotebook } from './clean-notebook';
import type { Notebook } from './parameters';

const run = promisify(execFile);

/** The filter's name, as `.gitattributes` uses it: `*.ipynb filter=irbook-notebook`. */
export const GIT_FILTER_NAME = 'irbook-notebook';

/** What {@link installGitFilter} did. */
export type GitFilterStatus = 'installed' | 'unchanged' | 'not-a-repository';

/**
 * Registers the clean filter in the repository around `dir` (its `.git/config`), running this
 * installation's `irbook` with this node by absolute path. Safe to rerun.
 *
 * @example
 * await installGitFilter(process.cwd()); // 'installed'
 */
export async function installGitFilter(dir: string, irbookBin = join(__dirname, '..', '..', 'bin', 'irbook.js')): Promise<{ status: GitFilterStatus; command?: string }> {
  const git = (...args: string[]) => run('git', ['-C', dir, ...args]);
  try {
    await git('rev-parse', '--git-dir');
  } catch {
    return { status: 'not-a-repository' };
  }
  const command = `${quote(process.execPath)} ${quote(irbookBin)} notebooks clean --stdin`;
  const current = await git('config', '--local', '--get', `filter.${GIT_FILTER_NAME}.clean`).then((r) => r.stdout.trim(), () => '');
  if (current === command) return { status: 'unchanged', command };
  await git('config', '--local', `filter.${GIT_FILTER_NAME}.clean`, command);
  return { status: 'installed', command };
}

function quote(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * The filter itself: a notebook's text in, its clean text out (the bytes Jupyter writes).
 *
 * @throws IrbookError when the text is not a notebook (git then keeps the file as it is)
 * @example
 * process.stdout.write(cleanNotebookText(await readAll(process.stdin)));
 */
export function cleanNotebookText(text: string, name = 'stdin'): string {
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text) as Notebook;
    if (!Array.isArray(notebook.cells)) throw new Error('no "cells" list');
  } catch (error) {
    throw new IrbookError(`${name} is not a Jupyter notebook: ${(error as Error).message}`);
  }
  return serializeNotebook(cleanNotebook(notebook));
}
