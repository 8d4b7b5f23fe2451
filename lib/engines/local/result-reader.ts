/**
 * Reads a DuckDB query's result into irbook values, fast and with a row limit.
 *
 * Converting value by value through @duckdb/node-api costs a native call per string and an
 * object per struct value: about 10,000 wide CloudTrail rows a second. Instead, the query
 * runs inside a projection that has DuckDB write every column JSON carries exactly (text,
 * booleans, small integers, and structs, lists and maps of those) as one JSON array per
 * row, which `JSON.parse` turns into the row; the other columns (timestamps, 64-bit
 * integers, decimals, doubles, …) are read from their vectors through the type table in
 * duckdb-values.ts. Rows come out the same either way; a statement that cannot be wrapped
 * (not a query, a trailing comment, types known only at run time) is read column by column.
 *
 * Rows are read chunk by chunk from a streaming result, so a result past the limit stops
 * as soon as it passes it, and a caller that writes rows out (`onRows`) never holds them all.
 */

import { DuckDBTypeId, StatementType, type DuckDBConnection, type DuckDBDataChunk, type DuckDBPreparedStatement, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { ResultTooLargeError } from '../../errors';
import type { Column, Value } from '../../result/types';
import { columnKind, toValue } from './duckdb-values';
import { DEFAULT_MAX_ROWS } from './max-rows';

export { DEFAULT_MAX_ROWS };

/** A statement to run: its text and its bound parameters, on a connection. */
export interface Statement {
  readonly connection: DuckDBConnection;
  readonly sql: string;
  readonly params: readonly DuckDBValue[];
}

/** Options of {@link readResult} and {@link streamResult}. */
export interface ReadOptions {
  /** Fail with ResultTooLargeError past this many rows (readResult only). Default {@link DEFAULT_MAX_ROWS}. */
  readonly maxRows?: number;
  /** Stops reading between chunks; the caller interrupts the connection to stop DuckDB itself. */
  readonly signal?: AbortSignal;
  /**
   * readResult hands each chunk of rows here instead of keeping it (and applies no limit):
   * the returned `rows` is then empty.
   */
  readonly onRows?: (rows: Value[][], columns: Column[]) => void | Promise<void>;
}

/** A whole result. */
export interface ReadResult {
  readonly columns: Column[];
  readonly rows: Value[][];
}

/** A result read chunk by chunk: its columns, then its rows a chunk (about 2,048 rows) at a time. */
export interface ResultStream {
  readonly columns: Column[];
  readonly chunks: AsyncIterable<Value[][]>;
}


/**
 * Runs a statement and returns its columns and every row, failing once the row count passes
 * `maxRows` (never a silently shortened result); with `onRows`, streams them there instead.
 *
 * @throws ResultTooLargeError past `maxRows` rows; DuckDB's error when the statement fails.
 * @example
 * const { columns, rows } = await readResult({ connection, sql: 'SELECT * FROM t WHERE a = ?', params: [1] });
 */
export async function readResult(statement: Statement, options: ReadOptions = {}): Promise<ReadResult> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const { columns, chunks } = await streamResult(statement, options);
  const rows: Value[][] = [];
  const { onRows } = options;
  for await (const chunk of chunks) {
    if (onRows) {
      await onRows(chunk, columns);
      continue;
    }
    if (rows.length + chunk.length > maxRows) throw new ResultTooLargeError(maxRows, { sql: statement.sql, engine: 'local' });
    for (const row of chunk) rows.push(row);
  }
  return { columns, rows };
}

/**
 * Runs a statement and yields its rows chunk by chunk, holding one chunk at a time: for
 * writing a result of any size to a file. No row limit applies.
 *
 * @example
 * const { columns, chunks } = await streamResult(statement);
 * for await (const rows of chunks) write(rows);
 */
export async function streamResult(statement: Statement, options: ReadOptions = {}): Promise<ResultStream> {
  const prepared = await prepare(statement, statement.sql);
  const wrapping = await wrap(statement, prepared);
  const result = await (wrapping?.wrapped ?? prepared).stream();
  const types = wrapping?.types ?? result.columnTypes();
  const names = wrapping ? Array.from({ length: prepared.columnCount }, (_, i) => prepared.columnName(i)) : result.columnNames();
  const columns: Column[] = types.map((type, i) => ({ name: names[i]!, kind: columnKind(type), engineType: type.toString() }));
  const text = types.map((t) => t.typeId === DuckDBTypeId.VARCHAR);
  const decode = wrapping
    ? (chunk: DuckDBDataChunk) => decodeWrapped(chunk, wrapping.plan, types.length)
    : (chunk: DuckDBDataChunk) => decodePlain(chunk, text);
  // The next chunk is fetched (DuckDB works on its threads) while this one is decoded here.
  async function* chunks(): AsyncGenerator<Value[][]> {
    let next = result.fetchChunk();
    try {
      for (;;) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        const chunk = await next;
        if (!chunk || chunk.rowCount === 0) return;
        next = result.fetchChunk();
        yield decode(chunk);
      }
    } finally {
      // A reader that stops early (row limit, abort) leaves one fetch in flight: its outcome is not wanted.
      next.catch(() => undefined);
    }
  }
  return { columns, chunks: chunks() };
}

/**
 * The statement wrapped for JSON rows, or undefined when it is not a query, its column types
 * are known only when it runs, it has nothing JSON can carry, or DuckDB does not accept it
 * as a subquery.
 */
