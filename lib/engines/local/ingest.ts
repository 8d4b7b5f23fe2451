/**
 * Brings the cache up to date with the source files: reads new and changed files (each
 * opened and validated), drops the rows of changed and removed ones, and commits a new
 * manifest. Runs under the cache's writer lock; readers keep using the previous manifest
 * until the new one is renamed into place.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { formatCount, formatDuration } from '../../display/format';
import type { CacheManifest, CacheStore, ManifestFile, ManifestPart } from './cache-store';
import { emptyManifest } from './cache-store';
import { mapLimited, type SourceFile } from './source-files';
import { startFileReaders } from './file-to-lines';
import { LineBatches } from './line-batches';
import type { JsonTableSource, ParquetTableSource, TableSource } from './table-source';
import { typeParquetFiles } from './parquet-batches';

/** What an ingest did, for `irbook ingest` and the engine's log. */
export interface IngestSummary {
  readonly filesNew: number;
  readonly filesChanged: number;
  readonly filesRemoved: number;
  /** Files among the new and changed that could not be read (each in the manifest with its reason). */
  readonly filesSkipped: number;
  /** Events added by this ingest. */
  readonly events: number;
  readonly elapsedMs: number;
  /** Set when the cache was found damaged or of another version and rebuilt from nothing. */
  readonly rebuilt?: string;
}

/** Progress while files are read. */
export interface IngestProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly events: number;
  readonly elapsedMs: number;
}

/** Options of {@link updateCache}. */
export interface IngestOptions {
  readonly store: CacheStore;
  readonly connection: DuckDBConnection;
  readonly sources: readonly TableSource[];
  /** The source files on disk now. */
  readonly files: readonly SourceFile[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: IngestProgress) => void;
  /** Another process holds the writer's lock. */
  readonly onWait?: (holder: string) => void;
}

/** Files read at once: a few per reader thread keeps every thread busy. */
const READ_CONCURRENCY = Math.max(8, availableParallelism() * 4);
/**
 * DuckDB's memory while it ingests; past it, DuckDB spills to the work area. The process
 * stays within about this plus three batches of lines in JS, whatever the number of events.
 */
const INGEST_MEMORY_BYTES = 640 * 1024 * 1024;
const PROGRESS_EVERY_MS = 250;
/** Rows per Parquet row group: the unit filters on sorted columns skip. */
const ROW_GROUP_ROWS = 10_240;
/** Data files a folder may gather from incremental ingests before they are merged into one. */
const MAX_PARTS_PER_FOLDER = 8;

/** The files that differ between the disk and the manifest. */
export function changedFiles(files: readonly SourceFile[], manifest: CacheManifest): { added: SourceFile[]; changed: SourceFile[]; removed: string[] } {
  const added: SourceFile[] = [];
  const changed: SourceFile[] = [];
  const present = new Set<string>();
  for (const file of files) {
    present.add(file.path);
    const known = manifest.files[file.path];
    if (!known) added.push(file);
    else if (known.size !== file.size || known.mtimeMs !== file.mtimeMs) changed.push(file);
  }
  const removed = Object.keys(manifest.files).filter((path) => !present.has(path));
  return { added, changed, removed };
}

/** Whether the cache is behind the disk. */
export function isStale(files: readonly SourceFile[], manifest: CacheManifest): boolean {
  const { added, changed, removed } = changedFiles(files, manifest);
  return added.length + changed.length + removed.length > 0;
}

/**
 * Updates the cache under its lock and returns the committed manifest. Reads the manifest
 * again once the lock is held: another process may have done the work meanwhile.
 */
