import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { formatBytes, formatCount, plural } from '../../display/format';
import { OptionError, QueryCancelledError, QueryError, ResultTooLargeError, SkippedFilesError, SourceError } from '../../errors';
import { checkOptionNames } from '../../options';
import { QueryResult } from '../../result/query-result';
import type { SkippedFile } from '../../result/types';
import { compileQuery, type QueryInput } from '../../sql';
import { checkAthenaRules } from '../athena/placeholders';
import type { Engine, QueryOptions } from '../engine';
import { CACHE_FORMAT, CacheStore, IRBOOK_VERSION, type CacheManifest } from './cache-store';
import { createCatalog, defineTables } from './catalog';
import { TABLE_SOURCES } from './table-sources';
import { derivedStamps, staleKinds, updateDerived } from './ocsf-derived';
import { cloudTrailFedKinds, defineOcsfFeeds, LAKE_REGIONS, LakeNames, OCSF_SOURCES, type LakeRegions, type OcsfSource } from './ocsf-tables';
import { describeIngestProgress, isStale, updateCache, type IngestProgress, type IngestSummary } from './ingest';
import { DEFAULT_MAX_ROWS } from './max-rows';
import type { ReadOptions } from './result-reader';
import { processBytesRead, readScanStats } from './scan-stats';
import { SourceFiles, type SourceListing } from './source-files';
import { rewriteTrinoSql } from './trino-dialect';
import { dataFilesWhole, readVerifiedState, stillVerified, writeVerifiedState, type VerifiedState } from './verified-state';

/** Options of the embedded engine. */
export interface LocalEngineOptions {
  /** Folder(s) or file(s) of CloudTrail logs: the S3 layout, organization trails or loose files. */
  readonly logs: string | readonly string[];
  /** The database the table is found in as `"<database>"."cloudtrail"`. Default `security_analysis`. */
  readonly database?: string;
  /** Fail when any log file cannot be read, instead of answering from the rest. Default false. */
  readonly strict?: boolean;
  /** DuckDB worker threads. Default: one per core. */
  readonly threads?: number;
  /** DuckDB memory limit, e.g. `'4GB'`. Default: DuckDB's (80% of RAM). */
  readonly memoryLimit?: string;
  /**
   * Where the ingest cache lives: a folder, or `false` for a temporary one removed when the
   * engine closes. Default: `$XDG_CACHE_HOME/irbook/<logs>-<hash of their real paths>`
   * (`~/.cache/irbook/…` without XDG_CACHE_HOME).
   */
  readonly cache?: string | false;
  /** Rows a result may have before the query fails (ResultTooLargeError); a query's own `maxRows` wins. Default 250,000. */
  readonly maxRows?: number;
  /**
   * Which feed fills the Security Lake (OCSF) tables: `'auto'` (default) takes, per source,
   * the lake's Parquet when the logs hold any of it (`<SOURCE>/2.0/…/*.parquet`), else
   * CloudTrail mapped to OCSF (Security Hub findings are then empty); `'lake'` or
   * `'cloudtrail'` always that one.
   */
  readonly ocsfSource?: OcsfSource;
  /**
   * What a region's lake table name reads (`amazon_security_lake_table_<region>_…`): `'all'`
   * (default) the whole local lake, as a lake that rolls regions up into one; `'own'` the rows
   * whose `region` column is that region.
   */
  readonly lakeRegions?: LakeRegions;
}

/** What the cache holds for the engine's logs now. */
export interface Inventory {
  /** Source files whose events are in the cache. */
  readonly files: number;
  readonly bytes: number;
  readonly events: number;
  /** Files that could not be read, with the reason. */
  readonly skipped: readonly SkippedFile[];
  /** Files that are not event logs (digests, other extensions). */
  readonly ignored: readonly SkippedFile[];
  /** Values stored as NULL because they did not fit their column's type, over all files. */
  readonly untypedValues: number;
  /** The cache folder. */
  readonly cache: string;
}

const OPTION_NAMES = ['logs', 'database', 'strict', 'threads', 'memoryLimit', 'cache', 'maxRows', 'ocsfSource', 'lakeRegions'] as const;
const PROFILE_FILE = 'profile.json';
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;

