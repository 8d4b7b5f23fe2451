/**
 * What the catalog and the ingest need to know about one table fed from log files. The
 * engine, the ingest and the catalog work on this interface only, so a new source (Security
 * Lake's OCSF tables) is a new module implementing it, listed in `TABLE_SOURCES`.
 *
 * Ingest splits the work in two: in a reader thread the source turns each decompressed file
 * into one line of JSON (`frame`, cheap checks only), and DuckDB reads batches of those lines
 * and types the records natively (`typedRows`).
 */

/** One column of a table. */
export interface TableColumn {
  /** Athena's (lower-case) name. */
  readonly name: string;
  /** The DuckDB type in the table and in the cache. */
  readonly type: string;
}

/** One source file, decompressed, handed to its table's source. */
export interface SourceText {
  readonly path: string;
  /** The file's id in the manifest; each of its rows carries it as `_file`. */
  readonly id: number;
  /** The decompressed bytes; the source may change them in place. */
  readonly bytes: Buffer;
}

/** A file as one line of JSON for DuckDB, or why it gives none. */
export type FramedFile =
  | {
      readonly ok: true;
      /** One JSON value without a line break (DuckDB reads the lines of a batch as newline-delimited JSON). */
      readonly line: Buffer;
      /** Records it seems to hold, for progress only (DuckDB's count is the one kept). */
      readonly records: number;
    }
  | { readonly ok: false; readonly reason: string; /** Not a log at all (a digest): counted, not an error. */ readonly ignore?: true };

/** A table the local engine builds from source files. */
export interface TableSource {
  /** Table name, also its folder in the cache, e.g. `cloudtrail`. */
  readonly table: string;
  /** The columns in Athena's order, partition columns included. */
  readonly columns: readonly TableColumn[];
  /** String columns the cache has a folder per value of; filters on them skip whole files. */
  readonly folderPartitions: readonly string[];
  /** The databases (schemas) the table is reachable in, given the one the user configured. */
  databases(configured: string): readonly string[];
  /** Whether a source file (by its path) belongs to this table. */
  claims(path: string): boolean;
  /**
   * Turns one decompressed file into one line of JSON. Quick by default: it only checks what
   * DuckDB must never see (nesting past the documented depth) and what decides the shape,
   * leaving parsing and typing to DuckDB. With `exact`, it parses the file in JS and writes
   * the line anew: for files of unusual shape, and for a file DuckDB refused (to name its
   * problem, or to set the values DuckDB could not type to NULL).
   * Runs in a reader thread; never throws.
   */
  frame(file: SourceText, exact: boolean): FramedFile;
  /** The `columns` of DuckDB's `read_json` over framed lines. */
  readonly lineColumns: string;
  /**
   * SQL turning framed lines (`lines`, a table expression with `lineColumns`) into one row
   * per record: every column of `columns`, plus `_file` (the file id), `_untyped` (the
   * file's count of values stored as NULL because they did not fit their type, the same on
   * each of its rows) and `_record` (whether the row looks like one of this table's records).
   */
  typedRows(lines: string): string;
  /** Why a file whose rows all have `_record` false is skipped. */
  readonly notRecordsReason: string;
}
