/**
 * How a notebook on disk differs from the version git has: Jupyter's autosave writes outputs
 * and half-typed edits into the tracked playbook, and a headless run would run that edit.
 */

import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { promisify } from 'node:util';
import { cleanNotebook } from './clean-notebook';
import { cellSource, type Notebook, type NotebookCell } from './parameters';

const run = promisify(execFile);

/** What differs, cell by cell (`cell 12 "const q23 = sql`…"`), and whether outputs are saved. */
export interface GitDifference {
  /** Cells whose source is not git's, added or removed. */
  readonly changedCells: readonly string[];
  /** The file holds outputs (they are ignored by a run, which starts clean). */
  readonly hasOutputs: boolean;
}

/**
 * The differences between a notebook and its version at git's HEAD, or `undefined` when the
 * file is not tracked by git (or git is not there): then there is nothing to compare with.
 *
 * @example
 * const diff = await gitDifference('notebooks/credential-compromise-analysis.ipynb', notebook);
 * if (diff?.changedCells.length) console.warn(diff.changedCells.join('\n'));
 */
export async function gitDifference(file: string, notebook: Notebook): Promise<GitDifference | undefined> {
  const cwd = dirname(file);
  let committed: Notebook;
  try {
    const { stdout: prefix } = await run('git', ['rev-parse', '--show-prefix'], { cwd });
    const { stdout } = await run('git', ['show', `HEAD:${prefix.trim()}${basename(file)}`], { cwd, maxBuffer: 256 * 1024 * 1024 });
    committed = JSON.parse(stdout) as Notebook;
  } catch {
    return undefined;
  }
  const hasOutputs = notebook.cells.some((c) => (c.outputs ?? []).length > 0);
  const mine = cleanNotebook(notebook).cells;
  const theirs = new Map(cleanNotebook(committed).cells.map((c, i) => [c.id ?? `#${i}`, c]));
  const changedCells: string[] = [];
  mine.forEach((cell, i) => {
    const before = theirs.get(cell.id ?? `#${i}`);
    theirs.delete(cell.id ?? `#${i}`);
    if (before === undefined) changedCells.push(`cell ${i + 1} added: ${describe(cell)}`);
    else if (cellSource(before) !== cellSource(cell) || before.cell_type !== cell.cell_type) changedCells.push(`cell ${i + 1} changed: ${describe(cell)}`);
  });
  for (const removed of theirs.values()) changedCells.push(`removed: ${describe(removed)}`);
  return { changedCells, hasOutputs };
}

function describe(cell: NotebookCell): string {
  const line = cellSource(cell).split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('//')) ?? '';
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 79)}…` : line);
}
