/**
 * The CloudTrail feed of the OCSF tables, materialized in the cache: the `cloudtrail` table's
 * rows mapped to OCSF (`cloudTrailToOcsf`) and written as Parquet partitioned by day, like any
 * table's data. Mapping on every query instead (a view over the `cloudtrail` table) took 0.4 to
 * 1.5 s per article query on the sample's 100,000 events, against 0.02 to 0.2 s from the
 * written rows.
 *
 * Written when a query first names a lake table and the `cloudtrail` table changed since (not
 * at every ingest: a responder with no use for the OCSF tables never pays for the mapping).
 * The mapping's rows do not say which log file they came from, so the derived data files are
 * written in generations: each generation maps a set of log files (listed in the manifest's
 * derived state), and a generation is mapped again, from the cached `cloudtrail` rows, when one of its
 * files is dropped or its day folders gather too many data files. A delivery adds one small
 * generation.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { cloudTrailToOcsf, type CloudTrailOcsfKind } from '../../sources/ocsf/cloudtrail-mapping';
import type { CacheManifest, CacheStore, DerivedState, ManifestPart } from './cache-store';
import { CLOUDTRAIL_SOURCE } from './cloudtrail-source';
import { listParquet, parquetScan } from './ingest';
import { LAKE_DAY_PARTITION } from './lake-source';

/** The kinds the CloudTrail feed fills (Security Hub findings do not come from CloudTrail). */
export const CLOUDTRAIL_OCSF_KINDS: readonly CloudTrailOcsfKind[] = ['cloud_trail_mgmt', 's3_data'];
/** Data files a day folder may gather before its generations are mapped again as one. */
const MAX_PARTS_PER_FOLDER = 8;
const ROW_GROUP_ROWS = 10_240;

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The cache table of a kind's CloudTrail feed, e.g. `cloudtrail_ocsf_cloud_trail_mgmt`. */
export function derivedTable(kind: CloudTrailOcsfKind): string {
  return `cloudtrail_ocsf_${kind}`;
}

/** Identifies the `cloudtrail` table's rows: its data files are written once, so their names say what it holds. */
export function cloudTrailStamp(parts: Readonly<Record<string, readonly { readonly path: string }[]>>): string {
  const paths = (parts[CLOUDTRAIL_SOURCE.table] ?? []).map((p) => p.path).sort();
  return createHash('sha256').update(paths.join('\0')).digest('hex').slice(0, 24);
}

/** The kinds among `kinds` whose derived rows were not mapped from the `cloudtrail` rows the parts hold. */
export function staleKinds(
  kinds: readonly CloudTrailOcsfKind[],
  parts: Readonly<Record<string, readonly { readonly path: string }[]>>,
  derivedFrom: Readonly<Record<string, string>>,
): CloudTrailOcsfKind[] {
  const stamp = cloudTrailStamp(parts);
  return kinds.filter((kind) => derivedFrom[derivedTable(kind)] !== stamp);
}

/**
 * Under the cache's lock, maps what changed in the `cloudtrail` table for these kinds and
 * commits the manifest; returns it, or undefined when the cache has no usable manifest.
 */
export async function updateDerived(options: {
  store: CacheStore;
  connection: DuckDBConnection;
  kinds: readonly CloudTrailOcsfKind[];
  signal?: AbortSignal;
  onWait?: (holder: string) => void;
}): Promise<CacheManifest | undefined> {
  const { store, connection } = options;
  const release = await options.store.lock(options.signal, options.onWait);
  let work: string | undefined;
  try {
    const read = await store.readManifest();
    // No usable manifest: the next ingest (before the next query) builds one; nothing to map yet.
    if (read === undefined || 'damaged' in read) return undefined;
    const stale = staleKinds(options.kinds, read.parts, derivedStamps(read));
    if (stale.length === 0) return read;
    work = await store.workFolder();
    const parts: Record<string, readonly ManifestPart[]> = { ...read.parts };
    const derived: Record<string, DerivedState> = { ...read.derived };
    const batch = read.nextBatch;
    for (const kind of stale) {
      const table = derivedTable(kind);
      const result = await mapGenerations(kind, { store, connection, work, batch, manifest: read });
      parts[table] = result.parts;
      derived[table] = { from: cloudTrailStamp(read.parts), ...result.state };
    }
    const next: CacheManifest = { ...read, nextBatch: batch + 1, parts, derived };
    await store.writeManifest(next);
    await store.collectGarbage(next);
    return next;
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
    await release();
  }
}

/** Each derived table's stamp of the `cloudtrail` rows it was mapped from. */
export function derivedStamps(manifest: CacheManifest): Record<string, string> {
  return Object.fromEntries(Object.entries(manifest.derived ?? {}).map(([table, state]) => [table, state.from]));
}

/**
 * Maps the new log files and the generations that lost a file (or crowd a folder); keeps the
 * other generations. A generation's data files are named `g<batch>_<n>.parquet`; its log files
 * are kept once in the derived state (as id ranges: ids are given out in order, so a month's
 * 43,000 files take a few ranges, not 43,000 numbers on each of 31 day files).
 */
