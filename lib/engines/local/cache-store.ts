/**
 * The ingest cache on disk: where it lives, its manifest, and the lock writers take.
 *
 * Layout of a cache folder:
 *   IRBOOK-CACHE          marks the folder as irbook's (nothing else is ever deleted)
 *   manifest.json         every source file (size, mtime, events or why skipped) and every data file
 *   listing.json          the log folders as last listed (a hint: folders whose mtime matches are not re-listed)
 *   verified.json         a reader's proof that the logs matched the manifest (verified-state.ts)
 *   data/<table>/date_partition=…/b<batch>_<n>.parquet   (a table's folder partitions; the lake's: _day=yyyy-mm-dd)
 *   tmp/                  an ingest's work in progress; never read
 *   ingest.lock           held by the one process adding files
 *
 * Data files are written once and never changed; the manifest is replaced by rename, so it
 * is the commit point: a reader sees the old manifest and its files, or the new one and its
 * files, never a half-written file (a crash leaves only files no manifest names).
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir, hostname, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { OptionError, SourceError } from '../../errors';
import type { ListingSnapshot } from './source-files';

/** Bumped whenever the manifest or the data files change shape; a cache of another version is rebuilt. */
export const CACHE_FORMAT = 3;
const TAG_FILE = 'IRBOOK-CACHE';
const MANIFEST = 'manifest.json';
/** The manifest's name in a cache folder. */
export const MANIFEST_FILE = MANIFEST;
const LOCK = 'ingest.lock';
const LISTING = 'listing.json';
/** The shape of listing.json (a hint, so a listing of another shape is only ignored). */
const LISTING_FORMAT = 2;
/** The readers' proof that nothing changed (verified-state.ts). */
const VERIFIED = 'verified.json';
/** Files no manifest names are deleted only this long after they were written: a reader may still hold an older manifest. */
const GARBAGE_GRACE_MS = 10 * 60_000;
/** DuckDB reads file names as glob patterns; the cache's own names never hold these. */
const GLOB_CHARACTERS = /[*?[\]{}]/;

/** This irbook's version: a cache (or a saved state) written by another is not used. */
export const IRBOOK_VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** One source file as the cache last saw it. */
export interface ManifestFile {
  readonly size: number;
  readonly mtimeMs: number;
  /** Id stored with each of its rows (`_file`), so its rows can be dropped when it changes. */
  readonly id: number;
  readonly table: string;
  readonly events: number;
  /** Why it was not read (its events are not in the cache). */
  readonly skipped?: string;
  /** Not a log at all (a digest found by content). */
  readonly ignored?: string;
  /** Values that did not fit their column's type and were stored as NULL. */
  readonly untyped?: number;
}

/** One Parquet data file. */
export interface ManifestPart {
  /** Relative to the cache folder. */
  readonly path: string;
  readonly size: number;
  readonly rows: number;
  /** Ids of the source files whose rows it holds. */
  readonly files: readonly number[];
}

/** A table derived from another table's rows (ocsf-derived.ts). */
export interface DerivedState {
  /** Which rows of the table it is derived from it was last brought up to date with. */
  readonly from: string;
  /** Ids of the source files already mapped (those giving no row are in no generation's data), as inclusive ranges. */
  readonly covered: readonly (readonly [number, number])[];
  /** Each generation's source file ids (inclusive ranges), by the batch in its data files' names (`g<batch>_<n>.parquet`). */
  readonly generations: Readonly<Record<string, readonly (readonly [number, number])[]>>;
}

/** The cache's table of contents. */
export interface CacheManifest {
  readonly format: typeof CACHE_FORMAT;
  readonly irbook: string;
  /** The real paths of the log roots the cache was built from, sorted. */
  readonly roots: readonly string[];
  readonly nextFileId: number;
  readonly nextBatch: number;
  /** Keyed by the source file's path. */
  readonly files: Readonly<Record<string, ManifestFile>>;
  /** Keyed by table id. */
  readonly parts: Readonly<Record<string, readonly ManifestPart[]>>;
  /** Tables derived from other tables, keyed by table id (their data files are in `parts`). */
  readonly derived?: Readonly<Record<string, DerivedState>>;
}

/** A manifest with nothing in it, for these log roots (real paths, sorted). */
export function emptyManifest(roots: readonly string[]): CacheManifest {
  return { format: CACHE_FORMAT, irbook: IRBOOK_VERSION, roots, nextFileId: 1, nextBatch: 1, files: {}, parts: {} };
}

function realRoots(roots: readonly string[]): string[] {
  const real = roots.map((root) => {
    try {
      return realpathSync(root);
    } catch {
      return resolve(root);
    }
  });
  return [...new Set(real)].sort();
}

/** The folder of all irbook caches: `$XDG_CACHE_HOME/irbook`, else `~/.cache/irbook`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'irbook');
}

/** The default cache folder for these log roots, keyed by their real paths. */
export function defaultCacheDir(roots: readonly string[]): string {
  const real = realRoots(roots);
  const key = createHash('sha256').update(real.join('\0')).digest('hex').slice(0, 16);
  const name = (realRoots(roots.slice(0, 1))[0] ?? 'logs').split(/[\\/]/).filter(Boolean).pop() ?? 'logs';
  return join(cacheRoot(), `${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40)}-${key}`);
}

