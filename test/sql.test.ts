import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../lib/engines/local/local-engine';
import { SqlBuildError } from '../lib/errors';
import { compileQuery, sql, sqlLiteral } from '../lib/sql';
import { tokenizeTrino } from '../lib/engines/local/trino/tokens';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile } from './support/cloudtrail-fixtures';

describe('the sql tag', () => {
  it('puts ? in the text and the values in params, in order, through nested fragments', () => {
    const window = sql`eventtime BETWEEN ${'2024-03-01'} AND ${'2024-03-31'}`;
    const q = sql`SELECT * FROM ${sql.id('security_analysis', 'cloudtrail')} WHERE useridentity.username = ${'bob'} AND ${window} LIMIT ${10}`;
    expect(q.compile()).toEqual({
      text: 'SELECT * FROM "security_analysis"."cloudtrail" WHERE useridentity.username = ? AND eventtime BETWEEN ? AND ? LIMIT ?',
      params: ['bob', '2024-03-01', '2024-03-31', 10],
    });
    expect(String(q)).not.toContain('bob');
  });

  it('joins lists as one parameter each', () => {
    const q = sql`errorcode IN (${sql.join(['AccessDenied', "x'y"])})`;
    expect(q.compile()).toEqual({ text: 'errorcode IN (?, ?)', params: ['AccessDenied', "x'y"] });
  });

  it('refuses values that would be mistakes', () => {
    expect(() => sql`x = ${undefined as never}`).toThrow(SqlBuildError);
    expect(() => sql`x IN (${['a'] as never})`).toThrow(/sql\.join/);
    expect(() => sql`x = ${Number.NaN}`).toThrow(SqlBuildError);
    expect(() => sql`x = ${new Date('nope')}`).toThrow(SqlBuildError);
    expect(() => sql`x = ${{ a: 1 } as never}`).toThrow(SqlBuildError);
    expect(() => sql.join([])).toThrow(SqlBuildError);
    expect(() => compileQuery('  ')).toThrow(SqlBuildError);
  });

  it('checks identifiers', () => {
    expect(sql.id('default', 'cloudtrail').compile().text).toBe('"default"."cloudtrail"');
    for (const bad of ['a"b', 'x; DROP TABLE y', '', 'a b', 'ü']) expect(() => sql.id(bad)).toThrow(SqlBuildError);
  });

  it('keeps raw text raw, and only when asked', () => {
    expect(sql`ORDER BY eventtime ${sql.raw('DESC')}`.compile()).toEqual({ text: 'ORDER BY eventtime DESC', params: [] });
  });
});

/** Hostile user names: each bound query must match exactly the events a literal comparison matches. */
const HOSTILE = [
  "x' OR '1'='1",
  "admin'--",
  'a; DROP TABLE cloudtrail; --',
  '"quoted" \\ back\\slash',
  '?',
  '$1',
  'ünïcödé-用户-👩‍💻',
  'line\nbreak\ttab',
  '%',
  '_',
  'a'.repeat(1_000),
  '',
];

/** What `sql.literal` must write so that DuckDB (and Trino) read back the very same string. */
const HOSTILE_LITERALS = [
  ...HOSTILE,
  "'", "''", "\\'", "\\", "' || chr(65) || '", "*/ SELECT 1 /*", '-- comment', '\u2028\u2029', '\u202e reversed',
  Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('') + '\x7f',
  'e\u0301 é 𝕏 \ud83d\ude00',
  "x'".repeat(50_000),
];

describe('the sql tag against hostile values on DuckDB', () => {
  const dir = tempDir();
  let engine: LocalEngine;
  const names = [...HOSTILE, 'bob', 'alice'];
  const events = names.flatMap((name, i) =>
    Array.from({ length: (i % 3) + 1 }, (_, k) => makeEvent(i * 10 + k, { userIdentity: { type: 'IAMUser', userName: name, arn: `arn:aws:iam::111122223333:user/u${i}` } })));

  beforeAll(async () => {
    writeFile(deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events));
    engine = await LocalEngine.open({ logs: dir.path });
  });
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  it.each(HOSTILE.map((v) => [v.length > 40 ? `${v.slice(0, 20)}…(${v.length})` : JSON.stringify(v), v]))(
    'matches exactly the literal matches for %s',
    async (_label, value) => {
      const result = await engine.query(sql`SELECT eventid FROM cloudtrail WHERE useridentity.username = ${value} ORDER BY eventid`);
      const expected = events.filter((e) => e.userIdentity.userName === value).map((e) => e.eventID).sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(result.column('eventid')).toEqual(expected);
      const like = await engine.query(sql`SELECT count(*) FROM cloudtrail WHERE useridentity.username LIKE ${value} ESCAPE '!'`);
      expect(Number(like.rows[0]![0])).toBe(events.filter((e) => likeMatches(String(e.userIdentity.userName), value)).length);
    },
  );
});

/** SQL LIKE with `!` as escape, in plain JS, to check the engine's answer independently. */
function likeMatches(text: string, pattern: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '!' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 'u').test(text);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('sql.literal', () => {
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

  it.each(HOSTILE_LITERALS.map((v) => [v.length > 40 ? `${JSON.stringify(v.slice(0, 20))}…(${v.length})` : JSON.stringify(v), v]))(
    'writes %s as one string literal that DuckDB reads back unchanged',
    async (_label, value) => {
      const { text, params } = sql`SELECT ${sql.literal(value)} AS v`.compile();
      expect(params).toEqual([]);
      const literal = tokenizeTrino(text).filter((t) => t.kind !== 'space');
      expect(literal.map((t) => t.kind)).toEqual(['word', 'string', 'word', 'word']);
      expect((await engine.query(text)).rows).toEqual([[value]]);
    },
  );

  it('writes numbers, booleans, NULL and timestamps that read back as the same value', async () => {
    const at = new Date(Date.UTC(2024, 2, 19, 5, 52, 7, 120));
    const q = sql`SELECT ${sql.literal(42)} AS i, ${sql.literal(-0.1)} AS d, ${sql.literal(true)} AS b, ${sql.literal(null)} AS n, ${sql.literal(at)} AS t, ${sql.literal(9007199254740993n)} AS big`;
    expect(q.compile().text).toBe("SELECT 42 AS i, -1E-1 AS d, true AS b, NULL AS n, TIMESTAMP '2024-03-19 05:52:07.120' AS t, 9007199254740993 AS big");
    const [row] = (await engine.query(q)).rows;
    expect(row!.slice(0, 4)).toEqual([42, -0.1, true, null]);
    expect((row![4] as Date).getTime()).toBe(at.getTime());
    expect(BigInt(row![5] as bigint)).toBe(9007199254740993n);
  });

  it('refuses what cannot be written as SQL text', () => {
    expect(() => sql.literal('a\0b')).toThrow(SqlBuildError);
    expect(() => sql.literal('\ud800 lone')).toThrow(/surrogate/);
    expect(() => sql.literal('lone \udc00')).toThrow(/surrogate/);
    expect(() => sql.literal(Number.POSITIVE_INFINITY)).toThrow(SqlBuildError);
    expect(() => sql.literal(undefined as never)).toThrow(SqlBuildError);
    expect(() => sql.literal(sql`x` as never)).toThrow(SqlBuildError);
    expect(sqlLiteral("it's")).toBe("'it''s'");
  });
});
