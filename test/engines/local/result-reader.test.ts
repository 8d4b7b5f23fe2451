import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toValue } from '../../../lib/engines/local/duckdb-values';
import { LocalEngine } from '../../../lib/engines/local/local-engine';
import { readResult, streamResult, type Statement } from '../../../lib/engines/local/result-reader';
import { OptionError, ResultTooLargeError } from '../../../lib/errors';
import type { Value } from '../../../lib/result/types';
import { generateSample } from '../../../lib/sample';
import { CLOUDTRAIL_FIELDS, duckdbReadType, duckdbTableType, type Field, type FieldType } from '../../../lib/sources/cloudtrail-schema';
import { tempDir } from '../../support/cloudtrail-fixtures';
import { readSample } from '../../support/sample-reader';

const dir = tempDir('irbook-result-reader-');
let instance: DuckDBInstance;
let connection: DuckDBConnection;
let records: Record<string, unknown>[];

const quote = (name: string) => `"${name}"`;

beforeAll(async () => {
  await generateSample({ out: join(dir.path, 'sample'), events: 2_000, seed: 6, lake: false });
  records = readSample(join(dir.path, 'sample')).flatMap((f) => f.records) as unknown as Record<string, unknown>[];
  const lines = join(dir.path, 'records.jsonl');
  writeFileSync(lines, records.map((r) => JSON.stringify(r)).join('\n'));
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  const columns = CLOUDTRAIL_FIELDS.map((f) => `${quote(f.key)}: '${duckdbReadType(f.type)}'`).join(', ');
  const projection = CLOUDTRAIL_FIELDS.map((f) => `CAST(${quote(f.key)} AS ${duckdbTableType(f.type)}) AS ${f.name}`).join(', ');
  await connection.run(
    `CREATE TABLE ct AS SELECT ${projection} FROM read_json('${lines}', columns = {${columns}}, format = 'newline_delimited')`,
  );
}, 60_000);

afterAll(() => {
  connection?.closeSync();
  instance?.closeSync();
  dir.cleanup();
});

const statement = (sql: string, params: Statement['params'] = []): Statement => ({ connection, sql, params });

/** A record's field as the table shows it, computed from the parsed JSON (JSON columns as parsed values). */
function expected(value: unknown, type: FieldType): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'string') return typeof value === 'string' ? value : JSON.stringify(value);
  if (type === 'json') return value;
  if ('struct' in type) {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(type.struct.map((m: Field) => [m.name, expected(object[m.key], m.type)]));
  }
  if ('array' in type) return (value as unknown[]).map((item) => expected(item, type.array));
  return value;
}

function comparable(row: readonly Value[]): unknown[] {
  return CLOUDTRAIL_FIELDS.map((f, i) => (f.type === 'json' && typeof row[i] === 'string' ? JSON.parse(row[i] as string) : row[i]));
}

