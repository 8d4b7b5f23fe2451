/**
 * The git clean filter: a notebook committed after a run reaches git without outputs, and the
 * file being edited keeps them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IrbookError } from '../../lib/errors';
import { cleanNotebook, notebookProblems, serializeNotebook } from '../../lib/jupyter/clean-notebook';
import { cleanNotebookText, GIT_FILTER_NAME, installGitFilter } from '../../lib/jupyter/git-filter';
import { gitDifference } from '../../lib/jupyter/git-state';
import type { Notebook } from '../../lib/jupyter/parameters';

const ROOT = join(__dirname, '..', '..');
const PLAYBOOK = join(ROOT, 'notebooks', 'credential-compromise-analysis.ipynb');
const repo = mkdtempSync(join(tmpdir(), 'irbook-git-filter-'));
const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' });

afterAll(() => rmSync(repo, { recursive: true, force: true }));

/** The playbook as Jupyter leaves it after a run: outputs, counts, session metadata. */
function runNotebook(): Notebook {
  const notebook = JSON.parse(readFileSync(PLAYBOOK, 'utf8')) as Notebook;
  notebook.metadata.widgets = { state: {} };
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    cell.execution_count = i;
    cell.outputs = [{ output_type: 'display_data', data: { 'text/html': `<table><tr><td>row ${i}</td></tr></table>` }, metadata: {} }];
    cell.metadata.execution = { 'iopub.status.busy': '2024-03-19T10:00:00Z' };
  });
  return notebook;
}

describe('the irbook-notebook git clean filter', () => {
  it('commits a run notebook without outputs and leaves the working file as it was', async () => {
    git('init', '-q');
    git('config', 'user.email', 'analyst@example.com');
    git('config', 'user.name', 'Analyst');
    writeFileSync(join(repo, '.gitattributes'), readFileSync(join(ROOT, '.gitattributes')));
    expect((await installGitFilter(repo)).status).toBe('installed');
    expect((await installGitFilter(repo)).status).toBe('unchanged');
    expect(git('config', '--get', `filter.${GIT_FILTER_NAME}.clean`)).toContain('notebooks clean --stdin');

    const dirty = runNotebook();
    expect(notebookProblems(dirty).length).toBeGreaterThan(10);
    const file = join(repo, 'playbook.ipynb');
    const written = JSON.stringify(dirty, null, 1);
    writeFileSync(file, written);
    git('add', '.gitattributes', 'playbook.ipynb');
    git('commit', '-q', '-m', 'after a run');

    const committed = git('show', 'HEAD:playbook.ipynb');
    expect(notebookProblems(JSON.parse(committed) as Notebook)).toEqual([]);
    expect(committed).toBe(serializeNotebook(cleanNotebook(dirty)));
    expect(readFileSync(file, 'utf8')).toBe(written);
    // Outputs alone are no change to git, and none to a run's comparison either.
    expect(git('status', '--porcelain')).toBe('');
    expect(await gitDifference(file, dirty)).toEqual({ changedCells: [], hasOutputs: true });
  });

  it('shows a run which cells differ from the committed version', async () => {
    const edited = runNotebook();
    const cell = edited.cells.find((c) => c.id === 'q24-query')!;
    cell.source = 'const q24 = sql`SELECT 1`;\n';
    edited.cells = edited.cells.filter((c) => c.id !== 'own');
    const diff = await gitDifference(join(repo, 'playbook.ipynb'), edited);
    expect(diff?.changedCells).toEqual([
      expect.stringMatching(/^cell \d+ changed: "const q24 = sql`SELECT 1`;"$/),
      expect.stringMatching(/^removed: "const mine = sql`"$/),
    ]);
    expect(await gitDifference(join(tmpdir(), 'not-in-git.ipynb'), edited)).toBeUndefined();
  });

  it('refuses text that is not a notebook, naming it', () => {
    expect(() => cleanNotebookText('{"cells": 1}', 'x.ipynb')).toThrow(IrbookError);
    expect(() => cleanNotebookText('not json', 'x.ipynb')).toThrow(/x\.ipynb is not a Jupyter notebook/);
  });
});
