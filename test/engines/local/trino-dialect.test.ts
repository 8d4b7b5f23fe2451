import { describe, expect, test } from 'vitest';
import { rewriteTrinoSql } from '../../../lib/engines/local/trino-dialect';
import { tokenizeTrino } from '../../../lib/engines/local/trino/tokens';

describe('rewriteTrinoSql: renames', () => {
  test.each([
    [
      `SELECT json_extract_scalar(requestparameters, '$.bucketName') FROM cloudtrail_logs`,
      `SELECT json_extract_scalar(requestparameters, '$.bucketName') FROM cloudtrail_logs`,
    ],
    [`SELECT json_extract(x, '$.a')`, `SELECT trino_json_extract(x, '$.a')`],
    [`WHERE from_iso8601_timestamp(eventtime) > ?`, `WHERE from_iso8601_timestamp(eventtime) > ?`],
    // Layout (case, spaces, comments between the name and its arguments) is kept.
    [`SELECT  Date_Add( 'day' , -7 , now() )`, `SELECT  trino_date_add( 'day' , -7 , now() )`],
    [`date_diff /* unit */ ('day', a, b)`, `trino_date_diff /* unit */ ('day', a, b)`],
    [`element_at(resources, -1).arn`, `trino_element_at(resources, -1).arn`],
    [`cardinality(resources) > 1`, `trino_cardinality(resources) > 1`],
    [`transform(resources, r -> r.arn)`, `list_transform(resources, r -> r.arn)`],
    [`regexp_like(useragent, '(?i)boto3')`, `regexp_like(useragent, '(?i)boto3')`],
    [`split_part(arn, '/', 2)`, `trino_split_part(arn, '/', 2)`],
    [`if(errorcode IS NULL, 'ok')`, `trino_if(errorcode IS NULL, 'ok')`],
    [`day_of_week(d) = 7 AND dow(d) = 7`, `day_of_week(d) = 7 AND dow(d) = 7`],
    [`bool_and(x) AND every(y)`, `bool_and(x) AND bool_and(y)`],
  ])('%s', (input, expected) => {
    expect(rewriteTrinoSql(input)).toBe(expected);
  });

  test('nested calls are rewritten inside out', () => {
    expect(rewriteTrinoSql(`element_at(split(json_extract_scalar(x, '$.arn'), '/'), -1)`)).toBe(
      `trino_element_at(split(json_extract_scalar(x, '$.arn'), '/'), -1)`,
    );
  });

  test('functions that need no help, and member-style calls, are left alone', () => {
    const sql = `SELECT lower(x), filter(a, v -> v > 1), count(*) FILTER (WHERE y), t.transform(z), split(arn, ':')`;
    expect(rewriteTrinoSql(sql)).toBe(sql);
  });

  test('names that are properties of every JS object are not mistaken for rules', () => {
    const sql = `SELECT constructor(a), toString(b), __proto__(c), hasOwnProperty(d), EXTRACT(constructor FROM e)`;
    expect(rewriteTrinoSql(sql)).toBe(sql);
  });
});

describe('rewriteTrinoSql: lambdas', () => {
  test('any_match over a transform, in a larger expression', () => {
    expect(
      rewriteTrinoSql(`WHERE eventname = ? AND any_match(transform(resources, r -> r.arn), a -> a LIKE '%secret%') OR x`),
    ).toBe(`WHERE eventname = ? AND trino_any_match(list_transform(list_transform(resources, r -> r.arn), a -> a LIKE '%secret%')) OR x`);
  });

  test('all_match and none_match, nested in each other', () => {
    expect(rewriteTrinoSql(`all_match(a, x -> none_match(x.tags, t -> t = 'prod'))`)).toBe(
      `trino_all_match(list_transform(a, x -> trino_none_match(list_transform(x.tags, t -> t = 'prod'))))`,
    );
  });

  test('reduce applies the output lambda to the reduced state', () => {
    expect(rewriteTrinoSql(`reduce(ARRAY[5, 20, 50], 0, (s, x) -> s + x, s -> s * 2)`)).toBe(
      `list_transform([list_reduce(ARRAY[5, 20, 50], (s, x) -> s + x, 0)], s -> s * 2)[1]`,
    );
  });
});

