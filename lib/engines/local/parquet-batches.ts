/**
 * Types Parquet source files into staging Parquet files, batch by batch: DuckDB reads a
 * batch's files with their schemas united by name and the table source casts the rows to the
 * table's types. A batch DuckDB refuses (a file cut short, not Parquet at all, a column of a
 * type that does not cast) is split in halves until the file it refuses is alone, which is
 * then skipped with DuckDB's reason; DuckDB's error text is never used to pick a file.
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { BatchesResult } from './line-batches';
import { PARQUET_FILE_ID, type ParquetTableSource } from './table-source';

/** Files per batch: DuckDB reads them in parallel; a refused batch costs about this many footers again per split. */
const BATCH_FILES = 64;
/** Bytes per batch (Parquet, compressed): bounds the work a refusal repeats. */
const BATCH_BYTES = 256 * 1024 * 1024;
/** DuckDB reads these characters in a file name as a glob pattern. */
const GLOB_CHARACTERS = /[*?[\]{}]/;
/** The scan's column with each row's file path. */
const PATH_COLUMN = '__irbook_path';

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** One Parquet source file to read. */
export interface ParquetFile {
  readonly path: string;
  readonly id: number;
  readonly size: number;
}

/** Reads the files into staging files in `work`; files refused (alone) are in `refused` with the reason. */
export async function typeParquetFiles(
  source: ParquetTableSource,
  connection: DuckDBConnection,
  work: string,
  files: readonly ParquetFile[],
  signal?: AbortSignal,
): Promise<BatchesResult> {
  const stages: string[] = [];
  const refused = new Map<number, string>();
  let written = 0;

  const tryBatch = async (batch: readonly ParquetFile[]): Promise<string | undefined> => {
    const stage = join(work, `${source.table}-stage-${written++}.parquet`);
    const read = `read_parquet([${batch.map((f) => literal(f.path)).join(', ')}], union_by_name = true, filename = ${literal(PATH_COLUMN)}, hive_partitioning = false)`;
    try {
      const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${read}`);
      const present = new Set(described.getRowsJS().map((row) => String(row[0]).toLowerCase()));
      const ids = batch.map((f) => `(${literal(f.path)}, ${f.id})`).join(', ');
      const scan = `(SELECT s.*, ids.id AS ${PARQUET_FILE_ID} FROM ${read} s JOIN (VALUES ${ids}) ids(path, id) ON s.${PATH_COLUMN} = ids.path)`;
      await connection.run(`COPY (${source.typedRows(scan, present)}) TO ${literal(stage)} (FORMAT parquet, COMPRESSION lz4_raw)`);
      stages.push(stage);
      return undefined;
    } catch (error) {
      await rm(stage, { force: true });
      return (error as Error).message.split('\n')[0] ?? '';
    }
  };

  const type = async (batch: readonly ParquetFile[]): Promise<void> => {
    if (signal?.aborted) throw signal.reason;
    const refusal = await tryBatch(batch);
    if (refusal === undefined) return;
    if (batch.length === 1) {
      refused.set(batch[0]!.id, `DuckDB could not read it as Parquet of this table (${refusal})`);
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await type(batch.slice(0, half));
    await type(batch.slice(half));
  };

  let batch: ParquetFile[] = [];
  let bytes = 0;
  for (const file of files) {
    if (GLOB_CHARACTERS.test(file.path)) {
      refused.set(file.id, 'its path holds a character DuckDB reads as a pattern (* ? [ ] { }); rename it to read it');
      continue;
    }
    batch.push(file);
    bytes += file.size;
    if (batch.length >= BATCH_FILES || bytes >= BATCH_BYTES) {
      await type(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) await type(batch);
  return { stages, refused };
}
