/**
 * Lists the log files under the engine's roots. Paths are only ever handled as literal names
 * (never glob patterns); a file reached twice — overlapping roots, a symlinked folder, a hard
 * link — is listed once (by device and inode); symlinked folders are followed and loops
 * detected; a folder or file that cannot be read is reported with its reason, never thrown.
 *
 * A folder is listed again only when its modification time changes (a delivery arriving
 * changes it), so re-running a cell over 25,000 files costs one `stat` per folder, not per
 * file. A file rewritten in place (same name, folder untouched) is seen by the next process
 * or the next `irbook ingest`.
 */
import { statSync, type Dirent, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { SourceError } from '../../errors';
import type { SkippedFile } from '../../result/types';
import { lakeIgnoreReason, lakeKindOf } from './lake-files';

/** A file that looks like a log by its name: it will be opened and validated. */
export interface SourceFile {
  /** The path as found under a root (through links, as the user sees it). */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** What the roots hold now, sorted by path. */
export interface SourceListing {
  readonly files: readonly SourceFile[];
  /** Folders and files that could not even be listed or stat'ed. */
  readonly unreadable: readonly SkippedFile[];
  /** Files that are not event logs by their name or place (digests, other extensions). */
  readonly ignored: readonly SkippedFile[];
}

/** One folder entry as last seen: plain data, so a listing can be saved and read back. */
interface DirEntry {
  readonly path: string;
  readonly kind: 'dir' | 'file' | 'other' | 'named-ignored';
  readonly size?: number;
  readonly mtimeMs?: number;
  /** Device and inode. */
  readonly id?: string;
  readonly error?: string;
}

interface DirListing {
  readonly mtimeMs: number;
  readonly entries: readonly DirEntry[];
}

/** One folder entry as saved: its name in the folder, kind, size, modification time, identity, error. */
type SavedEntry = readonly [string, DirEntry['kind'], number | null, number | null, string | null, string | null];

/**
 * The folder listings, saved with the cache so a new process re-lists only changed folders:
 * `[folder, its modification time, entries]`, entries as arrays of names (not paths), which
 * makes the file about a third of the size of objects with paths, and as much faster to
 * write and read (it is rewritten whenever a delivery lands).
 */
export type ListingSnapshot = readonly (readonly [string, number, readonly SavedEntry[]])[];

const LOG_NAME = /\.(json|jsonl|ndjson)(\.gz)?$/i;
const STAT_CONCURRENCY = 64;

/** Why a file is not a log by its name or place; undefined when it should be read. */
export function ignoreReason(path: string): string | undefined {
  const name = basename(path);
  if (/[\\/]CloudTrail-Digest[\\/]/.test(path)) return 'CloudTrail digest file (integrity hashes, not events)';
  if (/[\\/]CloudTrail-Insight[\\/]/.test(path)) return 'CloudTrail Insights event (a different schema)';
  if (name.startsWith('.')) return 'hidden file';
  const lake = lakeIgnoreReason(path);
  if (lake) return lake;
  if (lakeKindOf(path)) return undefined;
  if (name === 'manifest.json') return "irbook sample's manifest (ground truth, not events)";
  if (!LOG_NAME.test(name)) return 'not a .json, .json.gz or .jsonl file (nor Parquet under a Security Lake source folder)';
  return undefined;
}

/** Walks the roots; keep one per engine so folder listings are reused while unchanged. */
export class SourceFiles {
  readonly roots: readonly string[];
  readonly #dirs = new Map<string, DirListing>();
  #last: SourceListing | undefined;
  /** No root is a single file (a file root is stat'ed afresh each time). */
  #rootsAreFolders = true;
  /** Some folder was listed since the last snapshot. */
  #dirty = false;
  /** The folders the last `list` walked, with their modification times. */
  #folders: (readonly [string, number])[] = [];

  constructor(roots: readonly string[]) {
    this.roots = roots.map((r) => resolve(r));
  }

  /** The folder listings now, to save (see {@link seed}); undefined when none changed since the last call. */
  changedSnapshot(): ListingSnapshot | undefined {
    if (!this.#dirty) return undefined;
    this.#dirty = false;
    return [...this.#dirs].map(([dir, listing]) => [dir, listing.mtimeMs, listing.entries.map((e): SavedEntry =>
      [e.path.slice(dir.length + 1), e.kind, e.size ?? null, e.mtimeMs ?? null, e.id ?? null, e.error ?? null])]);
  }

  /**
   * Starts from listings saved by an earlier process: a folder whose modification time still
   * matches is not listed again, so a new process costs one `stat` per folder, not per file.
   */
  seed(snapshot: ListingSnapshot): void {
    for (const [dir, mtimeMs, saved] of snapshot) {
      if (this.#dirs.has(dir)) continue;
      const entries = saved.map(([name, kind, size, entryMtimeMs, id, error]): DirEntry => ({
        path: `${dir}${sep}${name}`, kind,
        ...(size !== null ? { size } : {}), ...(entryMtimeMs !== null ? { mtimeMs: entryMtimeMs } : {}),
        ...(id !== null ? { id } : {}), ...(error !== null ? { error } : {}),
      }));
      this.#dirs.set(dir, { mtimeMs, entries });
    }
  }

  /**
   * Every folder the last listing walked, with its modification time: while none changes, no
   * file was added, removed or renamed. Undefined when a root is a file or something could
   * not be read (those are looked at again on every listing).
   */
  folderStamps(): readonly (readonly [string, number])[] | undefined {
    if (!this.#last || !this.#rootsAreFolders || this.#last.unreadable.length > 0) return undefined;
    return this.#folders;
  }

  /** Forgets every listing: the next `list` stats every file (`irbook ingest` does this). */
  forget(): void {
    this.#dirs.clear();
    this.#last = undefined;
  }

  /** Lists every root; throws SourceError for a root that is missing or holds no log files. */
  async list(): Promise<SourceListing> {
    const files: SourceFile[] = [];
    const unreadable: SkippedFile[] = [];
    const ignored: SkippedFile[] = [];
    const seen = new Set<string>();
    // Every folder listed before is stat'ed at once, in one round, rather than level by level,
    // and synchronously: a few hundred stats take about a millisecond that way, against
    // several (a promise and a thread-pool round trip each) through fs/promises, before every query.
    const known = [...this.#dirs.keys()];
    const stats = new Map<string, Stats | string>();
    for (const dir of known) stats.set(dir, statSyncOrError(dir));
    // Nothing changed since the last listing (every folder's mtime the same): the same answer.
    const unchanged = known.every((dir) => {
      const info = stats.get(dir);
      return typeof info === 'object' && info.mtimeMs === this.#dirs.get(dir)!.mtimeMs;
    });
    if (this.#last && unchanged && this.#rootsAreFolders) return this.#last;
    const walker: Walker = { files, unreadable, ignored, seen, changed: false, stats, folders: [] };
    const found = () => files.length + unreadable.length + ignored.length;
    for (const root of this.roots) {
      const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
        throw new SourceError(root, error.code === 'ENOENT' ? 'does not exist' : `cannot be read (${error.code})`);
      });
      // A root met again (inside another root, or given twice) adds nothing, and that is fine.
      const metBefore = seen.has(identity(info));
      const before = found();
      if (info.isDirectory()) await this.#walk(root, info, walker);
      else {
        this.#rootsAreFolders = false;
        walker.changed = true; // a file given as a root is stat'ed afresh each time
        const kind = info.isFile() ? 'file' : 'other';
        addEntry({ path: root, kind, size: info.size, mtimeMs: info.mtimeMs, id: identity(info) }, walker);
      }
      if (!metBefore && found() === before) throw new SourceError(root, 'contains no log files (.json, .json.gz, .jsonl, or Security Lake Parquet)');
    }
    this.#folders = walker.folders;
    // Nothing listed afresh: the same object as last time, so callers can skip comparing it.
    if (!walker.changed && this.#last) return this.#last;
    const byPath = (a: { path?: string; file?: string }, b: { path?: string; file?: string }) =>
      (a.path ?? a.file)! < (b.path ?? b.file)! ? -1 : 1;
    this.#last = { files: files.sort(byPath), unreadable: unreadable.sort(byPath), ignored: ignored.sort(byPath) };
    return this.#last;
  }

  async #walk(dir: string, info: Stats, walker: Walker): Promise<void> {
    const id = identity(info);
    if (walker.seen.has(id)) return; // a loop, or a folder already listed through another path
    walker.seen.add(id);
    walker.folders.push([dir, info.mtimeMs]);
    const listing = await this.#listDir(dir, info, walker);
    if ('error' in listing) {
      walker.unreadable.push({ file: dir, reason: `folder cannot be read (${listing.error})` });
      return;
    }
    const subdirs: string[] = [];
    for (const entry of listing.entries) {
      if (entry.error) walker.unreadable.push({ file: entry.path, reason: `cannot be read (${entry.error})` });
      else if (entry.kind === 'dir') subdirs.push(entry.path);
      else addEntry(entry, walker);
    }
    // Folders are stat'ed afresh (their listing may be cached, their mtime says if it is stale),
    // all at once; then walked in name order so the first path to a shared file is stable.
    const infos = await mapLimited(subdirs, STAT_CONCURRENCY, async (path) => walker.stats.get(path) ?? statOrError(path));
    for (let i = 0; i < subdirs.length; i++) {
      const sub = infos[i]!;
      if (typeof sub === 'string') walker.unreadable.push({ file: subdirs[i]!, reason: `folder cannot be read (${sub})` });
      else if (sub.isDirectory()) await this.#walk(subdirs[i]!, sub, walker);
    }
  }

  async #listDir(dir: string, info: Stats, walker: Walker): Promise<DirListing | { error: string }> {
    const cached = this.#dirs.get(dir);
    if (cached && cached.mtimeMs === info.mtimeMs) return cached;
    walker.changed = true;
    this.#dirty = true;
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      return { error: errorCode(error) };
    }
    const entries = await mapLimited(dirents, STAT_CONCURRENCY, async (dirent): Promise<DirEntry> => {
      const path = join(dir, dirent.name);
      // Files with an ignored name are not stat'ed: only counted.
      if (dirent.isFile() && ignoreReason(path)) return { path, kind: 'named-ignored' };
      try {
        const entryInfo = await stat(path); // follows links, so a linked folder is walked
        const kind = entryInfo.isDirectory() ? 'dir' : entryInfo.isFile() ? 'file' : 'other';
        return { path, kind, size: entryInfo.size, mtimeMs: entryInfo.mtimeMs, id: identity(entryInfo) };
      } catch (error) {
        return { path, kind: 'other', error: dirent.isSymbolicLink() ? `broken link: ${errorCode(error)}` : errorCode(error) };
      }
    });
    entries.sort((a, b) => (a.path < b.path ? -1 : 1));
    const listing: DirListing = { mtimeMs: info.mtimeMs, entries };
    this.#dirs.set(dir, listing);
    return listing;
  }
}

interface Walker {
  files: SourceFile[];
  unreadable: SkippedFile[];
  ignored: SkippedFile[];
  seen: Set<string>;
  /** Some folder was listed afresh (else the previous listing still holds). */
  changed: boolean;
  /** Fresh stats of the folders listed before. */
  stats: Map<string, Stats | string>;
  /** Folders walked, with their modification times. */
  folders: (readonly [string, number])[];
}

function statSyncOrError(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (error) {
    return errorCode(error);
  }
}

function statOrError(path: string): Promise<Stats | string> {
  return stat(path).catch((error: unknown) => errorCode(error));
}

function addEntry(entry: DirEntry, walker: Walker): void {
  const reason = ignoreReason(entry.path);
  if (reason) {
    walker.ignored.push({ file: entry.path, reason });
    return;
  }
  if (entry.kind !== 'file') {
    walker.ignored.push({ file: entry.path, reason: 'not a regular file' });
    return;
  }
  if (walker.seen.has(entry.id!)) return;
  walker.seen.add(entry.id!);
  walker.files.push({ path: entry.path, size: entry.size!, mtimeMs: entry.mtimeMs! });
}

/** Device and inode: one file however it is reached. */
function identity(info: Stats): string {
  return `${info.dev}:${info.ino}`;
}

function errorCode(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? String(e.message ?? e);
}

/** `items.map(work)` with at most `limit` calls in flight, results in input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  });
  await Promise.all(runners);
  return results;
}
