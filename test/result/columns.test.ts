import { describe, expect, it } from 'vitest';
import { OptionError } from '../../lib/errors';
import { columnIndex, uniqueColumnNames } from '../../lib/result/columns';
import { QueryResult } from '../../lib/result/query-result';
import { makeData } from './fixtures';

describe('uniqueColumnNames', () => {
  it('keeps unique names unchanged', () => {
    expect(uniqueColumnNames(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('suffixes repeats _2, _3 in order', () => {
    expect(uniqueColumnNames(['x', 'y', 'x', 'x'])).toEqual(['x', 'y', 'x_2', 'x_3']);
  });

  it('never takes a name a real column has, wherever that column is', () => {
    expect(uniqueColumnNames(['x', 'x', 'x_2'])).toEqual(['x', 'x_3', 'x_2']);
    expect(uniqueColumnNames(['x_2', 'x', 'x'])).toEqual(['x_2', 'x', 'x_3']);
    expect(uniqueColumnNames(['x', 'x', 'x_2', 'x_2', 'x_3'])).toEqual(['x', 'x_4', 'x_2', 'x_2_2', 'x_3']);
  });

  it('renames names the target cannot hold, without collisions', () => {
    expect(uniqueColumnNames(['__proto__', 'a', '__proto___2'], ['__proto__'])).toEqual([
      '__proto___3',
      'a',
      '__proto___2',
    ]);
  });

  it('gives every column a distinct name', () => {
    const names = ['a', 'a', 'a_2', 'a_2', 'a', 'a_3', '', ''];
    const unique = uniqueColumnNames(names);
    expect(new Set(unique).size).toBe(names.length);
    // Names that were unique among the originals keep their name.
    expect(unique[5]).toBe('a_3');
  });
});

describe('QueryResult.column', () => {
  const result = new QueryResult(
    makeData(
      [
        ['who', 'string'],
        ['who', 'string'],
        ['n', 'bigint'],
      ],
      [
        ['alice', 'bob', 1n],
        [null, '', 2n],
      ],
    ),
  );

  it('returns the first column with a name, and any column by index', () => {
    expect(result.column('who')).toEqual(['alice', null]);
    expect(result.column(1)).toEqual(['bob', '']);
    expect(result.column('n')).toEqual([1n, 2n]);
  });

  it('reaches a repeated column by its deduplicated name', () => {
    expect(result.column('who_2')).toEqual(['bob', '']);
  });

  it('returns a fresh array', () => {
    const a = result.column(0);
    a.push('x');
    expect(result.column(0)).toEqual(['alice', null]);
  });

  it('throws OptionError naming the unknown column and listing the names', () => {
    let error: unknown;
    try {
      result.column('eventname');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptionError);
    const optionError = error as OptionError;
    expect(optionError.option).toBe('column');
    expect(optionError.value).toBe('eventname');
    expect(optionError.message).toContain('eventname');
    expect(optionError.message).toContain('"who", "who", "n"');
  });

  it('throws OptionError for an index out of range or not an integer', () => {
    for (const bad of [3, -1, 1.5, Number.NaN]) {
      expect(() => result.column(bad)).toThrow(OptionError);
    }
  });

  it('columnIndex works on plain data', () => {
    expect(columnIndex(result, 'n')).toBe(2);
  });
});
