/**
 * Writes gzipped log files from worker threads, a bounded number in flight, so generation
 * (main thread) and compression (workers) run on separate cores while memory stays flat
 * however large the sample. The worker's code is inline, so it needs no build step.
 */

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** What the writer has done so far. */
export interface WriterStats {
  files: number;
  events: number;
  bytes: number;
}

interface Done {
  readonly id: number;
  readonly bytes?: number;
  readonly error?: string;
}

// Node's gzip header carries no timestamp or name (mtime 0), so the same text always gives
// the same bytes, whichever worker compresses it.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { gzipSync } = require('node:zlib');
const { writeFileSync, mkdirSync } = require('node:fs');
const { dirname } = require('node:path');
const made = new Set();
parentPort.on('message', (m) => {
  try {
    const dir = dirname(m.file);
    if (!made.has(dir)) { mkdirSync(dir, { recursive: true }); made.add(dir); }
    const body = gzipSync(m.text, { level: m.level });
    writeFileSync(m.file, body);
    parentPort.postMessage({ id: m.id, bytes: body.length });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.stack) || e) });
  }
});
`;

/** Files queued per worker before `write` waits. */
const QUEUE_PER_WORKER = 3;

/**
 * Compresses and writes files under a root folder on worker threads.
 *
 * @example
 * const w = new LogWriter('/tmp/sample', (stats) => console.log(stats.events));
 * await w.write('AWSLogs/…/x.json.gz', '{"Records":[]}', 0);
 * await w.close();
 */
export class LogWriter {
  readonly stats: WriterStats = { files: 0, events: 0, bytes: 0 };
  private readonly workers: Worker[];
  private readonly pending = new Map<number, number>();
  private nextId = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly root: string,
    private readonly onWritten: (stats: Readonly<WriterStats>) => void,
    private readonly level = 6,
    workers = Math.max(1, Math.min(2, availableParallelism() - 1)),
  ) {
    this.workers = Array.from({ length: workers }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', (m: Done) => this.done(m));
      worker.on('error', (e: Error) => this.fail(e));
      return worker;
    });
  }

  /** Queues one file; waits first while every worker's queue is full. */
  async write(relativePath: string, text: string, events: number): Promise<void> {
    while (!this.failure && this.pending.size >= this.workers.length * QUEUE_PER_WORKER) await this.settled();
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    this.pending.set(id, events);
    this.workers[id % this.workers.length].postMessage({
      id,
      file: join(this.root, relativePath),
      text,
      level: this.level,
    });
  }

  /** Stops the workers at once, dropping queued files (after a failure elsewhere). */
  async abort(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Waits for every queued file and stops the workers; rethrows the first error. */
  async close(): Promise<void> {
    try {
      while (!this.failure && this.pending.size > 0) await this.settled();
    } finally {
      await Promise.all(this.workers.map((w) => w.terminate()));
    }
    if (this.failure) throw this.failure;
  }

  private settled(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private done(m: Done): void {
    const events = this.pending.get(m.id) ?? 0;
    this.pending.delete(m.id);
    if (m.error !== undefined) {
      this.fail(new Error(`writing a log file failed: ${m.error}`));
      return;
    }
    this.stats.files += 1;
    this.stats.events += events;
    this.stats.bytes += m.bytes ?? 0;
    try {
      this.onWritten(this.stats);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
    this.signal();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