export async function updateCache(options: IngestOptions): Promise<{ manifest: CacheManifest; summary: IngestSummary }> {
  const started = performance.now();
  const { store } = options;
  const release = await store.lock(options.signal, options.onWait);
  let work: string | undefined;
  try {
    const read = await store.readManifest();
    let rebuilt: string | undefined;
    if (read !== undefined && 'damaged' in read) {
      rebuilt = read.damaged;
      await store.reset();
    }
    const manifest = read === undefined || 'damaged' in read ? emptyManifest(store.roots) : read;
    const { added, changed, removed } = changedFiles(options.files, manifest);
    const summary = (filesSkipped: number, events: number): IngestSummary => ({
      filesNew: added.length, filesChanged: changed.length, filesRemoved: removed.length,
      filesSkipped, events, elapsedMs: performance.now() - started, ...(rebuilt ? { rebuilt } : {}),
    });
    if (added.length + changed.length + removed.length === 0) {
      if (rebuilt) await store.writeManifest(manifest);
      return { manifest, summary: summary(0, 0) };
    }
    work = await store.workFolder();
    const dropped = new Set([...changed.map((f) => f.path), ...removed].map((path) => manifest.files[path]!.id));
    const files: Record<string, ManifestFile> = { ...manifest.files };
    for (const path of [...changed.map((f) => f.path), ...removed]) delete files[path];

    let nextFileId = manifest.nextFileId;
    const toRead = [...added, ...changed].map((file) => ({ file, id: nextFileId++ }));
    const batch = manifest.nextBatch;
    const parts: Record<string, readonly ManifestPart[]> = {};
    let events = 0;
    let skipped = 0;
    const restore = await ingestSettings(options.connection);
    try {
      for (const source of options.sources) {
        const mine = toRead.filter(({ file }) => source.claims(file.path));
        const result = source.format === 'json'
          ? await readIntoStages(source, mine, work, options, started)
          : await readParquetIntoStages(source, mine, work, options);
        for (const [path, entry] of result.entries) files[path] = entry;
        events += result.events;
        skipped += result.skipped;
        parts[source.table] = await rewriteParts(source, {
          ...options, work, batch, stages: result.stages, excluded: result.excluded, dropped,
          previous: manifest.parts[source.table] ?? [],
        });
      }
    } finally {
      await restore();
    }
    // Derived tables (ocsf-derived.ts) keep their data files; they are brought up to date when queried.
    const next: CacheManifest = { ...manifest, nextFileId, nextBatch: batch + 1, files, parts: { ...manifest.parts, ...parts } };
    await store.writeManifest(next);
    await store.collectGarbage(next);
    return { manifest: next, summary: summary(skipped, events) };
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
    await release();
  }
}

/**
 * DuckDB's settings for an ingest, on the engine's own database: bounded memory, spilling to
 * a folder of its own under the system's temporary folder (an in-memory database would
 * spill to the current folder). Insertion
 * order is kept: rows stay in the listing's path order (account, region, time), which row-group
 * pruning needs, at no cost of sorting them. Returns how to restore the engine's settings.
 */
async function ingestSettings(connection: DuckDBConnection): Promise<() => Promise<void>> {
  const reader = await connection.runAndReadAll(`SELECT current_setting('memory_limit')::VARCHAR`);
  const before = String(reader.getRowsJS()[0]![0]);
  // Never above a limit the user gave the engine.
  const limit = Math.min(INGEST_MEMORY_BYTES, sizeInBytes(before) ?? Infinity);
  await connection.run(`SET memory_limit = '${Math.floor(limit / 1024)}KiB'`);
  // DuckDB cannot move its spill folder once it has spilled; then it keeps the one it has.
  await connection.run(`SET temp_directory = ${literal(join(tmpdir(), `irbook-spill-${process.pid}-${randomBytes(4).toString('hex')}`))}`).catch(() => undefined);
  return async () => {
    await connection.run(`SET memory_limit = ${literal(before)}`);
  };
}

/** Bytes of a DuckDB size setting as it prints it (`18.8 GiB`, `640.0 MiB`); undefined if not understood. */
function sizeInBytes(text: string): number | undefined {
  const m = /^([0-9.]+)\s*(bytes|[KMGT]i?B)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'bytes').toUpperCase();
  const power = { BYTES: 0, KB: 1, KIB: 1, MB: 2, MIB: 2, GB: 3, GIB: 3, TB: 4, TIB: 4 }[unit] ?? 0;
  const base = unit.includes('I') || unit === 'BYTES' ? 1024 : 1000;
  return Number(m[1]) * base ** power;
}

/**
 * Reads the files into staging Parquet files of typed rows (through DuckDB, batch by
 * batch), and says what each file gave.
 */
