/**
 * Writes rows to a CSV or JSON-lines file as they arrive, a chunk at a time, so a result of
 * any size can be saved without holding it (or one string of it) in memory. The file is
 * written under a temporary name next to the target and renamed when complete: a query
 * that fails or is stopped halfway leaves no file that could pass for the whole answer.
 */

import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { once } from 'node:events';
import { OptionError } from '../errors';
import { uniqueColumnNames } from './columns';
import { csvField } from './csv';
import { toJsonValue } from './json';
import type { Column, Value } from './types';

/** A file format: RFC 4180 CSV (as `toCsv`), or one JSON object per line (as `toJSON`'s objects). */
export type FileFormat = 'csv' | 'jsonl';

/** The format a file name implies: `.csv` → csv; `.jsonl`, `.ndjson`, `.json` → jsonl. */
export function formatOf(file: string, format?: FileFormat): FileFormat {
  if (format !== undefined) {
    if (format !== 'csv' && format !== 'jsonl') throw new OptionError('format', format, `format must be 'csv' or 'jsonl', got ${JSON.stringify(format)}`);
    return format;
  }
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (['.jsonl', '.ndjson', '.json'].includes(extension)) return 'jsonl';
  throw new OptionError('format', format, `cannot tell the format of ${file} from its extension: name it .csv or .jsonl, or pass format: 'csv' | 'jsonl'`);
}

/** Turns rows into the lines of one format. */
function lineWriter(columns: readonly Column[], format: FileFormat, keepFormulas: boolean): { header: string; line: (row: readonly Value[]) => string } {
  const kinds = columns.map((c) => c.kind);
  if (format === 'csv') {
    const field = { keepFormulas };
    return {
      header: `${columns.map((c) => csvField(c.name, 'string', field)).join(',')}\r\n`,
      line: (row) => `${kinds.map((kind, i) => csvField(row[i] ?? null, kind, field)).join(',')}\r\n`,
    };
  }
  const keys = uniqueColumnNames(columns.map((c) => c.name));
  return {
    header: '',
    line: (row) => `${JSON.stringify(Object.fromEntries(keys.map((key, i) => [key, toJsonValue(row[i] ?? null, kinds[i])])))}\n`,
  };
}

/**
 * An open file being written: `begin` once the columns are known, `write` each chunk of
 * rows, then `finish` (renames it into place) or `abandon` (removes it).
 */
export class RowFileWriter {
  readonly format: FileFormat;
  rows = 0;
  readonly #file: string;
  readonly #keepFormulas: boolean;
  readonly #partial: string;
  readonly #stream: WriteStream;
  #lines: ReturnType<typeof lineWriter> | undefined;
  #failure: Error | undefined;

  /** `keepFormulas`: CSV text starting with = + - @ tab or CR is written as it is (see `csvField`). */
  constructor(file: string, format?: FileFormat, { keepFormulas = false }: { readonly keepFormulas?: boolean } = {}) {
    this.format = formatOf(file, format);
    this.#file = file;
    this.#keepFormulas = keepFormulas;
    this.#partial = join(dirname(file), `.${basename(file)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
    this.#stream = createWriteStream(this.#partial, { flags: 'wx' });
    this.#stream.on('error', (error) => (this.#failure ??= error));
  }

  /** Whether the header was written (the columns are known). */
  get begun(): boolean {
    return this.#lines !== undefined;
  }

  /** Writes the header (CSV) for these columns. */
  async begin(columns: readonly Column[]): Promise<void> {
    this.#lines = lineWriter(columns, this.format, this.#keepFormulas);
    await this.#put(this.#lines.header);
  }

  /** Writes a chunk of rows, waiting while the disk catches up. */
  async write(rows: readonly (readonly Value[])[]): Promise<void> {
    if (!this.#lines) throw new Error('RowFileWriter.write before begin');
    let text = '';
    for (const row of rows) text += this.#lines.line(row);
    this.rows += rows.length;
    await this.#put(text);
  }

  /** Closes the file and moves it to its name. */
  async finish(): Promise<void> {
    this.#stream.end();
    await once(this.#stream, 'close');
    if (this.#failure) throw this.#failure;
    await rename(this.#partial, this.#file);
  }

  /** Closes and removes the partial file, after a failure. */
  async abandon(): Promise<void> {
    this.#stream.destroy();
    await rm(this.#partial, { force: true });
  }

  async #put(text: string): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (text !== '' && !this.#stream.write(text)) await once(this.#stream, 'drain');
    if (this.#failure) throw this.#failure;
  }
}

/**
 * Writes rows already held (a QueryResult's) to a file, a chunk of lines at a time.
 *
 * @example
 * await writeRowsFile('out.csv', result.columns, result.rows);
 */
export async function writeRowsFile(
  file: string,
  columns: readonly Column[],
  rows: readonly (readonly Value[])[],
  format?: FileFormat,
): Promise<number> {
  const writer = new RowFileWriter(file, format);
  try {
    await writer.begin(columns);
    for (let start = 0; start < rows.length; start += 2048) await writer.write(rows.slice(start, start + 2048));
    await writer.finish();
  } catch (error) {
    await writer.abandon();
    throw error;
  }
  return writer.rows;
}