describe('rewriteTrinoSql: structural rewrites', () => {
  test.each([
    [`approx_distinct(useridentity.arn)`, `count(DISTINCT useridentity.arn)`],
    [`approx_distinct(sourceipaddress, 0.01) OVER ()`, `count(DISTINCT sourceipaddress) OVER ()`],
    [`concat(a, '-', concat(b, c))`, `(a || '-' || (b || c))`],
    [`date_format(ts, '%Y-%m-%d %H:%i')`, `strftime(ts, trino_mysql_format('%Y-%m-%d %H:%i', false))`],
    [`date_parse(s, ?)`, `strptime(s, trino_mysql_format(?, true))`],
    [`EXTRACT(DOW FROM ts)`, `EXTRACT(ISODOW FROM ts)`],
    [`extract(year_of_week from d)`, `extract(ISOYEAR from d)`],
    [`EXTRACT(HOUR FROM ts)`, `EXTRACT(HOUR FROM ts)`],
    [`TIMESTAMP '2024-03-12 10:00:00 America/New_York'`, `TIMESTAMPTZ '2024-03-12 10:00:00 America/New_York'`],
    [`TIMESTAMP '2024-03-12 10:00:00+02:00'`, `TIMESTAMPTZ '2024-03-12 10:00:00+02:00'`],
    [`TIMESTAMP '2024-03-12 10:00:00 UTC'`, `TIMESTAMPTZ '2024-03-12 10:00:00 UTC'`],
    [`TIMESTAMP '2024-03-12 10:00:00'`, `TIMESTAMP '2024-03-12 10:00:00'`],
    [`DATE '2024-03-12'`, `DATE '2024-03-12'`],
  ])('%s', (input, expected) => {
    expect(rewriteTrinoSql(input)).toBe(expected);
  });
});

describe('rewriteTrinoSql: casts and types', () => {
  test.each([
    [`CAST(json_extract(x, '$.a') AS ARRAY(VARCHAR))`, `CAST(trino_json_extract(x, '$.a') AS VARCHAR[])`],
    [`CAST(x AS MAP(VARCHAR, ARRAY(BIGINT)))`, `CAST(x AS MAP(VARCHAR, BIGINT[]))`],
    [`CAST(x AS ROW(a VARCHAR, "b c" ARRAY(INTEGER)))`, `CAST(x AS STRUCT(a VARCHAR, "b c" INTEGER[]))`],
    [`TRY_CAST(x AS TIMESTAMP(3) WITH TIME ZONE)`, `TRY_CAST(x AS TIMESTAMP WITH TIME ZONE)`],
    [`CAST(x AS varbinary)`, `CAST(x AS BLOB)`],
    [`CAST(x AS VARCHAR)`, `CAST(x AS VARCHAR)`],
    [`CAST(x AS DECIMAL(10, 2))`, `CAST(x AS DECIMAL(10, 2))`],
    [`CAST(x AS timestamp with time zone)`, `CAST(x AS timestamp with time zone)`],
    [`CAST(json_extract(x, '$.name') AS VARCHAR)`, `trino_json_to_varchar(trino_json_extract(x, '$.name'))`],
    [`TRY_CAST(json_parse(x) AS varchar)`, `try(trino_json_to_varchar(json_parse(x)))`],
    [`CAST(CAST(x AS VARCHAR) AS BIGINT)`, `CAST(CAST(x AS VARCHAR) AS BIGINT)`],
  ])('%s', (input, expected) => {
    expect(rewriteTrinoSql(input)).toBe(expected);
  });
});