async function mapGenerations(
  kind: CloudTrailOcsfKind,
  { store, connection, work, batch, manifest }: { store: CacheStore; connection: DuckDBConnection; work: string; batch: number; manifest: CacheManifest },
): Promise<{ parts: ManifestPart[]; state: Omit<DerivedState, 'from'> }> {
  const table = derivedTable(kind);
  const sourceParts = manifest.parts[CLOUDTRAIL_SOURCE.table] ?? [];
  const current = new Set(sourceParts.flatMap((p) => p.files));
  const state = manifest.derived?.[table];
  const covered = new Set(fromRanges(state?.covered ?? []));
  const generations = new Map(Object.entries(state?.generations ?? {}).map(([key, ranges]) => [key, fromRanges(ranges)]));
  const previous = manifest.parts[table] ?? [];
  const perFolder = new Map<string, number>();
  for (const part of previous) perFolder.set(dirname(part.path), (perFolder.get(dirname(part.path)) ?? 0) + 1);
  const redo = new Set<string>();
  for (const part of previous) {
    const key = generationOf(part.path);
    const lostFile = (generations.get(key) ?? []).some((id) => !current.has(id));
    if (lostFile || perFolder.get(dirname(part.path))! > MAX_PARTS_PER_FOLDER) redo.add(key);
  }
  const kept = previous.filter((part) => !redo.has(generationOf(part.path)));
  const redoIds = new Set([...redo].flatMap((key) => generations.get(key) ?? []));
  // New files, and the remaining files of the generations mapped again. A file mapped before
  // that gave this kind no row (covered, in no generation's data) is not mapped again.
  const toMap = [...current].filter((id) => !covered.has(id) || redoIds.has(id)).sort((a, b) => a - b);
  const keptGenerations = Object.fromEntries([...new Set(kept.map((p) => generationOf(p.path)))].map((key) => [key, toRanges(generations.get(key) ?? [])]));
  const everyId = toRanges([...current].sort((a, b) => a - b));
  if (toMap.length === 0) return { parts: kept, state: { covered: everyId, generations: keptGenerations } };

  const wanted = new Set(toMap);
  const readParts = sourceParts.filter((p) => p.files.some((id) => wanted.has(id)));
  const others = [...new Set(readParts.flatMap((p) => p.files))].filter((id) => !wanted.has(id));
  const columns = CLOUDTRAIL_SOURCE.columns.map((c) => quote(c.name)).join(', ');
  // Parts also holding files of kept generations are filtered by the shorter list; the first mapping reads every part whole.
  const filter = others.length === 0 ? '' : others.length < toMap.length ? ` WHERE _file NOT IN (${others.join(', ')})` : ` WHERE _file IN (${toMap.join(', ')})`;
  const rows = `(SELECT ${columns} FROM ${parquetScan(CLOUDTRAIL_SOURCE, readParts.map((p) => store.resolve(p.path)))}${filter})`;
  const out = join(work, table);
  await connection.run(
    `COPY (SELECT *, strftime(time_dt, '%Y-%m-%d') AS ${quote(LAKE_DAY_PARTITION)} FROM (${cloudTrailToOcsf(kind, rows)})) TO ${literal(out)} ` +
      `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}, PARTITION_BY (${quote(LAKE_DAY_PARTITION)}), FILENAME_PATTERN 'g${batch}_{i}')`);
  const fresh: ManifestPart[] = [];
  for (const file of await listParquet(out)) {
    const target = join(store.dir, 'data', table, relative(out, dirname(file)), file.split(/[\\/]/).pop()!);
    await mkdir(dirname(target), { recursive: true });
    await rename(file, target);
    const reader = await connection.runAndReadAll(`SELECT count(*)::BIGINT FROM read_parquet(${literal(target)})`);
    // The log files are the generation's (in the derived state), not each data file's.
    fresh.push({ path: store.relative(target), size: (await stat(target)).size, rows: Number(reader.getRowsJS()[0]![0]), files: [] });
  }
  const nextGenerations = fresh.length > 0 ? { ...keptGenerations, [String(batch)]: toRanges(toMap) } : keptGenerations;
  return { parts: [...kept, ...fresh.sort((a, b) => (a.path < b.path ? -1 : 1))], state: { covered: everyId, generations: nextGenerations } };
}

/** The generation of a derived data file, from its name `g<batch>_<n>.parquet`. */
function generationOf(path: string): string {
  return /(?:^|[\\/])g([0-9]+)_[0-9]+\.parquet$/.exec(path)?.[1] ?? path;
}

/** Sorted ids as inclusive ranges: [1, 2, 3, 7] → [[1, 3], [7, 7]]. */
function toRanges(sorted: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const id of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && id === last[1] + 1) last[1] = id;
    else ranges.push([id, id]);
  }
  return ranges;
}

/** The ids of inclusive ranges. */
function fromRanges(ranges: readonly (readonly [number, number])[]): number[] {
  return ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));
}
