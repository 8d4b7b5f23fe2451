/**
 * The cache's "nothing changed" proof, so a new process (`irbook query`, a kernel's first
 * cell) can start querying without reading the manifest and the folder listings (each about
 * 250 bytes a log file: 10 MB at 43,000 files, a second to read and compare).
 *
 * A reader that has compared every listed log file with the manifest and found them equal
 * saves `verified.json`: the manifest's identity, the modification time of every folder it
 * listed, and what the engine needs from the manifest (the data files and the inventory).
 * Adding, removing or renaming a file changes its folder's modification time, and an ingest
 * replaces the manifest (a new identity), so while both still match, the logs and the cache
 * are as they were when it was saved. Anything else (a folder changed, a new manifest, a
 * folder that could not be read then, a file given as a root) takes the full comparison.
 *
 * Like the folder listings it stands in for, it does not see a file rewritten in place without
 * a folder change (same name, no rename); `irbook ingest` compares every file afresh.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Inventory } from './local-engine';
import { CACHE_FORMAT, checkParquet, IRBOOK_VERSION, MANIFEST_FILE, manifestStampSync } from './cache-store';

/** Named in cache-store.ts too, which removes it when it resets the cache. */
const STATE_FILE = 'verified.json';

/** A data file as the catalog needs it. */
export interface DataFile {
  readonly path: string;
  readonly size: number;
  readonly rows: number;
}

/** What the engine reports about the cache, without the folder (the proof is saved in it). */
export type InventoryCounts = Omit<Inventory, 'cache'>;

/** The saved proof and what it lets the engine skip reading. */
export interface VerifiedState {
  readonly format: typeof CACHE_FORMAT;
  readonly irbook: string;
  /** Real paths of the log roots, sorted (as the manifest's). */
  readonly roots: readonly string[];
  readonly manifestStamp: string;
  /** Every folder listed, with its modification time then. */
  readonly folders: readonly (readonly [string, number])[];
  /** Keyed by table id. */
  readonly parts: Readonly<Record<string, readonly DataFile[]>>;
  readonly inventory: InventoryCounts;
  /** Each derived table's stamp of the rows it was derived from (the manifest's `derived`). */
  readonly derivedFrom?: Readonly<Record<string, string>>;
}

/** Whether every data file the state names is whole Parquet (checked once, when a process opens on the state). */
export async function dataFilesWhole(cacheDir: string, state: VerifiedState): Promise<boolean> {
  const problems = await Promise.all(Object.values(state.parts).flat().map((part) => checkParquet(join(cacheDir, part.path), part.size)));
  return problems.every((problem) => problem === undefined);
}

/** The saved state for these roots, or undefined when there is none or it is of another version. */
export async function readVerifiedState(cacheDir: string, roots: readonly string[]): Promise<VerifiedState | undefined> {
  let state: VerifiedState;
  try {
    state = JSON.parse(await readFile(join(cacheDir, STATE_FILE), 'utf8')) as VerifiedState;
  } catch {
    return undefined;
  }
  const usable = state?.format === CACHE_FORMAT && state.irbook === IRBOOK_VERSION && Array.isArray(state.folders) &&
    Array.isArray(state.roots) && state.roots.join('\0') === roots.join('\0') && typeof state.parts === 'object' && typeof state.inventory === 'object';
  return usable ? state : undefined;
}

/** Saves the state (replaced by rename; losing a race to another reader only costs a full comparison later). */
export async function writeVerifiedState(cacheDir: string, state: Omit<VerifiedState, 'format' | 'irbook'>): Promise<void> {
  const temp = join(cacheDir, `${STATE_FILE}.${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(temp, JSON.stringify({ format: CACHE_FORMAT, irbook: IRBOOK_VERSION, ...state }));
  await rename(temp, join(cacheDir, STATE_FILE));
}

/**
 * Whether the state still holds: the same manifest, every folder there with the same
 * modification time, and every data file of the size the manifest says (one cut short or
 * removed sends the engine to the full path, which finds the cache damaged and rebuilds it).
 * Synchronous: one stat per folder and data file, about a millisecond for a month of a
 * multi-region trail.
 */
export function stillVerified(cacheDir: string, state: VerifiedState): boolean {
  if (manifestStampSync(join(cacheDir, MANIFEST_FILE)) !== state.manifestStamp) return false;
  for (const parts of Object.values(state.parts)) {
    for (const part of parts) {
      if (statSync(join(cacheDir, part.path), { throwIfNoEntry: false })?.size !== part.size) return false;
    }
  }
  for (const [folder, mtimeMs] of state.folders) {
    try {
      const info = statSync(folder);
      if (!info.isDirectory() || info.mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}
