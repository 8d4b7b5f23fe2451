/**
 * Finds the log files under the engine's folders and remembers what each one is. A folder is
 * listed again only when its modification time changes (files arriving during an incident
 * change it), so re-running a cell over 50,000 delivery files does not re-read them all.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { SourceError } from '../../errors';
import type { SkippedFile } from '../../result/types';
import { peekLogShape, type Compression, type LogShape } from './log-shape';

/** A readable log file. */
export interface LogFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly shape: LogShape;
  readonly compression: Compression;
}

/** Everything found under the roots, sorted by path. */
export interface Inventory {
  readonly files: readonly LogFile[];
  readonly skipped: readonly SkippedFile[];
  readonly ignored: readonly SkippedFile[];
}

interface FileState {
  readonly size: number;
  readonly mtimeMs: number;
  readonly verdict: { file: LogFile } | { skipped: string } | { ignored: string };
}

interface DirState {
  readonly mtimeMs: number;
  readonly subdirs: readonly string[];
  readonly files: ReadonlyMap<string, FileState>;
}

const LOG_NAME = /\.(json|jsonl|ndjson)(\.gz)?$/i;
const PEEK_CONCURRENCY = 32;

/** Lists and classifies log files; keep one per engine so its cache lives as long as the engine. */
export class LogInventory {
  readonly roots: readonly string[];
  readonly #dirs = new Map<string, DirState>();
  /** Files the engine found unreadable while querying (the peek cannot see a cut-off stream). */
  readonly #failed = new Map<string, { size: number; mtimeMs: number; reason: string }>();

  constructor(roots: readonly string[]) {
    this.roots = roots.map((r) => resolve(r));
  }

  /** Walks the roots and returns what is there now. Throws SourceError for a missing or empty root. */
  async scan(): Promise<Inventory> {
    const files: LogFile[] = [];
    const skipped: SkippedFile[] = [];
    const ignored: SkippedFile[] = [];
    for (const root of this.roots) {
      const before = files.length + skipped.length + ignored.length;
      const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
        throw new SourceError(root, error.code === 'ENOENT' ? 'does not exist' : `cannot be read (${error.code})`);
      });
      if (info.isFile()) {
        const state = await this.#fileState(root, info.size, info.mtimeMs);
        collect(root, state, files, skipped, ignored);
      } else {
        await this.#walk(root, files, skipped, ignored);
      }
      if (files.length + skipped.length + ignored.length === before) {
        throw new SourceError(root, 'contains no log files (.json, .json.gz, .jsonl)');
      }
    }
    const byPath = (a: { path?: string; file?: string }, b: { path?: string; file?: string }) =>
      (a.path ?? a.file ?? '').localeCompare(b.path ?? b.file ?? '');
    return { files: files.sort(byPath), skipped: skipped.sort(byPath), ignored: ignored.sort(byPath) };
  }

  /** Records that querying a file failed; it stays out until it changes on disk. */
  markFailed(file: LogFile, reason: string): void {
    this.#failed.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, reason });
  }

  async #walk(dir: string, files: LogFile[], skipped: SkippedFile[], ignored: SkippedFile[]): Promise<void> {
    const state = await this.#dirState(dir);
    for (const [path, fileState] of state.files) {
      const failed = this.#failed.get(path);
      if (failed && failed.size === fileState.size && failed.mtimeMs === fileState.mtimeMs) {
        skipped.push({ file: path, reason: failed.reason });
      } else {
        collect(path, fileState, files, skipped, ignored);
      }
    }
    for (const sub of state.subdirs) await this.#walk(sub, files, skipped, ignored);
  }

  async #dirState(dir: string): Promise<DirState> {
    const info = await stat(dir);
    const cached = this.#dirs.get(dir);
    if (cached && cached.mtimeMs === info.mtimeMs) return cached;

    const entries = await readdir(dir, { withFileTypes: true });
    const subdirs: string[] = [];
    const names: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) subdirs.push(path);
      else names.push(path);
    }
    const files = new Map<string, FileState>();
    await forEachLimited(names.sort(), PEEK_CONCURRENCY, async (path) => {
      const previous = cached?.files.get(path);
      const info = await stat(path).catch(() => undefined);
      if (previous && info && previous.size === info.size && previous.mtimeMs === info.mtimeMs) {
        files.set(path, previous);
      } else {
        files.set(path, await this.#fileState(path, info?.size ?? 0, info?.mtimeMs ?? 0, info === undefined));
      }
    });
    const state: DirState = { mtimeMs: info.mtimeMs, subdirs: subdirs.sort(), files: new Map([...files].sort()) };
    this.#dirs.set(dir, state);
    return state;
  }

  async #fileState(path: string, size: number, mtimeMs: number, missing = false): Promise<FileState> {
    const name = basename(path);
    const reasonToIgnore = ignoreReason(path, name);
    if (reasonToIgnore) return { size, mtimeMs, verdict: { ignored: reasonToIgnore } };
    if (missing) return { size, mtimeMs, verdict: { skipped: 'cannot be read (broken link or vanished)' } };
    const verdict = await peekLogShape(path, /\.gz$/i.test(name));
    if (!verdict.ok) return { size, mtimeMs, verdict: { skipped: verdict.reason } };
    return { size, mtimeMs, verdict: { file: { path, size, mtimeMs, shape: verdict.shape, compression: verdict.compression } } };
  }
}

function ignoreReason(path: string, name: string): string | undefined {
  if (/[\\/]CloudTrail-Digest[\\/]/.test(path)) return 'CloudTrail digest file (integrity hashes, not events)';
  if (/[\\/]CloudTrail-Insight[\\/]/.test(path)) return 'CloudTrail Insights event (a different schema)';
  if (name.startsWith('.')) return 'hidden file';
  if (!LOG_NAME.test(name)) return 'not a .json, .json.gz or .jsonl file';
  return undefined;
}

function collect(
  path: string,
  state: FileState,
  files: LogFile[],
  skipped: SkippedFile[],
  ignored: SkippedFile[],
): void {
  const v = state.verdict;
  if ('file' in v) files.push(v.file);
  else if ('skipped' in v) skipped.push({ file: path, reason: v.skipped });
  else ignored.push({ file: path, reason: v.ignored });
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(runners);
}
