import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { formatBytes, formatCount, plural } from '../../display/format';
import { OptionError, QueryCancelledError, QueryError, ResultTooLargeError, SkippedFilesError, SourceError } from '../../errors';
import { checkOptionNames } from '../../options';
import { QueryResult } from '../../result/query-result';
import type { SkippedFile } from '../../result/types';
import { compileQuery, type QueryInput } from '../../sql';
import { checkAthenaRules } from '../athena/placeholders';
import type { Engine, QueryOptions } from '../engine';
import { buildScan, spliceTable } from './cloudtrail-scan';
import { columnNeeds, fieldsToRead, partitionsToRead, type ColumnNeeds } from './column-needs';
import { toDuckDBParam } from './duckdb-values';
import { LogInventory, type Inventory, type LogFile } from './log-inventory';
import { DEFAULT_MAX_ROWS, readResult, type ReadOptions } from './result-reader';
import { tokenizeTrino, type TrinoToken as Token } from './trino/tokens';
import { rewriteTrinoSql } from './trino-dialect';
import { installTrinoFunctions } from './trino-functions';

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
  /** Rows a result may have before the query fails (ResultTooLargeError); a query's own `maxRows` wins. Default 250,000. */
  readonly maxRows?: number;
}

const OPTION_NAMES = ['logs', 'database', 'strict', 'threads', 'memoryLimit', 'maxRows'] as const;
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;
/** A failing file is left out and the query run again; past this many, something is wrong wholesale. */
const MAX_FILE_RETRIES = 100;

/**
 * The embedded engine: Athena SQL over CloudTrail log files on disk, run by DuckDB.
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
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  readonly #inventory: LogInventory;
  readonly #schemas: ReadonlySet<string>;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection, inventory: LogInventory, options: LocalEngineOptions) {
    this.#instance = instance;
    this.#connection = connection;
    this.#inventory = inventory;
    this.database = options.database ?? 'security_analysis';
    this.strict = options.strict ?? false;
    this.maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    this.#schemas = new Set([this.database.toLowerCase(), 'default', 'security_analysis', 'main']);
  }

  /** Opens the engine; fails with SourceError when a logs folder is missing or holds no logs. */
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
    const inventory = new LogInventory(roots);
    await inventory.scan();

    const config: Record<string, string> = {};
    if (options.threads !== undefined) config.threads = String(options.threads);
    if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
    const instance = await DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    await installTrinoFunctions(connection);
    return new LocalEngine(instance, connection, inventory, options);
  }

  /** The log folders this engine reads. */
  get roots(): readonly string[] {
    return this.#inventory.roots;
  }

  /** What is on disk now: readable files, and those skipped or ignored with the reason. */
  async inventory(): Promise<Inventory> {
    return this.#inventory.scan();
  }

  /** How many log files, how large, under which folders: for the setup cell. */
  async describe(): Promise<string> {
    const { files, skipped } = await this.inventory();
    const bytes = files.reduce((sum, f) => sum + f.size, 0);
    const unreadable = skipped.length > 0 ? `; ${formatCount(skipped.length)} unreadable (see stats.filesSkipped)` : '';
    return `local: ${plural(files.length, 'log file')} (${formatBytes(bytes)}) under ${this.roots.join(', ')}; ` +
      `database ${this.database}${unreadable}`;
  }

  /** Runs one query; see Engine.query. Queries on one engine run one at a time. */
  query(query: QueryInput, options: QueryOptions = {}): Promise<QueryResult> {
    const run = this.#queue.then(() => this.#run(query, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run(query: QueryInput, { signal, onProgress, maxRows, onRows }: QueryOptions): Promise<QueryResult> {
    if (this.#closed) throw new OptionError('engine', 'closed', 'this LocalEngine is closed; open a new one');
    const reading = { signal, onRows, maxRows: maxRowsOption(maxRows, 'query') ?? this.maxRows };
    const started = performance.now();
    const compiled = compileQuery(query);
    checkAthenaRules(compiled);
    const tokens = tokenizeTrino(rewriteTrinoSql(compiled.text));
    const userParams = compiled.params.map(toDuckDBParam);
    let needs: ColumnNeeds = columnNeeds(tokens);

    for (let attempt = 0; ; attempt++) {
      const inventory = await this.#inventory.scan();
      if (this.strict && inventory.skipped.length > 0) throw new SkippedFilesError(inventory.skipped);
      onProgress?.({ state: 'RUNNING', detail: `reading ${plural(inventory.files.length, 'log file')}` });
      const spliced = this.#splice(tokens, userParams, needs, inventory);
      try {
        const { columns, rows } = await this.#execute(spliced.text, spliced.params, reading, compiled.text);
        const read = spliced.references > 0 ? inventory.files : [];
        return new QueryResult({
          columns,
          rows,
          sql: compiled.text,
          stats: {
            engine: this.name,
            elapsedMs: performance.now() - started,
            filesRead: read.length,
            bytesRead: read.reduce((sum, f) => sum + f.size, 0),
            filesSkipped: inventory.skipped,
            filesIgnored: inventory.ignored.length,
          },
        });
      } catch (error) {
        if (error instanceof QueryCancelledError) throw error;
        if (error instanceof ResultTooLargeError) throw new ResultTooLargeError(error.limit, { sql: compiled.text, engine: this.name });
        const message = (error as Error).message;
        const bad = attempt < MAX_FILE_RETRIES ? fileNamedIn(message, inventory.files) : undefined;
        if (bad) {
          await this.#inventory.recheck(bad, firstLine(message));
          continue;
        }
        if (needs !== 'all' && /not found|does not have a member|Could not find key/i.test(message)) {
          needs = 'all';
          continue;
        }
        throw new QueryError(`query failed: ${firstLine(message)}`, { sql: compiled.text, engine: this.name, cause: error });
      }
    }
  }

  #splice(tokens: readonly Token[], params: readonly DuckDBValue[], needs: ColumnNeeds, inventory: Inventory) {
    const scan =
      inventory.files.length > 0
        ? buildScan(fieldsToRead(needs), partitionsToRead(needs), inventory.files)
        : undefined;
    const spliced = spliceTable(tokens, 'cloudtrail', this.#schemas, params, scan ?? { text: '', params: [] });
    if (spliced.references > 0 && !scan) {
      throw new SourceError(this.roots.join(', '), `none of the log files can be read: ${describeSkipped(inventory.skipped)}`);
    }
    return spliced;
  }

  async #execute(text: string, params: readonly DuckDBValue[], reading: ReadOptions, sqlForErrors: string) {
    const { signal } = reading;
    const cancelled = () =>
      new QueryCancelledError('query cancelled', { sql: sqlForErrors, engine: this.name, state: 'CANCELLED' });
    if (signal?.aborted) throw cancelled();
    const interrupt = () => this.#connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      return await readResult({ connection: this.#connection, sql: text, params }, reading);
    } catch (error) {
      if (signal?.aborted) throw cancelled();
      throw error;
    } finally {
      signal?.removeEventListener('abort', interrupt);
    }
  }

  /** Closes DuckDB. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    this.#connection.closeSync();
    this.#instance.closeSync();
  }
}

/** DuckDB names the file in its read errors ("Malformed JSON in file …", "not a GZIP stream: …"). */
function fileNamedIn(message: string, files: readonly LogFile[]): LogFile | undefined {
  return files.find((f) => message.includes(f.path));
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
