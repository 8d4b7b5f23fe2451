/** Reading an executed notebook's outputs, for tests that assert on what a playbook showed. */

import { readFileSync } from 'node:fs';

/** One output of a code cell, as nbformat stores it. */
export interface Output {
  output_type: 'display_data' | 'execute_result' | 'stream' | 'error' | 'update_display_data';
  data?: Record<string, unknown>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

interface Cell {
  id?: string;
  cell_type: string;
  execution_count?: number | null;
  outputs?: Output[];
  metadata: { tags?: string[] };
}

/** An executed notebook, indexed by cell id. */
export class ExecutedNotebook {
  readonly cells: Cell[];
  constructor(readonly file: string) {
    this.cells = (JSON.parse(readFileSync(file, 'utf8')) as { cells: Cell[] }).cells;
  }

  cell(id: string): Cell {
    const cell = this.cells.find((c) => c.id === id);
    if (!cell) throw new Error(`${this.file} has no cell with id ${id}`);
    return cell;
  }

  outputs(id: string): Output[] {
    return this.cell(id).outputs ?? [];
  }

  /**
   * Everything a cell showed as HTML or text, joined. Tables mark where long values may wrap
   * with `<wbr>`, which is not text: it is removed, so an ARN reads as one string.
   */
  shown(id: string): string {
    return this.outputs(id)
      .map((o) => [o.data?.['text/html'], o.data?.['text/plain'], o.text].map(joinText).join('\n'))
      .join('\n')
      .replace(/<wbr>/g, '');
  }

  /** Every output that is an error, or a stream on stderr, with its cell. */
  errors(): { id: string | undefined; output: Output }[] {
    return this.cells.flatMap((c) =>
      (c.outputs ?? [])
        .filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && (o as { name?: string }).name === 'stderr'))
        .map((output) => ({ id: c.id, output })));
  }
}

function joinText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return Array.isArray(value) ? value.join('') : String(value);
}

/** The ARNs in an HTML table, in the order the rows show them. */
export function arnsInOrder(html: string): string[] {
  return [...html.matchAll(/arn:aws:(?:iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/-]+/g)].map((m) => m[0]);
}

const ENTITIES: Record<string, string> = { '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };
const decode = (html: string) => html.replace(/&(quot|#39|lt|gt|amp);/g, (e) => ENTITIES[e]!);

/**
 * The rows of the first irbook table in some HTML, as records by column name. A cell cut
 * short on screen keeps its whole value in its `title`: that is read; else the cell's text.
 */
export function htmlTable(html: string): Record<string, string>[] {
  const table = /<table class="irbook-table">([\s\S]*?)<\/table>/.exec(html)?.[1];
  if (table === undefined) return [];
  const cells = (row: string, tag: 'th' | 'td') =>
    [...row.matchAll(new RegExp(`<${tag}([^>]*)>([\\s\\S]*?)</${tag}>`, 'g'))].map(([, attrs, inner]) => {
      const title = / title="([^"]*)"/.exec(attrs!)?.[1];
      return decode(tag === 'td' && title !== undefined ? title : inner!.replace(/<wbr>/g, '').replace(/<[^>]+>/g, ''));
    });
  const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
  const header = cells(rows[0] ?? '', 'th');
  return rows.slice(1).map((row) => Object.fromEntries(cells(row, 'td').map((value, i) => [header[i] ?? String(i), value])));
}
