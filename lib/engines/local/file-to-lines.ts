/**
 * Reads one source file into one line of JSON for DuckDB, the unit of ingest work: read,
 * decompress, and the table source's cheap checks. Runs in a worker thread per core when
 * the compiled worker is there (`ingest-worker.js`), else in the calling thread (tests run
 * the TypeScript sources).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CLOUDTRAIL_SOURCE } from './cloudtrail-source';
import { readLogBytes } from './log-reader';
import type { FramedFile, JsonTableSource } from './table-source';

/** The tables read from JSON files (Parquet sources are read by DuckDB directly, not here). */
const JSON_SOURCES: readonly JsonTableSource[] = [CLOUDTRAIL_SOURCE];

/** A request to read one file. */
export interface FileJob {
  readonly table: string;
  readonly path: string;
  readonly id: number;
  /** Parse in JS and write the line anew (after DuckDB refused the quick one). */
  readonly exact: boolean;
}

/** Reads one file in this thread. Never throws. */
export function fileToLine({ table, path, id, exact }: FileJob): FramedFile {
  const source = JSON_SOURCES.find((s) => s.table === table)!;
  const read = readLogBytes(path);
  if (!read.ok) return read;
  try {
    return source.frame({ path, id, bytes: read.bytes }, exact);
  } catch (error) {
    // A source must not throw; if one does, this file is skipped with the reason, not the ingest.
    return { ok: false, reason: `could not be read (${(error as Error).message})` };
  }
}

/** Reads files on every core; `close()` ends the workers. */
export interface FileReaders {
  read(job: FileJob): Promise<FramedFile>;
  close(): Promise<void>;
}

const WORKER_FILE = join(__dirname, 'ingest-worker.js');

/** Worker threads, one per core, when the compiled worker exists; else reads in this thread. */
export function startFileReaders(): FileReaders {
  const cores = availableParallelism();
  if (cores < 2 || !existsSync(WORKER_FILE)) return { read: async (job) => fileToLine(job), close: async () => undefined };
  let sequence = 0;
  const workers = Array.from({ length: cores }, () => {
    const worker = new Worker(WORKER_FILE);
    const waiting = new Map<number, (line: FramedFile) => void>();
    worker.on('message', (message: { seq: number; result: FramedFile }) => {
      const result = message.result;
      // Structured cloning hands a Buffer back as a plain Uint8Array.
      waiting.get(message.seq)?.(result.ok ? { ...result, line: Buffer.from(result.line.buffer, result.line.byteOffset, result.line.byteLength) } : result);
      waiting.delete(message.seq);
    });
    worker.on('error', (error) => {
      for (const resolve of waiting.values()) resolve({ ok: false, reason: `reader failed (${error.message})` });
      waiting.clear();
    });
    return { worker, waiting };
  });
  let next = 0;
  return {
    read: (job) => {
      // Least busy worker, so one slow file does not hold up the files queued behind it.
      const chosen = workers.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a), workers[next++ % workers.length]!);
      const seq = sequence++;
      return new Promise((resolve) => {
        chosen.waiting.set(seq, resolve);
        chosen.worker.postMessage({ seq, job });
      });
    },
    close: async () => {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