async function readIntoStages(
  source: JsonTableSource,
  files: readonly { file: SourceFile; id: number }[],
  work: string,
  options: IngestOptions,
  started: number,
): Promise<StagedFiles> {
  const readers = startFileReaders();
  const entries = new Map<string, ManifestFile>();
  const read: { file: SourceFile; id: number }[] = [];
  let seenRecords = 0;
  let done = 0;
  let lastReport = 0;
  const batches = new LineBatches(source, options.connection, work, ({ path, id }) => readers.read({ table: source.table, path, id, exact: true }));
  const base = (file: SourceFile, id: number) => ({ size: file.size, mtimeMs: file.mtimeMs, id, table: source.table });
  let outcome;
  try {
    await mapLimited(files, READ_CONCURRENCY, async ({ file, id }) => {
      if (options.signal?.aborted) throw options.signal.reason;
      const result = await readers.read({ table: source.table, path: file.path, id, exact: false });
      if (!result.ok) {
        entries.set(file.path, { ...base(file, id), events: 0, ...(result.ignore ? { ignored: result.reason } : { skipped: result.reason }) });
      } else {
        read.push({ file, id });
        seenRecords += result.records;
        await batches.add({ path: file.path, id, line: result.line, exact: false });
      }
      done++;
      const now = performance.now();
      if (options.onProgress && (now - lastReport > PROGRESS_EVERY_MS || done === files.length)) {
        lastReport = now;
        options.onProgress({ filesDone: done, filesTotal: files.length, events: seenRecords, elapsedMs: now - started });
      }
    });
    outcome = await batches.finish();
  } finally {
    await readers.close();
  }
  if (options.signal?.aborted) throw options.signal.reason;
  const perFile = await fileCounts(options.connection, outcome.stages);
  const excluded = new Set<number>();
  let events = 0;
  for (const { file, id } of read) {
    const refused = outcome.refused.get(id);
    const counts = perFile.get(id) ?? { rows: 0, untyped: 0, records: true };
    if (refused !== undefined || !counts.records) {
      excluded.add(id);
      entries.set(file.path, { ...base(file, id), events: 0, skipped: refused ?? source.notRecordsReason });
    } else {
      entries.set(file.path, { ...base(file, id), events: counts.rows, ...(counts.untyped > 0 ? { untyped: counts.untyped } : {}) });
      events += counts.rows;
    }
  }
  const skipped = [...entries.values()].filter((e) => e.skipped !== undefined).length;
  return { entries, events, skipped, stages: outcome.stages, excluded };
}

/** What reading one table's files gave: manifest entries, rows added, files skipped, staging files and the ids whose rows are not kept. */
interface StagedFiles {
  entries: Map<string, ManifestFile>;
  events: number;
  skipped: number;
  stages: readonly string[];
  excluded: ReadonlySet<number>;
}

/** Reads Parquet source files into staging files through DuckDB (no reader threads: DuckDB reads Parquet itself). */
async function readParquetIntoStages(
  source: ParquetTableSource,
  files: readonly { file: SourceFile; id: number }[],
  work: string,
  options: IngestOptions,
): Promise<StagedFiles> {
  const outcome = await typeParquetFiles(source, options.connection, work, files.map(({ file, id }) => ({ path: file.path, id, size: file.size })), options.signal);
  const perFile = await fileCounts(options.connection, outcome.stages, false);
  const entries = new Map<string, ManifestFile>();
  let events = 0;
  for (const { file, id } of files) {
    const base = { size: file.size, mtimeMs: file.mtimeMs, id, table: source.table };
    const refused = outcome.refused.get(id);
    if (refused !== undefined) entries.set(file.path, { ...base, events: 0, skipped: refused });
    else {
      const rows = perFile.get(id)?.rows ?? 0;
      entries.set(file.path, { ...base, events: rows });
      events += rows;
    }
  }
  return { entries, events, skipped: outcome.refused.size, stages: outcome.stages, excluded: new Set(outcome.refused.keys()) };
}

/**
 * Rows, untyped values and whether any row looks like a record, per source file id, from the
 * staging files; without `typed` (Parquet sources, typed by DuckDB as a whole) only rows.
 */