describe('rewriteTrinoSql: IP addresses', () => {
  test.each([
    [`CAST(sourceipaddress AS IPADDRESS)`, `trino_ipaddress(sourceipaddress)`],
    [`try_cast( sourceipaddress as ipaddress )`, `trino_try_ipaddress(sourceipaddress)`],
    [`IPADDRESS '10.0.0.1'`, `trino_ipaddress('10.0.0.1')`],
    [
      `ip BETWEEN IPADDRESS '10.0.0.0' AND IPADDRESS '10.255.255.255'`,
      `ip BETWEEN trino_ipaddress('10.0.0.0') AND trino_ipaddress('10.255.255.255')`,
    ],
    [`contains('10.0.0.0/8', CAST(ip AS IPADDRESS))`, `trino_ip_contains('10.0.0.0/8', trino_ipaddress(ip))`],
    [`contains('10.0.0.0/8', ip)`, `trino_ip_contains('10.0.0.0/8', ip)`],
    [`contains(?, TRY_CAST(ip AS IPADDRESS))`, `trino_ip_contains(?, trino_try_ipaddress(ip))`],
    [`contains(n.cidr, (IPADDRESS '1.2.3.4'))`, `trino_ip_contains(n.cidr, (trino_ipaddress('1.2.3.4')))`],
    [`CAST(CAST(ip AS IPADDRESS) AS VARCHAR)`, `trino_ipaddress_to_varchar(trino_ipaddress(ip))`],
    // contains over arrays stays DuckDB's list contains.
    [`contains(ARRAY['a', 'b'], x)`, `contains(ARRAY['a', 'b'], x)`],
    [`contains(resources, ?)`, `contains(resources, ?)`],
  ])('%s', (input, expected) => {
    expect(rewriteTrinoSql(input)).toBe(expected);
  });

  test('the RFC 1918 filter', () => {
    const sql = `SELECT sourceipaddress FROM cloudtrail_logs
WHERE NOT (contains('10.0.0.0/8', CAST(sourceipaddress AS IPADDRESS))
  OR contains('172.16.0.0/12', CAST(sourceipaddress AS IPADDRESS))
  OR contains('192.168.0.0/16', CAST(sourceipaddress AS IPADDRESS)))`;
    expect(rewriteTrinoSql(sql)).toBe(`SELECT sourceipaddress FROM cloudtrail_logs
WHERE NOT (trino_ip_contains('10.0.0.0/8', trino_ipaddress(sourceipaddress))
  OR trino_ip_contains('172.16.0.0/12', trino_ipaddress(sourceipaddress))
  OR trino_ip_contains('192.168.0.0/16', trino_ipaddress(sourceipaddress)))`);
  });
});

describe('rewriteTrinoSql: what it must not touch', () => {
  test('string literals, including escaped quotes', () => {
    const sql = `SELECT 'CAST(x AS IPADDRESS) transform(a, v -> v) it''s json_extract(y) ?' AS s`;
    expect(rewriteTrinoSql(sql)).toBe(sql);
  });

  test('quoted identifiers, including escaped quotes', () => {
    const sql = `SELECT "transform"(x), "json_extract", "a ""cardinality(b)"" c" FROM "date_add"`;
    expect(rewriteTrinoSql(sql)).toBe(sql);
  });

  test('comments', () => {
    const sql = `SELECT 1 -- transform(x) CAST(x AS IPADDRESS)\n/* element_at(a, 1) IPADDRESS '1.2.3.4' */ FROM t`;
    expect(rewriteTrinoSql(sql)).toBe(sql);
  });

  test('? placeholders keep their place and count', () => {
    const out = rewriteTrinoSql(`WHERE eventtime > ? AND contains(?, CAST(ip AS IPADDRESS)) AND date_add('day', ?, x) < ?`);
    expect(out).toBe(`WHERE eventtime > ? AND trino_ip_contains(?, trino_ipaddress(ip)) AND trino_date_add('day', ?, x) < ?`);
    expect(tokenizeTrino(out).filter((t) => t.kind === 'param')).toHaveLength(4);
  });

  test('unbalanced text comes back unchanged, for DuckDB to report', () => {
    for (const sql of [`SELECT transform(`, `SELECT CAST(x AS IPADDRESS`, `SELECT 'open`, `SELECT "open`, `/* open`]) {
      expect(rewriteTrinoSql(sql)).toBe(sql);
    }
  });

  test('rewriting twice changes nothing more', () => {
    const sql = `SELECT approx_distinct(a), concat(b, c), reduce(d, 0, (s, x) -> s + x, s -> s),
      any_match(e, v -> v > 1), CAST(f AS ARRAY(ROW(g VARCHAR))), contains('10.0.0.0/8', IPADDRESS '10.0.0.1'),
      date_format(h, '%Y'), EXTRACT(DOW FROM i), TIMESTAMP '2024-01-01 00:00:00 UTC', CAST(json_extract(j, '$') AS VARCHAR)`;
    const once = rewriteTrinoSql(sql);
    expect(rewriteTrinoSql(once)).toBe(once);
  });
});

describe('tokenizeTrino', () => {
  test('joining the tokens gives back the text', () => {
    const sql = `SELECT "a""b", 'c''d', 1.5e3, x->y, a<=b, c||d, e::int -- note\n/* block */ ?`;
    expect(tokenizeTrino(sql).map((t) => t.text).join('')).toBe(sql);
  });

  test('kinds', () => {
    expect(tokenizeTrino(`a = 'x' -- c\n"q" ? 1.5 ->`).map((t) => t.kind).filter((k) => k !== 'space')).toEqual([
      'word',
      'punct',
      'string',
      'comment',
      'quoted',
      'param',
      'number',
      'punct',
    ]);
  });
});
