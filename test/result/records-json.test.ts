import { describe, expect, it } from 'vitest';
import { compactJson, toJsonValue } from '../../lib/result/json';
import { QueryResult } from '../../lib/result/query-result';
import { makeData } from './fixtures';

const BIG = 9007199254740993n; // 2^53 + 1: the first integer a double cannot hold

describe('toRecords', () => {
  it('keys repeated names uniquely without colliding with a real x_2', () => {
    const result = new QueryResult(
      makeData(
        [
          ['x', 'string'],
          ['x', 'string'],
          ['x_2', 'string'],
        ],
        [['first', 'second', 'real x_2']],
      ),
    );
    expect(result.toRecords()).toEqual([{ x: 'first', x_3: 'second', x_2: 'real x_2' }]);
    expect(Object.keys(result.toRecords()[0] ?? {})).toEqual(['x', 'x_3', 'x_2']);
  });

  it('keeps values unconverted', () => {
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const result = new QueryResult(
      makeData(
        [
          ['n', 'bigint'],
          ['at', 'timestamp'],
          ['tags', 'array'],
        ],
        [[BIG, at, ['a', null]]],
      ),
    );
    const [record] = result.toRecords();
    expect(record?.n).toBe(BIG);
    expect(record?.at).toBe(at);
    expect(record?.tags).toEqual(['a', null]);
  });

  it('treats a column named __proto__ as an ordinary key', () => {
    const result = new QueryResult(makeData([['__proto__', 'string']], [['polluted?']]));
    const [record] = result.toRecords();
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe('polluted?');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('toJSON', () => {
  it('writes safe bigints as numbers and unsafe ones as exact strings', () => {
    expect(toJsonValue(42n)).toBe(42);
    expect(toJsonValue(-9007199254740991n)).toBe(-9007199254740991);
    expect(toJsonValue(BIG)).toBe('9007199254740993');
    expect(toJsonValue(-BIG)).toBe('-9007199254740993');
  });

  it('writes Dates as ISO 8601, and date columns as the day', () => {
    const at = new Date(Date.UTC(2024, 2, 1, 12, 30, 0, 250));
    expect(toJsonValue(at)).toBe('2024-03-01T12:30:00.250Z');
    expect(toJsonValue(new Date(Date.UTC(2024, 2, 1)), 'date')).toBe('2024-03-01');
    expect(toJsonValue(new Date(Number.NaN))).toBeNull();
  });

  it('writes NaN and infinities as null', () => {
    expect(toJsonValue(Number.NaN)).toBeNull();
    expect(toJsonValue(Infinity)).toBeNull();
    expect(toJsonValue(-Infinity)).toBeNull();
  });

  it('converts nested values recursively', () => {
    const value = { arn: 'a', ids: [1n, BIG], when: new Date(0), inner: { bad: Number.NaN } };
    expect(toJsonValue(value)).toEqual({
      arn: 'a',
      ids: [1, '9007199254740993'],
      when: '1970-01-01T00:00:00.000Z',
      inner: { bad: null },
    });
  });

  it('is what JSON.stringify(result) writes, with duplicate names deduplicated', () => {
    const result = new QueryResult(
      makeData(
        [
          ['who', 'string'],
          ['who', 'string'],
          ['n', 'bigint'],
          ['day', 'date'],
        ],
        [['alice', null, BIG, new Date(Date.UTC(2024, 0, 31))]],
      ),
    );
    const text = JSON.stringify(result);
    expect(JSON.parse(text)).toEqual([{ who: 'alice', who_2: null, n: '9007199254740993', day: '2024-01-31' }]);
    expect(result.toJSON()).toEqual(JSON.parse(text));
  });
});

describe('compactJson', () => {
  it('writes bigints as exact digits inside nested values', () => {
    expect(compactJson({ ids: [1n, BIG], at: null })).toBe('{"ids":[1,9007199254740993],"at":null}');
  });

  it('escapes strings and keys as JSON', () => {
    expect(compactJson({ 'a"b': 'line\nbreak' })).toBe('{"a\\"b":"line\\nbreak"}');
  });
});
