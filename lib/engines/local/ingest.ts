/**
 * Brings the cache up to date with the source files: reads new and changed files (each
 * opened and validated), drops the rows of changed and removed ones, and commits a new
 * manifest. Runs under the cache's writer lock; readers keep using the previous manifest
 * until the new one is renamed into place.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { formatCount, formatDuration } from '../../display/format';
import type { CacheManifest, CacheStore, ManifestFile, ManifestPart } from './cache-store';
import { emptyManifest } from './cache-store';
import { mapLimited, type SourceFile } from './source-files';
import { MAX_ROW_BYTES, startFileReaders } from './file-to-lines';
import type { TableSource } from './table-source';

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

/** Files read at once: decompression runs on libuv's thread pool, so more than the cores keeps it busy. */
const READ_CONCURRENCY = Math.max(8, availableParallelism() * 4);
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
    for (const source of options.sources) {
      const mine = toRead.filter(({ file }) => source.claims(file.path));
      const rowsFile = join(work, `${source.table}.ndjson`);
      const result = await readIntoRows(source, mine, rowsFile, options, started);
      for (const [path, entry] of result.entries) files[path] = entry;
      events += result.events;
      skipped += result.skipped;
      parts[source.table] = await rewriteParts(source, {
        ...options, work, batch, rowsFile: result.events > 0 ? rowsFile : undefined, dropped,
        previous: manifest.parts[source.table] ?? [],
      });
    }
    const next: CacheManifest = { ...manifest, nextFileId, nextBatch: batch + 1, files, parts };
    await store.writeManifest(next);
    await store.collectGarbage(next);
    return { manifest: next, summary: summary(skipped, events) };
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
    await release();
  }
}

/** Reads the files into one JSON-lines file of typed rows, and says what each file gave. */
async function readIntoRows(
  source: TableSource,
  files: readonly { file: SourceFile; id: number }[],
  rowsFile: string,
  options: IngestOptions,
  started: number,
): Promise<{ entries: Map<string, ManifestFile>; events: number; skipped: number }> {
  const out = createWriteStream(rowsFile);
  const readers = startFileReaders();
  const entries = new Map<string, ManifestFile>();
  let events = 0;
  let skipped = 0;
  let done = 0;
  let lastReport = 0;
  try {
    await mapLimited(files, READ_CONCURRENCY, async ({ file, id }) => {
      if (options.signal?.aborted) throw options.signal.reason;
      const result = await readers.read({ table: source.table, path: file.path, id });
      const base = { size: file.size, mtimeMs: file.mtimeMs, id, table: source.table };
      if (!result.ok) {
        entries.set(file.path, { ...base, events: 0, ...(result.ignore ? { ignored: result.reason } : { skipped: result.reason }) });
        if (!result.ignore) skipped++;
      } else {
        entries.set(file.path, { ...base, events: result.events, ...(result.untyped > 0 ? { untyped: result.untyped } : {}) });
        events += result.events;
        if (result.lines) await write(out, result.lines);
      }
      done++;
      const now = performance.now();
      if (options.onProgress && (now - lastReport > PROGRESS_EVERY_MS || done === files.length)) {
        lastReport = now;
        options.onProgress({ filesDone: done, filesTotal: files.length, events, elapsedMs: now - started });
      }
    });
  } finally {
    await readers.close();
    await new Promise<void>((resolveEnd, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolveEnd())));
  }
  return { entries, events, skipped };
}

function write(out: WriteStream, text: string): Promise<void> {
  return out.write(text) ? Promise.resolve() : new Promise((r) => out.once('drain', () => r()));
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
  args: IngestOptions & { work: string; batch: number; rowsFile?: string; dropped: ReadonlySet<number>; previous: readonly ManifestPart[] },
): Promise<ManifestPart[]> {
  const { store, connection, work, batch, previous, dropped } = args;
  // Parts holding a dropped file are rewritten without its rows; a folder that has gathered
  // many small parts (one per incremental ingest) is rewritten as one.
  const perFolder = new Map<string, number>();
  for (const part of previous) perFolder.set(dirname(part.path), (perFolder.get(dirname(part.path)) ?? 0) + 1);
  const affected = previous.filter((part) => part.files.some((id) => dropped.has(id)) || perFolder.get(dirname(part.path))! > MAX_PARTS_PER_FOLDER);
  const kept = previous.filter((part) => !affected.includes(part));
  const columns = source.columns.map((c) => quote(c.name));
  const selects: string[] = [];
  if (args.rowsFile) {
    const types = [...source.columns.map((c) => `${quote(c.name)}: ${literal(c.type)}`), `"_file": 'UINTEGER'`].join(', ');
    selects.push(`SELECT ${columns.join(', ')}, _file FROM read_json(${literal(args.rowsFile)}, columns = {${types}}, ` +
      `format = 'newline_delimited', compression = 'uncompressed', maximum_object_size = ${MAX_ROW_BYTES})`);
  }
  if (affected.length > 0) {
    selects.push(`SELECT ${columns.join(', ')}, _file FROM ${parquetScan(source, affected.map((p) => store.resolve(p.path)))} ` +
      `WHERE _file NOT IN (${[...dropped].join(', ') || 'NULL'})`);
  }
  if (selects.length === 0) return kept;
  const out = join(work, 'out');
  await connection.run(
    `COPY (${selects.join(' UNION ALL ')} ORDER BY ${source.sortedBy.map(quote).join(', ')}) TO ${literal(out)} ` +
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

async function listParquet(dir: string): Promise<string[]> {
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