/** A cache folder and the operations on it. */
export class CacheStore {
  readonly dir: string;
  /** True when the folder is temporary (`cache: false`) and goes away with the engine. */
  readonly temporary: boolean;
  /** Real paths of the log roots this cache is for, sorted. */
  readonly roots: readonly string[];

  private constructor(dir: string, temporary: boolean, roots: readonly string[]) {
    this.dir = dir;
    this.temporary = temporary;
    this.roots = roots;
  }

  /**
   * Opens the cache for `cache` (a folder, `false` for a temporary one, undefined for the
   * default under the user's cache folder). Refuses a non-empty folder irbook did not make.
   */
  static async open(cache: string | false | undefined, roots: readonly string[]): Promise<CacheStore> {
    const temporary = cache === false;
    const dir = temporary ? mkdtempSync(join(tmpdir(), 'irbook-cache-')) : cache === undefined ? defaultCacheDir(roots) : resolve(cache);
    if (GLOB_CHARACTERS.test(dir)) {
      throw new OptionError('cache', dir, `cache: ${dir} holds a character DuckDB reads as a pattern (* ? [ ] { }); give another folder with cache: '<dir>'`);
    }
    const store = new CacheStore(dir, temporary, realRoots(roots));
    await store.#claim();
    return store;
  }

