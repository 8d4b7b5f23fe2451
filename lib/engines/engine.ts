import type { QueryResult } from '../result/query-result';
import type { QueryProgress } from '../display/progress';
import type { QueryInput } from '../sql';

/** Options every engine accepts for one query. */
export interface QueryOptions {
  /** Stops the query (a kernel interrupt, a timeout): the engine cancels it and throws QueryCancelledError. */
  readonly signal?: AbortSignal;
  /** Called when the query's state changes (queued, running, data scanned so far). */
  readonly onProgress?: (progress: QueryProgress) => void;
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
