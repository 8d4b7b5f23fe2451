/** Notebooks in git: no outputs, no execution counts, no per-run metadata, stable bytes. */

import { cellSource, INJECTED_TAG, type Notebook, type NotebookCell } from './parameters';

/** Cell metadata worth keeping in git: tags drive `parameters`; the rest is per-session UI state. */
const KEPT_CELL_METADATA = ['tags'];
/** Notebook metadata worth keeping: which kernel and language. */
const KEPT_NOTEBOOK_METADATA = ['kernelspec', 'language_info'];

/** What is wrong with a notebook as committed; empty when it is clean. */
export function notebookProblems(notebook: Notebook): string[] {
  const problems: string[] = [];
  notebook.cells.forEach((cell, i) => {
    const where = `cell ${i + 1}${cell.id ? ` (${cell.id})` : ''}`;
    if (cell.cell_type === 'code') {
      if ((cell.outputs ?? []).length > 0) problems.push(`${where} has outputs`);
      if (cell.execution_count !== null && cell.execution_count !== undefined) problems.push(`${where} has an execution count`);
    }
    const extra = Object.keys(cell.metadata).filter((k) => !KEPT_CELL_METADATA.includes(k));
    if (extra.length > 0) problems.push(`${where} has metadata ${extra.join(', ')}`);
    if (cell.metadata.tags?.includes(INJECTED_TAG)) problems.push(`${where} holds injected parameters`);
    if (cell.attachments !== undefined) problems.push(`${where} has attachments`);
  });
  const extra = Object.keys(notebook.metadata).filter((k) => !KEPT_NOTEBOOK_METADATA.includes(k));
  if (extra.length > 0) problems.push(`notebook metadata has ${extra.join(', ')}`);
  return problems;
}

/**
 * The notebook as it belongs in git: outputs, execution counts, injected-parameter cells and
 * session metadata removed.
 *
 * @example
 * const clean = cleanNotebook(JSON.parse(text));
 */
export function cleanNotebook(notebook: Notebook): Notebook {
  const cells = notebook.cells
    .filter((c) => !c.metadata.tags?.includes(INJECTED_TAG))
    .map((cell): NotebookCell => {
      const { outputs: _outputs, execution_count: _count, attachments: _attachments, ...rest } = cell;
      const metadata = Object.fromEntries(Object.entries(cell.metadata).filter(([k]) => KEPT_CELL_METADATA.includes(k)));
      return cell.cell_type === 'code'
        ? { ...rest, metadata, outputs: [], execution_count: null }
        : { ...rest, metadata };
    });
  const metadata = Object.fromEntries(Object.entries(notebook.metadata).filter(([k]) => KEPT_NOTEBOOK_METADATA.includes(k)));
  return { ...notebook, cells, metadata };
}

/**
 * The bytes Jupyter itself writes (nbformat: keys sorted, one-space indent, sources as lists
 * of lines, a final newline), so that saving in Jupyter and cleaning agree and diffs stay small.
 *
 * @example
 * await writeFile(file, serializeNotebook(cleanNotebook(notebook)));
 */
export function serializeNotebook(notebook: Notebook): string {
  const normalized = {
    ...notebook,
    cells: notebook.cells.map((cell) => ({ ...cell, source: splitLines(cellSource(cell)) })),
  };
  return `${JSON.stringify(sortKeys(normalized), null, 1)}\n`;
}

function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}