  async #claim(): Promise<void> {
    await mkdir(this.dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new SourceError(this.dir, `the cache folder cannot be created (${error.code})`);
    });
    const entries = await readdir(this.dir);
    if (entries.includes(TAG_FILE)) return;
    if (entries.length > 0) {
      throw new OptionError('cache', this.dir, `cache: ${this.dir} is not empty and is not an irbook cache; give an empty or new folder`);
    }
    await writeFile(join(this.dir, TAG_FILE), `irbook ingest cache; safe to delete (irbook cache clear)\n`);
  }

  /** Absolute path of a file named in the manifest. */
  resolve(path: string): string {
    return join(this.dir, path);
  }

  /** The manifest file's identity now, to tell whether another process replaced it. */
  async manifestStamp(): Promise<string> {
    return stampOf(await stat(join(this.dir, MANIFEST)).catch(() => undefined));
  }

  /**
   * Reads the manifest. Returns `undefined` when there is none yet, and `{ damaged }` when it
   * cannot be trusted: unreadable, another format or irbook version, or a data file missing
   * or of the wrong size (each file's Parquet markers are checked too).
   */
  async readManifest(): Promise<CacheManifest | { damaged: string } | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dir, MANIFEST), 'utf8');
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : { damaged: `manifest cannot be read (${(error as NodeJS.ErrnoException).code})` };
    }
    let manifest: CacheManifest;
    try {
      manifest = JSON.parse(text) as CacheManifest;
    } catch {
      return { damaged: 'manifest is not valid JSON' };
    }
    if (manifest?.format !== CACHE_FORMAT || typeof manifest.files !== 'object' || typeof manifest.parts !== 'object') {
      return { damaged: `written in another cache format (${String(manifest?.format)})` };
    }
    if (manifest.irbook !== IRBOOK_VERSION) return { damaged: `written by irbook ${manifest.irbook}, this is ${IRBOOK_VERSION}` };
    if (!Array.isArray(manifest.roots)) return { damaged: 'manifest names no log folders' };
    if (manifest.roots.join('\0') !== this.roots.join('\0')) {
      // Another engine's logs: ingesting here would drop its files as "removed".
      throw new OptionError('cache', this.dir, `cache: ${this.dir} holds the cache of other logs (${manifest.roots.join(', ')}); ` +
        `give another folder, or remove it with irbook cache clear --cache ${this.dir}`);
    }
    for (const parts of Object.values(manifest.parts)) {
      for (const part of parts) {
        const problem = await checkParquet(this.resolve(part.path), part.size);
        if (problem) return { damaged: `${part.path}: ${problem}` };
      }
    }
    return manifest;
  }

  /** Replaces the manifest in one rename: readers see the old one or the new one. */
  async writeManifest(manifest: CacheManifest): Promise<void> {
    const temp = join(this.dir, `${MANIFEST}.${process.pid}-${randomBytes(4).toString('hex')}`);
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(manifest));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(this.dir, MANIFEST));
  }

  /** The folder listings saved by the last process that listed the logs; undefined if none is usable. */
  async readListing(): Promise<ListingSnapshot | undefined> {
    try {
      const saved = JSON.parse(await readFile(join(this.dir, LISTING), 'utf8')) as { format: number; irbook: string; listing: number; dirs: ListingSnapshot };
      const usable = saved.format === CACHE_FORMAT && saved.irbook === IRBOOK_VERSION && saved.listing === LISTING_FORMAT && Array.isArray(saved.dirs);
      return usable ? saved.dirs : undefined;
    } catch {
      return undefined;
    }
  }

  /** Saves folder listings (replaced by rename; losing a race only costs the next process a re-list). */
  async writeListing(dirs: ListingSnapshot): Promise<void> {
    const temp = join(this.dir, `${LISTING}.${process.pid}-${randomBytes(4).toString('hex')}`);
    await writeFile(temp, JSON.stringify({ format: CACHE_FORMAT, irbook: IRBOOK_VERSION, listing: LISTING_FORMAT, dirs }));
    await rename(temp, join(this.dir, LISTING));
  }

  /** A new empty folder for one ingest's work, under the cache so renames stay on one disk. */
  async workFolder(): Promise<string> {
    const path = join(this.dir, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}`);
    await mkdir(path, { recursive: true });
    return path;
  }

  /**
   * Takes the writer's lock, waiting while another live process holds it. A lock left by a
   * process that no longer runs (killed mid-ingest) is taken over.
   */
  async lock(signal?: AbortSignal, onWait?: (holder: string) => void): Promise<() => Promise<void>> {
    const path = join(this.dir, LOCK);
    for (;;) {
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
        await handle.close();
        return () => unlink(path).catch(() => undefined);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readFile(path, 'utf8').then((t) => JSON.parse(t) as { pid: number; host: string }).catch(() => undefined);
      if (holder === undefined || (holder.host === hostname() && !isAlive(holder.pid))) {
        // Unreadable (a crash between create and write) or its process is gone.
        const info = await stat(path).catch(() => undefined);
        if (holder !== undefined || (info && Date.now() - info.mtimeMs > 5_000)) await unlink(path).catch(() => undefined);
      } else {
        onWait?.(`process ${holder.pid} on ${holder.host}`);
      }
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Deletes everything but the tag: the next ingest starts from nothing. Call with the lock held. */
  async reset(): Promise<void> {
    await rm(join(this.dir, MANIFEST), { force: true });
    await rm(join(this.dir, LISTING), { force: true });
    await rm(join(this.dir, VERIFIED), { force: true });
    await rm(join(this.dir, 'data'), { recursive: true, force: true });
    await rm(join(this.dir, 'tmp'), { recursive: true, force: true });
  }

  /** Deletes data files no manifest names (after the grace period) and abandoned work folders. Call with the lock held. */
  async collectGarbage(manifest: CacheManifest): Promise<void> {
    const named = new Set(Object.values(manifest.parts).flatMap((parts) => parts.map((p) => this.resolve(p.path))));
    const old = Date.now() - GARBAGE_GRACE_MS;
    for (const file of await listFiles(join(this.dir, 'data'))) {
      if (named.has(file)) continue;
      const info = await stat(file).catch(() => undefined);
      if (info && info.mtimeMs < old) await rm(file, { force: true });
    }
    // Work folders of this host's dead processes (the lock guarantees none is live but ours).
    for (const name of await readdir(join(this.dir, 'tmp')).catch(() => [] as string[])) {
      const pid = Number(name.split('-')[0]);
      if (pid !== process.pid) await rm(join(this.dir, 'tmp', name), { recursive: true, force: true });
    }
  }

  /** Removes the whole folder (a temporary cache when its engine closes). */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The manifest path of a data file just written under `folder`. */
  relative(path: string): string {
    return relative(this.dir, path);
  }
}

/**
 * Removes caches: the one folder given, or every cache under the user's cache folder. Only
 * folders irbook marked as its caches are removed. Returns the folders removed.
 */
export async function clearCaches(dir?: string): Promise<string[]> {
  const candidates = dir !== undefined ? [resolve(dir)] : (await readdir(cacheRoot()).catch(() => [] as string[])).map((n) => join(cacheRoot(), n));
  const removed: string[] = [];
  for (const candidate of candidates) {
    const tagged = await stat(join(candidate, TAG_FILE)).then(() => true, () => false);
    if (!tagged) {
      if (dir !== undefined) throw new OptionError('cache', dir, `${dir} is not an irbook cache (no ${TAG_FILE} file); nothing removed`);
      continue;
    }
    await rm(candidate, { recursive: true, force: true });
    removed.push(candidate);
  }
  return removed;
}

/** The identity of a manifest file now (see CacheStore.manifestStamp), without waiting on the thread pool. */
export function manifestStampSync(path: string): string {
  return stampOf(statSync(path, { throwIfNoEntry: false }));
}

function stampOf(info: Stats | undefined): string {
  return info ? `${info.ino}:${info.size}:${info.mtimeMs}` : 'none';
}

/** Why a data file cannot be used (missing, of another size, not whole Parquet), or undefined when it looks whole. */
export async function checkParquet(path: string, size: number): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return `data file cannot be opened (${(error as NodeJS.ErrnoException).code})`;
  }
  try {
    const info = await handle.stat();
    if (info.size !== size) return `data file is ${info.size} bytes, the manifest says ${size}`;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 4, Math.max(0, size - 4));
    if (head.toString('latin1') !== 'PAR1' || tail.toString('latin1') !== 'PAR1') return 'data file is not whole Parquet';
    return undefined;
  } finally {
    await handle.close();
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