async function wrap(statement: Statement, prepared: DuckDBPreparedStatement) {
  if (prepared.statementType !== StatementType.SELECT || prepared.columnCount === 0) return undefined;
  const count = prepared.columnCount;
  for (let i = 0; i < count; i++) if (prepared.columnTypeId(i) === DuckDBTypeId.INVALID) return undefined;
  const types = Array.from({ length: count }, (_, i) => prepared.columnType(i));
  const plan = planColumns(types);
  if (plan.inJson.length === 0) return undefined;
  const wrapped = await prepare(statement, wrapperSql(statement.sql, count, plan)).catch(() => undefined);
  return wrapped && { wrapped, types, plan };
}

async function prepare(statement: Statement, sql: string): Promise<DuckDBPreparedStatement> {
  const prepared = await statement.connection.prepare(sql);
  if (statement.params.length > 0) prepared.bind([...statement.params]);
  return prepared;
}

/** Where each result column is read from: the row's JSON array, or its own vector. */
interface ColumnPlan {
  /** Result column indexes carried in the JSON array, in array order. */
  readonly inJson: number[];
  /** Those whose DuckDB type is JSON: cast to text, the string the vector path gives. */
  readonly asText: ReadonlySet<number>;
  /** Result column indexes read from their own vector (the wrapper's columns 1, 2, …). */
  readonly fromVector: number[];
  /** Whether each result column is text: its vector's strings are the values as they are. */
  readonly text: boolean[];
}

const JSON_EXACT_LEAVES: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
]);

/** Whether DuckDB's JSON of this type parses back to exactly the value toValue gives. */
function jsonExact(type: DuckDBType): boolean {
  switch (type.typeId) {
    case DuckDBTypeId.STRUCT:
      return type.entryTypes.every(jsonExact);
    case DuckDBTypeId.LIST:
      return jsonExact(type.valueType);
    case DuckDBTypeId.MAP:
      return type.keyType.typeId === DuckDBTypeId.VARCHAR && type.keyType.alias !== 'JSON' && jsonExact(type.valueType);
    default:
      // JSON-typed text would be embedded as JSON, not as the string toValue gives.
      return JSON_EXACT_LEAVES.has(type.typeId) && type.alias !== 'JSON';
  }
}

/**
 * Every column JSON carries exactly goes in the row's JSON array, top-level JSON text cast
 * to VARCHAR: reading one string per row is far cheaper than one native call per string.
 */
function planColumns(types: readonly DuckDBType[]): ColumnPlan {
  const plan: ColumnPlan = { inJson: [], asText: new Set(), fromVector: [], text: types.map((t) => t.typeId === DuckDBTypeId.VARCHAR) };
  types.forEach((type, i) => {
    if (type.typeId === DuckDBTypeId.VARCHAR && type.alias === 'JSON') (plan.asText as Set<number>).add(i);
    (plan.asText.has(i) || jsonExact(type) ? plan.inJson : plan.fromVector).push(i);
  });
  return plan;
}

/**
 * The statement as a subquery whose columns are renamed by position (names may repeat), with
 * the JSON-exact ones packed into one array. The subquery's order is kept: a projection does
 * not reorder rows. The line break ends a trailing `--` comment.
 */
function wrapperSql(sql: string, columnCount: number, plan: ColumnPlan): string {
  const names = Array.from({ length: columnCount }, (_, i) => `c${i}`);
  const packed = plan.inJson.map((i) => (plan.asText.has(i) ? `CAST(c${i} AS VARCHAR)` : `c${i}`));
  const select = [`CAST(json_array(${packed.join(', ')}) AS VARCHAR)`, ...plan.fromVector.map((i) => `c${i}`)];
  const body = sql.replace(/[\s;]+$/, '');
  return `SELECT ${select.join(', ')} FROM (\n${body}\n) AS irbook_result(${names.join(', ')})`;
}

/** One column of a chunk: strings as they are, other types through the type table. */
function vectorValues(chunk: DuckDBDataChunk, index: number, text: boolean): readonly Value[] {
  if (!text) return chunk.convertColumnValues(index, toValue) as Value[];
  const vector = chunk.getColumnVector(index);
  const values = new Array<Value>(chunk.rowCount);
  for (let r = 0; r < values.length; r++) values[r] = vector.getItem(r) as string | null;
  return values;
}

function decodeWrapped(chunk: DuckDBDataChunk, plan: ColumnPlan, columnCount: number): Value[][] {
  const count = chunk.rowCount;
  const packed = chunk.getColumnVector(0);
  const others = plan.fromVector.map((column, k) => vectorValues(chunk, k + 1, plan.text[column]!));
  const rows = new Array<Value[]>(count);
  for (let r = 0; r < count; r++) {
    const packedValues = JSON.parse(packed.getItem(r) as string) as Value[];
    if (plan.fromVector.length === 0) {
      rows[r] = packedValues;
      continue;
    }
    const row = new Array<Value>(columnCount);
    for (let k = 0; k < plan.inJson.length; k++) row[plan.inJson[k]!] = packedValues[k]!;
    for (let k = 0; k < plan.fromVector.length; k++) row[plan.fromVector[k]!] = others[k]![r]!;
    rows[r] = row;
  }
  return rows;
}

function decodePlain(chunk: DuckDBDataChunk, text: readonly boolean[]): Value[][] {
  const columns = text.map((isText, i) => vectorValues(chunk, i, isText));
  const rows = new Array<Value[]>(chunk.rowCount);
  for (let r = 0; r < rows.length; r++) rows[r] = columns.map((values) => values[r]!);
  return rows;
}