/**
 * The embedded engine: Athena SQL over CloudTrail log files on disk, run by DuckDB over an
 * ingest cache. Before each query the cache takes in new and changed log files (a delivery
 * that lands mid-incident is in the next cell's answer) and forgets removed ones.
 *
 * @example
 * const engine = await LocalEngine.open({ logs: 'sample/' });
 * const result = await engine.query(sql`SELECT count(*) AS n FROM cloudtrail WHERE errorcode = ${'AccessDenied'}`);
 * await engine.close();
 */
export class LocalEngine implements Engine {
  readonly name = 'local';
  readonly database: string;
  readonly strict: boolean;
  readonly maxRows: number;
  readonly ocsfSource: OcsfSource;
  readonly lakeRegions: LakeRegions;
  readonly #lakeNames: LakeNames;
  readonly #runtime: DuckDBRuntime;
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  readonly #sourceFiles: SourceFiles;
  readonly #store: CacheStore;
  readonly #profileDir: string;
  #manifest: CacheManifest | undefined;
  #manifestStamp = '';
  #listing: SourceListing | undefined;
  #inventoryMemo: { manifest: CacheManifest; listing: SourceListing; inventory: Inventory } | undefined;
  /** The manifest matched the listing at the last refresh. */
  #current = false;
  /** The saved proof that nothing changed, while it holds (the manifest and listing are then not read). */
  #verified: VerifiedState | undefined;
  /** The manifest and listing the proof was last saved for. */
  #savedFor: { stamp: string; listing: SourceListing } | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** Files written off the query's path (see #inBackground); close waits for them. */
  #background: Promise<void> = Promise.resolve();

  private constructor(runtime: DuckDBRuntime, instance: DuckDBInstance, connection: DuckDBConnection, sourceFiles: SourceFiles, store: CacheStore, options: LocalEngineOptions) {
    this.#runtime = runtime;
    this.#instance = instance;
    this.#connection = connection;
    this.#sourceFiles = sourceFiles;
    this.#store = store;
    this.#profileDir = mkdtempSync(join(tmpdir(), 'irbook-profile-'));
    this.database = options.database ?? 'security_analysis';
    this.strict = options.strict ?? false;
    this.maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    this.ocsfSource = options.ocsfSource ?? 'auto';
    this.lakeRegions = options.lakeRegions ?? 'all';
    this.#lakeNames = new LakeNames(connection, this.lakeRegions);
  }

  /** Opens the engine; fails with SourceError when a logs folder is missing or holds no logs. Reads no log yet. */
  static async open(options: LocalEngineOptions): Promise<LocalEngine> {
    checkOptionNames(options, OPTION_NAMES, 'LocalEngine.open');
    const roots = typeof options.logs === 'string' ? [options.logs] : options.logs;
    if (!Array.isArray(roots) || roots.length === 0 || roots.some((r) => typeof r !== 'string' || r === '')) {
      throw new OptionError('logs', options.logs, 'logs: give a folder (or a list of folders) of CloudTrail logs');
    }
    if (options.database !== undefined && !DATABASE_NAME.test(options.database)) {
      throw new OptionError('database', options.database, `database: ${JSON.stringify(options.database)} is not a valid database name`);
    }
    maxRowsOption(options.maxRows, 'LocalEngine.open');
    if (options.ocsfSource !== undefined && !OCSF_SOURCES.includes(options.ocsfSource)) {
      throw new OptionError('ocsfSource', options.ocsfSource, `ocsfSource: give one of ${OCSF_SOURCES.join(', ')}, not ${JSON.stringify(options.ocsfSource)}`);
    }
    if (options.lakeRegions !== undefined && !LAKE_REGIONS.includes(options.lakeRegions)) {
      throw new OptionError('lakeRegions', options.lakeRegions, `lakeRegions: give one of ${LAKE_REGIONS.join(', ')}, not ${JSON.stringify(options.lakeRegions)}`);
    }
    if (options.cache !== undefined && options.cache !== false && (typeof options.cache !== 'string' || options.cache === '')) {
      throw new OptionError('cache', options.cache, "cache: give a folder, or false for a temporary cache");
    }
    const sourceFiles = new SourceFiles(roots);
    const store = await CacheStore.open(options.cache, sourceFiles.roots);
    // DuckDB loads and starts (its own threads run the statements) while the logs are listed.
    const starting = startDuckDB(options);
    starting.catch(() => undefined);
    let verified: VerifiedState | undefined;
    let listing: SourceListing | undefined;
    try {
      // Nothing changed since a reader compared every file: no listing or manifest to read.
      verified = await readVerifiedState(store.dir, store.roots);
      if (verified && !(stillVerified(store.dir, verified) && await dataFilesWhole(store.dir, verified))) verified = undefined;
      if (!verified) listing = await listLogs(sourceFiles, store);
    } catch (error) {
      await starting.then(({ connection, instance }) => {
        connection.closeSync();
        instance.closeSync();
      }, () => undefined);
      throw error;
    }
    const { runtime, instance, connection } = await starting;
    const engine = new LocalEngine(runtime, instance, connection, sourceFiles, store, options);
    await connection.run(`SET enable_profiling = 'json'; SET profiling_output = '${join(engine.#profileDir, PROFILE_FILE).replace(/'/g, "''")}'`);
    engine.#listing = listing;
    engine.#verified = verified;
    await createCatalog(connection, TABLE_SOURCES, engine.database);
    await engine.#pointTables(verified?.parts ?? {});
    return engine;
  }

