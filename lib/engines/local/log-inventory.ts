/**
 * Finds the log files under the engine's folders and remembers what each one is. A folder is
 * listed again only when its modification time changes (files arriving during an incident
 * change it), so re-running a cell over 50,000 delivery files does not re-read them all.
 * Files named as CloudTrail delivers them are taken to be in the delivery format without
 * opening them (peeking at 12,000 small files took 3 s); if reading one then fails, it is
 * looked at properly (`recheck`).
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
  /** True when the shape comes from the file's name, not from its content. */
  readonly assumed: boolean;
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
/** `<account>_CloudTrail_<region>_<yyyymmdd>T<hhmm>Z_<id>.json.gz`, as CloudTrail names what it delivers. */
const DELIVERY_NAME = /^\d{12}_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]+\.json\.gz$/;
const PEEK_CONCURRENCY = 32;

/** Lists and classifies log files; keep one per engine so its cache lives as long as the engine. */
export class LogInventory {
  readonly roots: readonly string[];
  readonly #dirs = new Map<string, DirState>();
  /**
   * What querying taught about a file, replacing the listing's verdict while the file is
   * unchanged: unreadable (the peek cannot see a cut-off stream), or a shape found on re-check.
   */
  readonly #learned = new Map<string, FileState>();

  constructor(roots: readonly string[]) {
    this.roots = roots.map((r) => resolve(r));
  }

  /**
   * Walks the roots and returns what is there now, in a stable order (folder by folder, names
   * sorted). Throws SourceError for a missing or empty root.
   */
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
        this.#collect(root, await this.#fileState(root, info.size, info.mtimeMs), files, skipped, ignored);
      } else {
        await this.#walk(root, files, skipped, ignored);
      }
      if (files.length + skipped.length + ignored.length === before) {
        throw new SourceError(root, 'contains no log files (.json, .json.gz, .jsonl)');
      }
    }
    return { files, skipped, ignored };
  }

  /** Records that querying a file failed; it stays out until it changes on disk. */
  markFailed(file: LogFile, reason: string): void {
    this.#learned.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, verdict: { skipped: reason } });
  }

  /**
   * Reading a file failed. If its shape was only assumed from its name, look at its content:
   * it may be readable another way (a pretty-printed delivery file), or unreadable for a
   * reason the peek can name. Otherwise it is marked failed with the engine's reason.
   */
  async recheck(file: LogFile, engineReason: string): Promise<void> {
    if (!file.assumed) return this.markFailed(file, engineReason);
    const state = await this.#fileState(file.path, file.size, file.mtimeMs, { peek: true });
    const verdict = state.verdict;
    if ('file' in verdict && verdict.file.shape === file.shape && verdict.file.compression === file.compression) {
      return this.markFailed(file, engineReason);
    }
    this.#learned.set(file.path, state);
  }

  /** Sorts one file into its list, applying what querying has since learned about it. */
  #collect(path: string, state: FileState, files: LogFile[], skipped: SkippedFile[], ignored: SkippedFile[]): void {
    const learned = this.#learned.get(path);
    const current = learned && learned.size === state.size && learned.mtimeMs === state.mtimeMs ? learned : state;
    collect(path, current, files, skipped, ignored);
  }

  async #walk(dir: string, files: LogFile[], skipped: SkippedFile[], ignored: SkippedFile[]): Promise<void> {
    const state = await this.#dirState(dir);
    for (const [path, fileState] of state.files) this.#collect(path, fileState, files, skipped, ignored);
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
    names.sort();
    const states = await mapLimited(names, PEEK_CONCURRENCY, async (path) => {
      const previous = cached?.files.get(path);
      const info = await stat(path).catch(() => undefined);
      if (previous && info && previous.size === info.size && previous.mtimeMs === info.mtimeMs) return previous;
      return this.#fileState(path, info?.size ?? 0, info?.mtimeMs ?? 0, { missing: info === undefined });
    });
    const files = new Map(names.map((path, i) => [path, states[i]!]));
    const state: DirState = { mtimeMs: info.mtimeMs, subdirs: subdirs.sort(), files };
    this.#dirs.set(dir, state);
    return state;
  }

  async #fileState(path: string, size: number, mtimeMs: number, how: { missing?: boolean; peek?: boolean } = {}): Promise<FileState> {
    const name = basename(path);
    const reasonToIgnore = ignoreReason(path, name);
    if (reasonToIgnore) return { size, mtimeMs, verdict: { ignored: reasonToIgnore } };
    if (how.missing) return { size, mtimeMs, verdict: { skipped: 'cannot be read (broken link or vanished)' } };
    if (!how.peek && DELIVERY_NAME.test(name)) {
      const file: LogFile = { path, size, mtimeMs, shape: 'records-line', compression: 'gzip', assumed: true };
      return { size, mtimeMs, verdict: { file } };
    }
    const verdict = await peekLogShape(path, /\.gz$/i.test(name));
    if (!verdict.ok) return { size, mtimeMs, verdict: verdict.ignore ? { ignored: verdict.reason } : { skipped: verdict.reason } };
    const file: LogFile = { path, size, mtimeMs, shape: verdict.shape, compression: verdict.compression, assumed: false };
    return { size, mtimeMs, verdict: { file } };
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

/** `items.map(work)` with at most `limit` calls in flight, results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  });
  await Promise.all(runners);
  return results;
}
