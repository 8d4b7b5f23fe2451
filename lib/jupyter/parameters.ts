/** Papermill-style parameters for a playbook: read the `parameters` cell, inject values after it. */

import { OptionError } from '../errors';

/** The parts of an `.ipynb` (nbformat 4) irbook reads and writes. */
export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  id?: string;
  metadata: { tags?: string[]; [key: string]: unknown };
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}

/** A notebook as JSON. */
export interface Notebook {
  cells: NotebookCell[];
  metadata: { [key: string]: unknown };
  nbformat: number;
  nbformat_minor: number;
}

/** What a parameter's default in the `parameters` cell is, which decides how a value is typed. */
export type ParameterKind = 'string' | 'number' | 'boolean';

/** One parameter declared in the `parameters` cell. */
export interface DeclaredParameter {
  readonly name: string;
  readonly kind: ParameterKind;
  /** The default as written in the cell, e.g. `'2024-03-01'`. */
  readonly defaultText: string;
}

/** The tag papermill uses for the cell that holds defaults. */
export const PARAMETERS_TAG = 'parameters';
/** The tag of the cell irbook adds with the injected values (papermill's name too). */
export const INJECTED_TAG = 'injected-parameters';

/** A cell's source as one string. */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/**
 * The parameters a notebook declares: `let name = <literal>;` lines in the cell tagged
 * `parameters`. They must be `let`: the injected cell assigns to them.
 *
 * @example
 * declaredParameters(notebook); // [{ name: 'suspect', kind: 'string' }, …]
 */
export function declaredParameters(notebook: Notebook): DeclaredParameter[] {
  const cell = parametersCell(notebook).cell;
  const found: DeclaredParameter[] = [];
  const declaration = /^\s*let\s+([A-Za-z_$][\w$]*)\s*(?::\s*[^=]+)?=\s*([^;\n]+)/gm;
  for (const match of cellSource(cell).matchAll(declaration)) {
    const literal = match[2]!.trim();
    const kind: ParameterKind = /^(true|false)$/.test(literal) ? 'boolean' : /^-?\d/.test(literal) ? 'number' : 'string';
    found.push({ name: match[1]!, kind, defaultText: literal });
  }
  return found;
}

function parametersCell(notebook: Notebook): { cell: NotebookCell; index: number } {
  const index = notebook.cells.findIndex((c) => c.cell_type === 'code' && c.metadata.tags?.includes(PARAMETERS_TAG));
  if (index < 0) {
    throw new OptionError('parameters', undefined, `the notebook has no code cell tagged "${PARAMETERS_TAG}" to inject parameters after`);
  }
  return { cell: notebook.cells[index]!, index };
}

/**
 * A copy of the notebook with a cell tagged `injected-parameters` right after the `parameters`
 * cell, assigning the given values (replacing an earlier injected cell). Values arrive as text
 * (`-p suspect=arn:…`) and are typed by the default they replace: a number parameter must get
 * a number, a boolean `true` or `false`. An undeclared name is an error, so a typo cannot be
 * silently ignored.
 *
 * @example
 * injectParameters(notebook, { suspect: 'arn:aws:iam::111122223333:user/ci-deployer' });
 */
export function injectParameters(notebook: Notebook, values: Readonly<Record<string, string>>): Notebook {
  const declared = new Map(declaredParameters(notebook).map((p) => [p.name, p.kind]));
  const lines: string[] = ['// Injected by irbook run'];
  for (const [name, text] of Object.entries(values)) {
    const kind = declared.get(name);
    if (kind === undefined) {
      const known = [...declared.keys()].join(', ') || '(none)';
      throw new OptionError(name, text, `parameter "${name}" is not declared in the parameters cell; it declares: ${known}`);
    }
    lines.push(`${name} = ${typedLiteral(name, kind, text)};`);
  }
  // tslab shows a cell's last expression; an assignment would echo its value under the cell.
  lines.push('void 0;');
  const cells = notebook.cells.filter((c) => !c.metadata.tags?.includes(INJECTED_TAG));
  const { index } = parametersCell({ ...notebook, cells });
  const injected: NotebookCell = {
    cell_type: 'code',
    id: 'injected-parameters',
    metadata: { tags: [INJECTED_TAG] },
    source: lines.join('\n'),
    outputs: [],
    execution_count: null,
  };
  return { ...notebook, cells: [...cells.slice(0, index + 1), injected, ...cells.slice(index + 1)] };
}

function typedLiteral(name: string, kind: ParameterKind, text: string): string {
  if (kind === 'string') return JSON.stringify(text);
  if (kind === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new OptionError(name, text, `parameter "${name}" must be true or false, not "${text}"`);
    return text;
  }
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new OptionError(name, text, `parameter "${name}" must be a number, not "${text}"`);
  return text;
}

/**
 * Parse `name=value` pairs from the command line; the value may itself contain `=`.
 *
 * @example
 * parseParameterArgs(['suspect=arn:aws:iam::1:user/a', 'start=2024-03-19']);
 */
export function parseParameterArgs(pairs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new OptionError('-p', pair, `-p expects name=value, not "${pair}"`);
    values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return values;
}
