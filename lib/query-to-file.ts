/** `queryToFile`: a query's whole result written to a file, streamed, never held in memory. */

import { checkOptionNames } from './options';
import { configuredEngine } from './query-results';
import type { Engine } from './engines/engine';
import type { QueryStats } from './result/types';
import { RowFileWriter, type FileFormat } from './result/write-file';
import type { QueryInput } from './sql';

/** Options of {@link queryToFile}. */
export interface QueryToFileOptions {
  /** `csv` or `jsonl`; default from the file's extension (`.csv`, `.jsonl`/`.ndjson`/`.json`). */
  readonly format?: FileFormat;
  /** Run on this engine instead of the configured one. */
  readonly engine?: Engine;
  /** Stops the query; the partial file is removed. */
  readonly signal?: AbortSignal;
  /** CSV: write text starting with = + - @ tab or CR as it is, instead of with `'` in front. Default false. */
  readonly keepFormulas?: boolean;
}

/** What {@link queryToFile} wrote. */
export interface FileWritten {
  readonly file: string;
  readonly format: FileFormat;
  readonly rows: number;
  readonly stats: QueryStats;
}

/**
 * Runs a query and writes every row of its result to `file` as CSV or JSON lines, a chunk
 * at a time, with no row limit: for exporting evidence larger than a notebook can show. The
 * local engine streams rows from DuckDB to the file; an engine that cannot (Athena) returns
 * the rows first. The file is written under a temporary name and renamed when complete, so
 * a failed or stopped query leaves none.
 *
 * @example
 * const written = await queryToFile(sql`SELECT * FROM cloudtrail WHERE useridentity.accesskeyid = ${key}`, 'key-activity.csv');
 * written.rows; // rows in the file
 */
export async function queryToFile(query: QueryInput, file: string, options: QueryToFileOptions = {}): Promise<FileWritten> {
  checkOptionNames(options, ['format', 'engine', 'signal', 'keepFormulas'], 'queryToFile');
  const engine = options.engine ?? configuredEngine();
  const writer = new RowFileWriter(file, options.format, { keepFormulas: options.keepFormulas === true });
  try {
    const result = await engine.query(query, {
      signal: options.signal,
      onRows: async (rows, columns) => {
        if (!writer.begun) await writer.begin(columns);
        await writer.write(rows);
      },
    });
    if (!writer.begun) {
      await writer.begin(result.columns);
      await writer.write(result.rows);
    }
    await writer.finish();
    return { file, format: writer.format, rows: writer.rows, stats: result.stats };
  } catch (error) {
    await writer.abandon();
    throw error;
  }
}