describe('readResult', () => {
  it('gives every wide CloudTrail row as plain JS reads the same records', async () => {
    const { columns, rows } = await readResult(statement('SELECT * FROM ct ORDER BY eventid'));
    expect(columns.map((c) => c.name)).toEqual(CLOUDTRAIL_FIELDS.map((f) => f.name));
    const byId = [...records].sort((a, b) => ((a.eventID as string) < (b.eventID as string) ? -1 : 1));
    expect(rows).toHaveLength(records.length);
    rows.forEach((row, i) => {
      expect(comparable(row), String(byId[i]!.eventID)).toEqual(CLOUDTRAIL_FIELDS.map((f) => expected(byId[i]![f.key], f.type)));
    });
  });

  it.each([
    ['timestamps, 64-bit integers, decimals, doubles, JSON, maps, duplicate names', `
      SELECT TIMESTAMP '2024-03-01 12:00:00' AS t, 9007199254740993::BIGINT AS n, 12.50::DECIMAL(10,2) AS d,
             'NaN'::DOUBLE AS x, '{"a": [1, 2]}'::JSON AS j, MAP {'k': 'v', 'e': NULL} AS m, 1 AS n, NULL AS z,
             [{'arn': 'a', 'n': NULL}] AS l, {'s': NULL}::STRUCT(s VARCHAR) AS empty, NULL::STRUCT(s VARCHAR) AS none,
             DATE '2024-03-05' AS day, true AS b, 'café ☕ "quoted"' AS s`],
    ['a nested JSON value and a timestamp inside a struct', `SELECT {'j': '[1]'::JSON, 't': TIMESTAMP '2024-03-01 00:00:00'} AS s`],
    ['a trailing comment and semicolon', `SELECT useridentity, eventname FROM ct ORDER BY eventid LIMIT 5; -- done`],
    ['a parameter whose type is known only when run', `SELECT ? AS p, useridentity.arn FROM ct ORDER BY eventid LIMIT 3`],
    ['not a query', `PRAGMA version`],
  ])('returns what value-by-value conversion returns: %s', async (_what, sql) => {
    const params = sql.includes('?') ? ['x'] : [];
    const prepared = await connection.prepare(sql);
    if (params.length > 0) prepared.bind(params);
    const reference = (await prepared.runAndReadAll()).convertRows(toValue);
    const { rows } = await readResult(statement(sql, params));
    expect(rows).toEqual(reference);
  });

  it('keeps the order of a large sorted result read by several threads', async () => {
    const { rows } = await readResult(
      statement(`SELECT md5(i::VARCHAR) AS h, [i] AS l FROM range(100000) r(i) ORDER BY h DESC`),
      { maxRows: Infinity },
    );
    const hashes = rows.map((r) => r[0] as string);
    expect(hashes).toEqual([...hashes].sort().reverse());
  });

  it('fails past maxRows instead of returning a shortened result, and accepts exactly maxRows', async () => {
    const sql = 'SELECT * FROM ct';
    const error = await readResult(statement(sql), { maxRows: records.length - 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultTooLargeError);
    expect((error as ResultTooLargeError).limit).toBe(records.length - 1);
    expect((await readResult(statement(sql), { maxRows: records.length })).rows).toHaveLength(records.length);
  });

  it('streams: onRows gets every row in order and nothing is kept', async () => {
    const sql = 'SELECT eventid, useridentity FROM ct ORDER BY eventid';
    const seen: Value[][] = [];
    const result = await readResult(statement(sql), { maxRows: 1, onRows: (rows) => void seen.push(...rows) });
    expect(result.rows).toEqual([]);
    const { columns, chunks } = await streamResult(statement(sql));
    const streamed: Value[][] = [];
    for await (const chunk of chunks) streamed.push(...chunk);
    expect(columns.map((c) => c.name)).toEqual(['eventid', 'useridentity']);
    expect(seen.map((r) => r[0])).toEqual(records.map((r) => r.eventID).sort());
    expect(streamed).toEqual(seen);
  });
});

describe('the row limit on the local engine', () => {
  it('comes from the query, else the engine; a bad value names the option', async () => {
    const engine = await LocalEngine.open({ logs: join(dir.path, 'sample'), maxRows: 10 });
    try {
      const q = 'SELECT eventid FROM cloudtrail LIMIT 11';
      await expect(engine.query(q)).rejects.toBeInstanceOf(ResultTooLargeError);
      expect((await engine.query(q, { maxRows: 11 })).rowCount).toBe(11);
      expect((await engine.query('SELECT eventid FROM cloudtrail LIMIT 10')).rowCount).toBe(10);
      const bad = await engine.query(q, { maxRows: 0 }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(OptionError);
      expect((bad as OptionError).option).toBe('maxRows');
    } finally {
      await engine.close();
    }
    await expect(LocalEngine.open({ logs: join(dir.path, 'sample'), maxRows: 1.5 })).rejects.toBeInstanceOf(OptionError);
  });
});
