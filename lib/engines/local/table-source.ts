/**
 * What the catalog needs to know about one table fed from log files. The engine, the ingest
 * and the catalog work on this interface only, so a new source (Security Lake's OCSF tables)
 * is a new module implementing it, listed in `TABLE_SOURCES`.
 */
import type { TypedRow } from './record-typing';

/** The rows one source file gives, or why it gives none. */
export type SourceRows =
  | { readonly ok: true; readonly rows: readonly TypedRow[]; /** Values stored as NULL because they did not fit their type. */ readonly untyped: number }
  | { readonly ok: false; readonly reason: string; readonly ignore?: true };

/** One column of a table. */
export interface TableColumn {
  /** Athena's (lower-case) name. */
  readonly name: string;
  /** The DuckDB type in the table and in the cache. */
  readonly type: string;
}

/** A table the local engine builds from source files. */
export interface TableSource {
  /** Table name, also its folder in the cache, e.g. `cloudtrail`. */
  readonly table: string;
  /** The columns in Athena's order, partition columns included. */
  readonly columns: readonly TableColumn[];
  /** String columns the cache has a folder per value of; filters on them skip whole files. */
  readonly folderPartitions: readonly string[];
  /**
   * Columns each data file is sorted by, so filters on them skip row groups by their min/max
   * statistics.
   */
  readonly sortedBy: readonly string[];
  /** The databases (schemas) the table is reachable in, given the one the user configured. */
  databases(configured: string): readonly string[];
  /** Whether a source file (by its path) belongs to this table. */
  claims(path: string): boolean;
  /** Reads one source file (found at `path`) into typed rows. Never throws. */
  read(path: string): Promise<SourceRows>;
}
