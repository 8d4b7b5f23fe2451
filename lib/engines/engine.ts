import type { QueryResult } from '../result/query-result';
import type { Column, Value } from '../result/types';
import type { QueryProgress } from '../display/progress';
import type { QueryInput } from '../sql';

/** Options every engine accepts for one query. */
export interface QueryOptions {
  /** Stops the query (a kernel interrupt, a timeout): the engine cancels it and throws QueryCancelledError. */
  readonly signal?: AbortSignal;
  /** Called when the query's state changes (queued, running, data scanned so far). */
  readonly onProgress?: (progress: QueryProgress) => void;
  /**
   * Fail with ResultTooLargeError when the result has more rows than this, instead of
   * filling the kernel's memory (local engine; default: the engine's `maxRows`).
   */
  readonly maxRows?: number;
  /**
   * Hand the rows to this callback a chunk at a time instead of keeping them: the result then
   * has no rows and no row limit applies. For writing a large result to a file (see
   * `queryToFile`). The local engine streams; an engine that does not leaves it uncalled and
   * returns the rows.
   */
  readonly onRows?: (rows: readonly (readonly Value[])[], columns: readonly Column[]) => void | Promise<void>;
}

/**
 * Runs Athena-dialect SQL and returns typed results. The local DuckDB engine and the Athena
 * engine implement the same interface, so a playbook query is written once.
 */
export interface Engine {
  /** `local` or `athena`; shown in stats and errors. */
  readonly name: string;
  /** Runs one query. The `sql` tag's values are bound as parameters, never pasted. */
  query(query: QueryInput, options?: QueryOptions): Promise<QueryResult>;
  /** One line saying what the engine queries and as whom, for the notebook's setup cell. */
  describe(): Promise<string>;
  /** Releases the engine's resources. Safe to call twice. */
  close(): Promise<void>;
}
