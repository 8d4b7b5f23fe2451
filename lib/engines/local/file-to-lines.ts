/**
 * Reads one source file into JSON lines of typed rows, the unit of ingest work. Runs in a
 * worker thread per core when the compiled worker is there (`ingest-worker.js`), else in the
 * calling thread (tests run the TypeScript sources).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TABLE_SOURCES } from './cloudtrail-source';

/**
 * DuckDB's limit for one JSON line (its default). CloudTrail caps an event at 256 KB; a file
 * with a larger record is skipped with that reason rather than failing the whole ingest.
 */
export const MAX_ROW_BYTES = 16 * 1024 * 1024;

/** One file's rows as JSON lines, each with `_file` set to the file's id; or why there are none. */
export type FileLines =
  | { readonly ok: true; readonly lines: string; readonly events: number; readonly untyped: number }
  | { readonly ok: false; readonly reason: string; readonly ignore?: true };

/** A request to read one file. */
export interface FileJob {
  readonly table: string;
  readonly path: string;
  readonly id: number;
}

/** Reads one file in this thread. Never throws. */
export async function fileToLines({ table, path, id }: FileJob): Promise<FileLines> {
  const source = TABLE_SOURCES.find((s) => s.table === table)!;
  const rows = await source.read(path);
  if (!rows.ok) return rows;
  let lines = '';
  for (let i = 0; i < rows.rows.length; i++) {
    const row = rows.rows[i]!;
    row._file = id;
    const line = JSON.stringify(row);
    if (line.length > MAX_ROW_BYTES / 4 && Buffer.byteLength(line) >= MAX_ROW_BYTES) {
      return { ok: false, reason: `record ${i + 1} is larger than ${MAX_ROW_BYTES / 1024 / 1024} MB` };
    }
    lines += `${line}\n`;
  }
  return { ok: true, lines, events: rows.rows.length, untyped: rows.untyped };
}

/** Reads files on every core; `close()` ends the workers. */
export interface FileReaders {
  read(job: FileJob): Promise<FileLines>;
  close(): Promise<void>;
}

const WORKER_FILE = join(__dirname, 'ingest-worker.js');

/** Worker threads, one per core, when the compiled worker exists; else reads in this thread. */
export function startFileReaders(): FileReaders {
  const cores = availableParallelism();
  if (cores < 2 || !existsSync(WORKER_FILE)) return { read: fileToLines, close: async () => undefined };
  const workers = Array.from({ length: cores }, () => {
    const worker = new Worker(WORKER_FILE);
    const waiting = new Map<number, (lines: FileLines) => void>();
    worker.on('message', (message: { id: number; result: FileLines }) => {
      waiting.get(message.id)?.(message.result);
      waiting.delete(message.id);
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
      return new Promise((resolve) => {
        chosen.waiting.set(job.id, resolve);
        chosen.worker.postMessage(job);
      });
    },
    close: async () => {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