async function fileCounts(connection: DuckDBConnection, stages: readonly string[], typed = true): Promise<Map<number, { rows: number; untyped: number; records: boolean }>> {
  const counts = new Map<number, { rows: number; untyped: number; records: boolean }>();
  if (stages.length === 0) return counts;
  const reader = await connection.runAndReadAll(
    `SELECT _file, count(*)::BIGINT, ${typed ? 'max(_untyped)::BIGINT, bool_or(_record)' : '0::BIGINT, true'} FROM read_parquet([${stages.map(literal).join(', ')}]) GROUP BY _file`);
  for (const [id, rows, untyped, records] of reader.getRowsJS() as [number, bigint, bigint, boolean][]) {
    counts.set(Number(id), { rows: Number(rows), untyped: Number(untyped), records });
  }
  return counts;
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `read_parquet` over cache files, with the partition columns from their folders as strings. */
export function parquetScan(source: TableSource, paths: readonly string[]): string {
  const hiveTypes = source.folderPartitions.map((p) => `${quote(p)}: 'VARCHAR'`).join(', ');
  return `read_parquet([${paths.map(literal).join(', ')}], hive_partitioning = true, hive_types = {${hiveTypes}}, hive_types_autocast = false)`;
}

/**
 * Writes the new rows, plus the kept rows of data files that held a dropped source file, as
 * new Parquet files partitioned by the table's partition columns, and returns the table's
 * new list of data files. Data files untouched by the change are kept as they are.
 */
async function rewriteParts(
  source: TableSource,
  args: IngestOptions & {
    work: string; batch: number; stages: readonly string[]; excluded: ReadonlySet<number>; dropped: ReadonlySet<number>; previous: readonly ManifestPart[];
  },
): Promise<ManifestPart[]> {
  const { store, connection, work, batch, previous, dropped } = args;
  // Parts holding a dropped file are rewritten without its rows; a folder that has gathered
  // many small parts (one per incremental ingest) is rewritten as one.
  const perFolder = new Map<string, number>();
  for (const part of previous) perFolder.set(dirname(part.path), (perFolder.get(dirname(part.path)) ?? 0) + 1);
  const affected = previous.filter((part) => part.files.some((id) => dropped.has(id)) || perFolder.get(dirname(part.path))! > MAX_PARTS_PER_FOLDER);
  const kept = previous.filter((part) => !affected.includes(part));
  // Partition columns only the cache has (not the table's) are written too: COPY takes them into folder names.
  const columns = [...source.columns.map((c) => c.name), ...source.folderPartitions.filter((p) => !source.columns.some((c) => c.name === p))].map(quote);
  const selects: string[] = [];
  if (args.stages.length > 0) {
    selects.push(`SELECT ${columns.join(', ')}, _file FROM read_parquet([${args.stages.map(literal).join(', ')}])` +
      (args.excluded.size > 0 ? ` WHERE _file NOT IN (${[...args.excluded].join(', ')})` : ''));
  }
  if (affected.length > 0) {
    // A folder merged only for its number of parts drops nothing; `NOT IN (NULL)` would drop every row.
    selects.push(`SELECT ${columns.join(', ')}, _file FROM ${parquetScan(source, affected.map((p) => store.resolve(p.path)))}` +
      (dropped.size > 0 ? ` WHERE _file NOT IN (${[...dropped].join(', ')})` : ''));
  }
  if (selects.length === 0) return kept;
  const out = join(work, 'out');
  await connection.run(
    `COPY (${selects.join(' UNION ALL ')}) TO ${literal(out)} ` +
      `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}, PARTITION_BY (${source.folderPartitions.map(quote).join(', ')}), FILENAME_PATTERN 'b${batch}_{i}')`);
  const written = await listParquet(out);
  const moved: string[] = [];
  for (const file of written) {
    const target = join(store.dir, 'data', source.table, ...relative(out, dirname(file)).split(/[\\/]/).map(safeHiveFolder), `${file.split(/[\\/]/).pop()}`);
    await mkdir(dirname(target), { recursive: true });
    await rename(file, target);
    moved.push(target);
  }
  const fresh: ManifestPart[] = [];
  if (moved.length > 0) {
    const reader = await connection.runAndReadAll(
      `SELECT filename, count(*)::BIGINT, list(DISTINCT _file ORDER BY _file) FROM read_parquet([${moved.map(literal).join(', ')}], filename = true) GROUP BY filename`);
    for (const [filename, rows, ids] of reader.getRowsJS() as [string, bigint, number[]][]) {
      fresh.push({ path: store.relative(filename), size: (await stat(filename)).size, rows: Number(rows), files: ids.map(Number) });
    }
  }
  return [...kept, ...fresh.sort((a, b) => (a.path < b.path ? -1 : 1))];
}

/**
 * DuckDB writes `name=value` folders with the value URL-encoded; characters it leaves as
 * they are but would read as glob patterns later (`*`, `?`, `[`) are encoded too, which its
 * hive reader decodes back.
 */
function safeHiveFolder(folder: string): string {
  return folder.replace(/[*?[\]{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The Parquet files under a folder, at any depth. */
export async function listParquet(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.parquet')).map((e) => join(e.parentPath, e.name));
}

/** One line of ingest progress: files, events, rate and time left. */
export function describeIngestProgress(p: IngestProgress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.events / seconds : 0;
  const left = p.filesDone > 0 ? (p.elapsedMs / p.filesDone) * (p.filesTotal - p.filesDone) : undefined;
  return `ingesting ${formatCount(p.filesDone)} / ${formatCount(p.filesTotal)} files · ${formatCount(p.events)} events` +
    ` · ${formatCount(Math.round(rate))} events/s${left !== undefined && p.filesDone < p.filesTotal ? ` · ${formatDuration(left)} left` : ''}`;
}
