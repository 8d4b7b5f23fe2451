/**
 * What the catalog and the ingest need to know about one table fed from source files. The
 * engine, the ingest and the catalog work on this interface only, so a new source is a new
 * module implementing it, listed in `TABLE_SOURCES`.
 *
 * Two formats of source file:
 * - `json` (CloudTrail logs): in a reader thread the source turns each decompressed file into
 *   one line of JSON (`frame`, cheap checks only), and DuckDB reads batches of those lines and
 *   types the records natively (`typedRows`);
 * - `parquet` (Security Lake data files): DuckDB reads batches of files as they are, their
 *   schemas united by name, and the source casts them to the table's types (`typedRows`).
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

/** What every source has, whatever its files' format. */
interface TableSourceBase {
  /** Table name, also its folder in the cache, e.g. `cloudtrail`. */
  readonly table: string;
  /** The columns in Athena's order, partition columns included. */
  readonly columns: readonly TableColumn[];
  /**
   * String columns the cache has a folder per value of; filters on them skip whole files. A
   * name not among `columns` is the cache's own (only its folders hold it; no view shows it).
   */
  readonly folderPartitions: readonly string[];
  /** The databases (schemas) the table is reachable in, given the one the user configured. */
  databases(configured: string): readonly string[];
  /** No query names the table; only other views read it (its view is in the catalog's feeds schema). */
  readonly internal?: true;
  /** Whether a source file (by its path) belongs to this table; each file belongs to exactly one. */
  claims(path: string): boolean;
}

/** A table the local engine builds from source files. */
export type TableSource = JsonTableSource | ParquetTableSource;

/** A table fed from JSON files, one line of JSON per file. */
export interface JsonTableSource extends TableSourceBase {
  readonly format: 'json';
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

/**
 * A table fed from Parquet files DuckDB reads as they are. The ingest reads a batch of files
 * with `read_parquet([...], union_by_name = true)` and hands it to `typedRows`; a batch DuckDB
 * refuses is split until the file it refuses is alone, and that file is skipped with DuckDB's
 * reason.
 */
export interface ParquetTableSource extends TableSourceBase {
  readonly format: 'parquet';
  /**
   * SQL turning the rows of `scan` (the batch's files united by name) into the table's rows:
   * every column of `columns` and every `folderPartitions` column, in the table's types. A
   * column of the table missing from every file of the batch (not in `present`, the scan's
   * column names in lower case) is NULL; columns the table does not have are dropped.
   * The scan's {@link PARQUET_FILE_ID} column (the file's id in the manifest) is kept as `_file`.
   */
  typedRows(scan: string, present: ReadonlySet<string>): string;
}

/** The column of a Parquet batch's scan holding each row's source file id (a name no lake file uses). */
export const PARQUET_FILE_ID = '__irbook_file';
