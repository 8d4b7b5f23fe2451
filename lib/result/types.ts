/** The shape of a query's answer, shared by every engine. */

/**
 * What a column holds, independent of the engine's own type names.
 * `bigint` columns hold JS `bigint` so 64-bit counts and account-sized ids stay exact.
 */
export type ColumnKind =
  | 'string'
  | 'integer'
  | 'bigint'
  | 'double'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'array'
  | 'struct'
  | 'map'
  | 'json'
  | 'other';

/** One result column. Names are kept as the engine returned them, duplicates included. */
export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  /** The engine's own type text, e.g. `VARCHAR`, `STRUCT("arn" VARCHAR)[]`, `varchar`. */
  readonly engineType: string;
}

/**
 * A cell value. Timestamps and dates are `Date` (UTC), decimals are exact strings,
 * arrays are arrays, structs and maps are plain objects.
 */
export type Value =
  | string
  | number
  | bigint
  | boolean
  | Date
  | null
  | readonly Value[]
  | { readonly [key: string]: Value };

/** A log file the engine could not read, and why. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** What running the query cost and touched. Engines fill what they know. */
export interface QueryStats {
  readonly engine: string;
  readonly elapsedMs: number;
  /** Log files the query scanned (local engine). */
  readonly filesRead?: number;
  /** Bytes of those files on disk, compressed as stored (local engine). */
  readonly bytesRead?: number;
  /** Files that could not be read and were left out of the answer. Never dropped silently. */
  readonly filesSkipped: readonly SkippedFile[];
  /** Files that are not CloudTrail event logs by their name or place (digests, other extensions). */
  readonly filesIgnored?: number;
  /** Athena: bytes scanned, as billed. */
  readonly dataScannedBytes?: number;
  /** Athena: time in the engine and in the queue. */
  readonly engineMs?: number;
  readonly queueMs?: number;
  /** Athena: estimated cost in USD from data scanned. */
  readonly estimatedCostUsd?: number;
  /** Athena: why there is no per-query estimate (a capacity reservation bills by DPU-hour). */
  readonly costNote?: string;
  readonly queryExecutionId?: string;
  /** Athena: rows read from GetQueryResults pages or from the result CSV in S3. */
  readonly readFrom?: 'page' | 's3';
  /** Athena: the answer is a reused earlier result (result reuse was on and matched). */
  readonly reusedResult?: boolean;
}

/** The plain data of a result; `QueryResult` wraps it with conversions and display. */
export interface QueryResultData {
  readonly columns: readonly Column[];
  /** Row-major values in column order (arrays, because column names may repeat). */
  readonly rows: readonly (readonly Value[])[];
  readonly stats: QueryStats;
  /** The query text as sent to the engine, with `?` placeholders. */
  readonly sql: string;
}
