/**
 * Feeds framed lines (one per source file) to DuckDB in batches of bounded size: each batch
 * is written as one newline-delimited JSON file in the ingest's work folder, typed by the
 * table source's SQL and written as one staging Parquet file. At most one batch is with
 * DuckDB while the next one fills, so memory is bounded by the batch size, not the total.
 *
 * A batch DuckDB refuses (a malformed file the cheap checks let through) is split in halves
 * until the files it refuses are alone; DuckDB's error text is never used to pick a file. A
 * file refused alone is read again exactly (parsed in JS and written anew), which names its
 * problem or gives DuckDB a line it reads.
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FramedFile, JsonTableSource } from './table-source';

/** Uncompressed bytes DuckDB types in one step. */
const BATCH_BYTES = 32 * 1024 * 1024;
/**
 * The least limit DuckDB is given for one JSON value (one file's line); a batch holding a
 * longer line raises it to fit. DuckDB reads in buffers of about this size, so a limit just
 * above the longest line costs it less than its default of 16 MB (a third less CPU measured).
 */
const MIN_MAX_OBJECT = 1024 * 1024;
const NEWLINE = Buffer.from('\n');

/** One source file's line in a batch. */
export interface BatchLine {
  readonly path: string;
  readonly id: number;
  readonly line: Buffer;
  /** The line was written by the exact reading (JS parse), not the quick one. */
  readonly exact: boolean;
}

/** What the batches produced. */
export interface BatchesResult {
  /** Staging Parquet files with the typed rows (`_file`, `_untyped`, `_record` included). */
  readonly stages: readonly string[];
  /** Files refused, by id, with the reason. */
  readonly refused: ReadonlyMap<number, string>;
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Collects lines and types them in DuckDB batch by batch. */
export class LineBatches {
  readonly #source: JsonTableSource;
  readonly #connection: DuckDBConnection;
  readonly #work: string;
  /** Reads a file again exactly, for a file DuckDB refused alone. */
  readonly #reread: (line: BatchLine) => Promise<FramedFile>;
  #filling: BatchLine[] = [];
  #fillingBytes = 0;
  #typing: Promise<void> = Promise.resolve();
  #written = 0;
  readonly #stages: string[] = [];
  readonly #refused = new Map<number, string>();

  constructor(source: JsonTableSource, connection: DuckDBConnection, work: string, reread: (line: BatchLine) => Promise<FramedFile>) {
    this.#source = source;
    this.#connection = connection;
    this.#work = work;
    this.#reread = reread;
  }

  /** Adds a line; waits when a full batch is ready and DuckDB still types the previous one. */
  async add(line: BatchLine): Promise<void> {
    this.#filling.push(line);
    this.#fillingBytes += line.line.length + 1;
    if (this.#fillingBytes >= BATCH_BYTES) await this.#seal();
  }

  /** Types what is left and returns every staging file and refused file. */
  async finish(): Promise<BatchesResult> {
    await this.#seal();
    await this.#typing;
    return { stages: this.#stages, refused: this.#refused };
  }

  /** Queues the filling batch behind the one DuckDB types, and waits for that one (back-pressure). */
  async #seal(): Promise<void> {
    const batch = this.#filling;
    this.#filling = [];
    this.#fillingBytes = 0;
    const previous = this.#typing;
    if (batch.length > 0) {
      this.#typing = previous.then(() => this.#type(batch));
      // Awaited by a later seal or by finish(); this only keeps an early failure from being reported as unhandled.
      this.#typing.catch(() => undefined);
    }
    await previous;
  }

  /** Types one batch, splitting it while DuckDB refuses it. */
  async #type(batch: readonly BatchLine[]): Promise<void> {
    const refusal = await this.#tryBatch(batch);
    if (refusal === undefined) return;
    if (batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      await this.#type(batch.slice(0, half));
      await this.#type(batch.slice(half));
      return;
    }
    const alone = batch[0]!;
    if (alone.exact) {
      this.#refused.set(alone.id, `DuckDB could not read it (${refusal})`);
      return;
    }
    const exact = await this.#reread(alone);
    if (!exact.ok) this.#refused.set(alone.id, exact.reason);
    else await this.#type([{ ...alone, line: exact.line, exact: true }]);
  }

  /** Writes the batch's lines and has DuckDB type them into a staging file; returns DuckDB's message if it refused. */
  async #tryBatch(batch: readonly BatchLine[]): Promise<string | undefined> {
    const n = this.#written++;
    const linesFile = join(this.#work, `lines-${n}.ndjson`);
    const stage = join(this.#work, `stage-${n}.parquet`);
    let longest = 0;
    const handle = await open(linesFile, 'w');
    try {
      const pieces: Buffer[] = [];
      for (const { line } of batch) {
        pieces.push(line, NEWLINE);
        longest = Math.max(longest, line.length);
      }
      await handle.writev(pieces);
    } finally {
      await handle.close();
    }
    const maxObject = Math.max(MIN_MAX_OBJECT, 2 ** Math.ceil(Math.log2(longest + 2)));
    const lines = `read_json(${literal(linesFile)}, columns = ${this.#source.lineColumns}, format = 'newline_delimited', ` +
      `compression = 'uncompressed', maximum_object_size = ${maxObject})`;
    try {
      await this.#connection.run(`COPY (${this.#source.typedRows(lines)}) TO ${literal(stage)} (FORMAT parquet, COMPRESSION lz4_raw)`);
      this.#stages.push(stage);
      return undefined;
    } catch (error) {
      await rm(stage, { force: true });
      // Names the batch file, which means nothing to the user; the file is named by the caller.
      return ((error as Error).message.split('\n')[0] ?? '').replaceAll(linesFile, 'its text');
    } finally {
      await rm(linesFile, { force: true });
    }
  }
}