  /** The log folders this engine reads. */
  get roots(): readonly string[] {
    return this.#sourceFiles.roots;
  }

  /** The cache folder. */
  get cacheDir(): string {
    return this.#store.dir;
  }

  /**
   * Brings the cache up to date with the log files now (what every query does first) and
   * says what changed. `irbook ingest` calls this ahead of time.
   */
  ingest(options: Pick<QueryOptions, 'signal'> & { onProgress?: (progress: IngestProgress) => void; relist?: boolean } = {}): Promise<IngestSummary> {
    return this.#serial(async () => {
      // Every file stat'ed afresh: catches files edited in place in folders that did not change.
      if (options.relist) {
        this.#verified = undefined;
        this.#sourceFiles.forget();
      }
      return (await this.#refresh(options.signal, options.onProgress)).summary;
    });
  }

  /** What the cache holds for the logs now (after taking in new files). */
  async inventory(): Promise<Inventory> {
    return this.#serial(async () => {
      await this.#refresh();
      return this.#inventoryNow();
    });
  }

  #inventoryNow(): Inventory {
    if (this.#verified) return { ...this.#verified.inventory, cache: this.#store.dir };
    // Summing 25,000 manifest entries per query adds up: recomputed only when either changes.
    const memo = this.#inventoryMemo;
    if (memo && memo.manifest === this.#manifest && memo.listing === this.#listing) return memo.inventory;
    const inventory = this.#inventoryOf();
    this.#inventoryMemo = { manifest: this.#manifest!, listing: this.#listing!, inventory };
    return inventory;
  }

  #inventoryOf(): Inventory {
    // One pass over the manifest's files (43,000 at a month of a busy trail).
    let files = 0;
    let bytes = 0;
    let events = 0;
    let untypedValues = 0;
    const skipped: SkippedFile[] = [...this.#listing!.unreadable];
    const ignored: SkippedFile[] = [...this.#listing!.ignored];
    const entries = this.#manifest!.files;
    for (const file in entries) {
      const entry = entries[file]!;
      if (entry.skipped) skipped.push({ file, reason: entry.skipped });
      else if (entry.ignored) ignored.push({ file, reason: entry.ignored });
      else {
        files++;
        bytes += entry.size;
        events += entry.events;
        untypedValues += entry.untyped ?? 0;
      }
    }
    skipped.sort((a, b) => (a.file < b.file ? -1 : 1));
    return { files, bytes, events, skipped, ignored, untypedValues, cache: this.#store.dir };
  }

  /** How many log files and events, how large, under which folders: for the setup cell. */
  async describe(): Promise<string> {
    const inv = await this.inventory();
    const unreadable = inv.skipped.length > 0 ? `; ${formatCount(inv.skipped.length)} unreadable (see stats.filesSkipped)` : '';
    const untyped = inv.untypedValues > 0 ? `; ${plural(inv.untypedValues, 'value')} of the wrong type stored as NULL` : '';
    return `local: ${plural(inv.files, 'log file')} (${formatBytes(inv.bytes)}, ${plural(inv.events, 'event')}) under ${this.roots.join(', ')}; ` +
      `database ${this.database}${unreadable}${untyped}; cache ${inv.cache}`;
  }

  /** Runs one query; see Engine.query. Queries on one engine run one at a time. */
  query(query: QueryInput, options: QueryOptions = {}): Promise<QueryResult> {
    return this.#serial(() => this.#run(query, options));
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#closed) throw new OptionError('engine', 'closed', 'this LocalEngine is closed; open a new one');
      return work();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run(query: QueryInput, { signal, onProgress, maxRows, onRows }: QueryOptions): Promise<QueryResult> {
    const reading = { signal, onRows, maxRows: maxRowsOption(maxRows, 'query') ?? this.maxRows };
    const started = performance.now();
    const compiled = compileQuery(query);
    checkAthenaRules(compiled);
    await this.#refresh(signal, (p) => onProgress?.({ state: 'INGESTING', detail: describeIngestProgress(p) }));
    const inventory = this.#inventoryNow();
    const skipped = inventory.skipped;
    if (this.strict && skipped.length > 0) throw new SkippedFilesError(skipped);
    if (inventory.files === 0 && skipped.length > 0) {
      throw new SourceError(this.roots.join(', '), `none of the log files can be read: ${describeSkipped(skipped)}`);
    }
    const text = rewriteTrinoSql(compiled.text);
    if (await this.#lakeNames.ensure(text)) {
      await this.#deriveOcsf(signal, () => onProgress?.({ state: 'INGESTING', detail: 'mapping CloudTrail events to OCSF (once per change of the logs)' }));
    }
    onProgress?.({ state: 'RUNNING' });
    // DuckDB writes each statement's profile here as it ends; one answered from Parquet
    // metadata alone (a bare count(*)) writes none and reads no data file.
    const profile = join(this.#profileDir, PROFILE_FILE);
    rmSync(profile, { force: true });
    try {
      const readBefore = processBytesRead();
      const { columns, rows } = await this.#execute(text, compiled.params.map(this.#runtime.toDuckDBParam), reading, compiled.text);
      const readAfter = processBytesRead();
      const scan = readScanStats(readIfThere(profile), readBefore !== undefined && readAfter !== undefined ? readAfter - readBefore : undefined);
      return new QueryResult({
        columns,
        rows,
        sql: compiled.text,
        stats: {
          engine: this.name,
          elapsedMs: performance.now() - started,
          filesRead: scan.filesRead,
          bytesRead: scan.bytesRead,
          filesSkipped: skipped,
          filesIgnored: inventory.ignored.length,
        },
      });
    } catch (error) {
      if (error instanceof QueryCancelledError) throw error;
      if (error instanceof ResultTooLargeError) throw new ResultTooLargeError(error.limit, { sql: compiled.text, engine: this.name });
      throw new QueryError(`query failed: ${firstLine((error as Error).message)}`, { sql: compiled.text, engine: this.name, cause: error });
    }
  }

  /** Lists the logs, takes in what changed (under the cache's lock) and points the tables at the current data. */
  async #refresh(signal?: AbortSignal, onProgress?: (progress: IngestProgress) => void): Promise<{ summary: IngestSummary }> {
    const started = performance.now();
    const nothingChanged = () => ({ summary: { filesNew: 0, filesChanged: 0, filesRemoved: 0, filesSkipped: 0, events: 0, elapsedMs: performance.now() - started } });
    // Opened on the proof alone and something changed: the ingest reads the manifest (under
    // the writer's lock) and compares; reading it here first would only do that twice.
    let straightToIngest = false;
    if (this.#verified) {
      if (stillVerified(this.#store.dir, this.#verified)) return nothingChanged();
      this.#verified = undefined;
      straightToIngest = !this.#manifest;
      // The folder listings saved with the cache spare re-listing the unchanged folders.
      if (!this.#listing) this.#listing = await listLogs(this.#sourceFiles, this.#store);
    }
    const previousListing = this.#listing;
    const listing = await this.#sourceFiles.list();
    this.#listing = listing;
    const snapshot = this.#sourceFiles.changedSnapshot();
    // A hint for the next process (a stale one only costs it re-listing changed folders):
    // written on the next turn, while DuckDB runs the query, not before it.
    if (snapshot) this.#inBackground(() => this.#store.writeListing(snapshot));
    const stamp = await this.#store.manifestStamp();
    let manifestChanged = false;
    if (!straightToIngest && (stamp !== this.#manifestStamp || !this.#manifest)) {
      const read = await this.#store.readManifest();
      this.#manifest = read === undefined || 'damaged' in read ? undefined : read;
      this.#manifestStamp = stamp;
      manifestChanged = true;
      if (this.#manifest) await this.#pointTables(this.#manifest.parts);
    }
    const upToDate = !straightToIngest && this.#manifest && ((!manifestChanged && listing === previousListing && this.#current) || !isStale(listing.files, this.#manifest));
    this.#current = Boolean(upToDate);
    if (upToDate) {
      await this.#saveVerified();
      return nothingChanged();
    }
    try {
      const { manifest, summary } = await updateCache({
        store: this.#store,
        connection: this.#connection,
        sources: TABLE_SOURCES,
        files: listing.files,
        signal,
        onProgress,
      });
      this.#manifest = manifest;
      this.#current = true;
      this.#manifestStamp = await this.#store.manifestStamp();
      await this.#pointTables(manifest.parts);
      await this.#saveVerified();
      return { summary };
    } catch (error) {
      if (signal?.aborted) throw new QueryCancelledError('ingest cancelled', { sql: '', engine: this.name, state: 'CANCELLED', cause: error });
      throw error;
    }
  }

  /** Points the tables, and the OCSF feeds over them, at these data files. */
  async #pointTables(parts: Readonly<Record<string, readonly { readonly path: string; readonly rows: number }[]>>): Promise<void> {
    await defineTables(this.#connection, TABLE_SOURCES, { store: this.#store, parts });
    await defineOcsfFeeds(this.#connection, this.ocsfSource, { store: this.#store, parts });
  }

  /**
   * Brings the CloudTrail feed's mapped rows up to date with the `cloudtrail` table, when a
   * query names a lake table (ocsf-derived.ts: mapped on first use, not at every ingest).
   */
  async #deriveOcsf(signal: AbortSignal | undefined, onStart: () => void): Promise<void> {
    const parts = this.#verified?.parts ?? this.#manifest?.parts;
    if (!parts) return;
    const derivedFrom = this.#verified ? this.#verified.derivedFrom ?? {} : derivedStamps(this.#manifest!);
    if (staleKinds(cloudTrailFedKinds(this.ocsfSource, parts), parts, derivedFrom).length === 0) return;
    onStart();
    const manifest = await updateDerived({ store: this.#store, connection: this.#connection, kinds: cloudTrailFedKinds(this.ocsfSource, parts), signal });
    if (!manifest) return;
    this.#manifest = manifest;
    this.#manifestStamp = await this.#store.manifestStamp();
    await this.#pointTables(manifest.parts);
    // The proof saved before names the previous manifest; it is saved again for this one when the listing is at hand.
    if (this.#listing) await this.#saveVerified();
    else this.#verified = undefined;
  }

  /**
   * Saves the proof that the logs match the manifest (called when they do), for the next
   * process, and for this engine's next queries: they then only stat the folders.
   */
  async #saveVerified(): Promise<void> {
    const folders = this.#sourceFiles.folderStamps();
    const listing = this.#listing;
    const manifest = this.#manifest;
    // The inventory comes from the manifest and listing just compared, never from an older proof.
    this.#verified = undefined;
    if (!folders || !listing || !manifest) return;
    const { cache: _, ...inventory } = this.#inventoryNow();
    const state = {
      roots: this.#store.roots,
      manifestStamp: this.#manifestStamp,
      folders,
      parts: Object.fromEntries(Object.entries(manifest.parts).map(([table, parts]) => [table, parts.map(({ path, size, rows }) => ({ path, size, rows }))])),
      inventory,
      derivedFrom: derivedStamps(manifest),
    };
    if (this.#savedFor?.stamp !== this.#manifestStamp || this.#savedFor.listing !== listing) {
      this.#savedFor = { stamp: this.#manifestStamp, listing };
      // Best effort: a read-only cache folder only costs the next process the full comparison.
      await writeVerifiedState(this.#store.dir, state).catch(() => undefined);
    }
    this.#verified = { format: CACHE_FORMAT, irbook: IRBOOK_VERSION, ...state };
  }

  /** Runs `work` on a later turn of the event loop, after what is queued; its failure is only a lost hint. */
  #inBackground(work: () => Promise<void>): void {
    this.#background = this.#background
      .then(() => new Promise<void>((resolveTurn) => setImmediate(resolveTurn)))
      .then(work)
      .catch(() => undefined);
  }

  async #execute(text: string, params: readonly DuckDBValue[], reading: ReadOptions, sqlForErrors: string) {
    const { signal } = reading;
    const cancelled = () =>
      new QueryCancelledError('query cancelled', { sql: sqlForErrors, engine: this.name, state: 'CANCELLED' });
    if (signal?.aborted) throw cancelled();
    const interrupt = () => this.#connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      return await this.#runtime.readResult({ connection: this.#connection, sql: text, params }, reading);
    } catch (error) {
      if (signal?.aborted) throw cancelled();
      throw error;
    } finally {
      signal?.removeEventListener('abort', interrupt);
    }
  }

  /** Closes DuckDB (and removes a temporary cache). Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await this.#background;
    this.#connection.closeSync();
    this.#instance.closeSync();
    rmSync(this.#profileDir, { recursive: true, force: true });
    if (this.#store.temporary) await this.#store.remove();
  }
}

/** Lists the logs, starting from the folder listings saved with the cache (unchanged folders are not listed again). */
async function listLogs(sourceFiles: SourceFiles, store: CacheStore): Promise<SourceListing> {
  const saved = await store.readListing();
  if (saved) sourceFiles.seed(saved);
  return sourceFiles.list();
}

type DuckDBRuntime = typeof import('./duckdb-runtime.js');

/** Loads DuckDB (on first use: see duckdb-runtime.ts), starts an instance and sets up its connection. */
async function startDuckDB(options: LocalEngineOptions): Promise<{ runtime: DuckDBRuntime; instance: DuckDBInstance; connection: DuckDBConnection }> {
  const runtime = await import('./duckdb-runtime.js');
  const config: Record<string, string> = {};
  if (options.threads !== undefined) config.threads = String(options.threads);
  if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
  const instance = await runtime.DuckDBInstance.create(':memory:', config);
  const connection = await instance.connect();
  await connection.run([
    `SET TimeZone = 'UTC'`,
    // Stats say what a query read from the cache's files; DuckDB's own cache of file blocks
    // would hide that (the OS page cache still keeps repeated reads fast).
    `SET enable_external_file_cache = false`,
    // Each data file's footer (its schema and row-group statistics) is parsed once per engine,
    // not once per query: the cache's files are written once and never changed (DuckDB also
    // checks their modification time). A query then reads only the data pages it needs.
    `SET parquet_metadata_cache = true`,
  ].join(';\n'));
  await runtime.installTrinoFunctions(connection);
  return { runtime, instance, connection };
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A `maxRows` option: a whole number >= 1, or Infinity for no limit; undefined when not given. */
function maxRowsOption(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (value === Infinity || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1)) return value;
  throw new OptionError('maxRows', value, `${where}: maxRows must be a whole number >= 1 (or Infinity for no limit), got ${String(value)}`);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function describeSkipped(skipped: readonly SkippedFile[]): string {
  const shown = skipped.slice(0, 3).map((s) => `${s.file} (${s.reason})`);
  return shown.join('; ') + (skipped.length > 3 ? `; and ${skipped.length - 3} more` : '');
}
