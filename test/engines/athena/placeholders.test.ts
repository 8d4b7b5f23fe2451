/** Athena's placeholder and size rules, refused before sending, on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_PARAMETER_LENGTH, MAX_QUERY_BYTES, PlaceholderError, checkAthenaRules, placeholderClauses,
} from '../../../lib/engines/athena/placeholders';
import { LocalEngine } from '../../../lib/engines/local/local-engine';
import { SqlBuildError } from '../../../lib/errors';
import { sql } from '../../../lib/sql';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile } from '../../support/cloudtrail-fixtures';

describe('placeholderClauses', () => {
  it.each([
    ['SELECT ? FROM t', ['SELECT']],
    ['SELECT a FROM t WHERE b = ? LIMIT ?', ['WHERE', 'LIMIT']],
    ['SELECT a FROM t WHERE b = ? OFFSET ? LIMIT 5', ['WHERE', 'OFFSET']],
    ['SELECT a, count(*) FROM t WHERE b IN (?, ?) GROUP BY a, ? HAVING count(*) > ? ORDER BY ?', ['WHERE', 'WHERE', 'GROUP BY', 'HAVING', 'ORDER BY']],
    ['SELECT a FROM t JOIN u ON t.k = u.k AND u.x = ? WHERE t.y = ?', ['JOIN … ON', 'WHERE']],
    ['INSERT INTO t VALUES (?, 1)', ['VALUES']],
    ['SELECT * FROM (VALUES (?)) v(x)', ['VALUES']],
    // A subquery's WHERE is a WHERE wherever the subquery sits; its SELECT list is not.
    ['SELECT (SELECT max(x) FROM u WHERE u.k = ?) AS m FROM t WHERE a IN (SELECT k FROM u WHERE v = ?)', ['WHERE', 'WHERE']],
    ['SELECT a FROM t WHERE a IN (SELECT ? FROM u)', ['SELECT']],
    ['WITH x AS (SELECT a FROM t WHERE b = ?) SELECT * FROM x WHERE c = ? UNION ALL SELECT ? FROM y', ['WHERE', 'WHERE', 'SELECT']],
    // Calls, windows, CASE and lambdas inside WHERE stay in WHERE, whatever words they hold.
    ["SELECT a FROM t WHERE extract(hour FROM ?) = 3 AND any_match(xs, x -> x = ?) AND CASE WHEN a = ? THEN true END", ['WHERE', 'WHERE', 'WHERE']],
    ['SELECT row_number() OVER (PARTITION BY a ORDER BY ?) FROM t', ['SELECT']],
    ['SELECT count(*) FILTER (WHERE a = ?), max(b) FILTER (WHERE c IN (?, ?)) + ? FROM t', ['WHERE', 'WHERE', 'WHERE', 'SELECT']],
    // Not placeholders: inside strings, quoted names and comments.
    [`SELECT '?' AS "?" FROM t -- ?\n/* ? */ WHERE a = ?`, ['WHERE']],
    ['SELECT x, n FROM t CROSS JOIN UNNEST(xs) WITH ORDINALITY AS u(x, n) WHERE n = ?', ['WHERE']],
    ['SELECT a FROM t WHERE a IS DISTINCT FROM ? AND b IS NOT DISTINCT FROM ?', ['WHERE', 'WHERE']],
    ['SELECT DISTINCT a FROM t WHERE b = ?', ['WHERE']],
    ['? SELECT', ['the start of the query']],
  ])('%s', (text, clauses) => {
    expect(placeholderClauses(text)).toEqual(clauses);
  });
});

describe('checkAthenaRules', () => {
  it('names the clause, the value and the fix', () => {
    let error: unknown;
    try {
      checkAthenaRules(sql`SELECT ${'triage'} AS stage FROM cloudtrail WHERE eventname = ${'ConsoleLogin'}`.compile());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlaceholderError);
    expect(error).toBeInstanceOf(SqlBuildError);
    expect(error).toMatchObject({ clause: 'SELECT', placeholder: 1 });
    expect((error as Error).message).toMatch(/"triage".*SELECT.*WHERE.*sql\.literal/s);
  });

  it('needs one value per placeholder, as Athena does', () => {
    expect(() => checkAthenaRules({ text: 'SELECT 1 FROM t WHERE a = ?', params: [] })).toThrow(/1 \? placeholder\(s\) and 0 value/);
    expect(() => checkAthenaRules({ text: "SELECT '?' FROM t WHERE a = 1", params: [] })).not.toThrow();
  });

  it('accepts the same query with the constant inlined by sql.literal', () => {
    expect(() => checkAthenaRules(sql`SELECT ${sql.literal('triage')} AS stage FROM cloudtrail WHERE eventname = ${'ConsoleLogin'} LIMIT ${sql.literal(10)}`.compile())).not.toThrow();
  });

  it("holds parameters to 1,024 characters as written and the text to 262,144 bytes", () => {
    const fits = 'a'.repeat(MAX_PARAMETER_LENGTH - 2);
    expect(() => checkAthenaRules(sql`SELECT 1 FROM t WHERE a = ${fits}`.compile())).not.toThrow();
    // The same length with one quote in it: doubled in the literal, 1,025 characters as sent.
    expect(() => checkAthenaRules(sql`SELECT 1 FROM t WHERE a = ${`'${fits.slice(1)}`}`.compile())).toThrow(/1,025 characters/);
    const long = `SELECT 1 FROM t WHERE a IN (${"'é', ".repeat(MAX_QUERY_BYTES / 6)}'x')`;
    expect(long.length).toBeLessThan(MAX_QUERY_BYTES);
    expect(() => checkAthenaRules({ text: long, params: [] })).toThrow(/bytes; Athena's limit is 262,144/);
  });
});

describe('the local engine keeps Athena rules', () => {
  const dir = tempDir();
  let engine: LocalEngine;
  beforeAll(async () => {
    writeFile(deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile([makeEvent(1, {})]));
    engine = await LocalEngine.open({ logs: dir.path });
  });
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  it('refuses ? in SELECT that DuckDB alone would run, and runs the WHERE form', async () => {
    await expect(engine.query(sql`SELECT ${'x'} AS tag, eventname FROM cloudtrail`)).rejects.toMatchObject({ name: 'PlaceholderError', clause: 'SELECT' });
    await expect(engine.query(sql`SELECT eventname FROM cloudtrail LIMIT ${1}`)).rejects.toMatchObject({ clause: 'LIMIT' });
    const ok = await engine.query(sql`SELECT ${sql.literal('x')} AS tag, count(*) AS n FROM cloudtrail WHERE eventid <> ${'none'}`);
    expect(ok.rows).toEqual([['x', 1n]]);
  });
});
