import { describe, expect, it } from 'vitest';
import { QueryResult } from '../../lib/result/query-result';
import { makeData } from './fixtures';

describe('toArquero', () => {
  it('builds a table with deduplicated names, in column order, values as they are', async () => {
    const at = new Date(Date.UTC(2024, 0, 1));
    const result = new QueryResult(
      makeData(
        [
          ['x', 'string'],
          ['n', 'bigint'],
          ['x', 'string'],
          ['x_2', 'timestamp'],
        ],
        [
          ['a', 1n, 'b', at],
          [null, 9007199254740993n, '', null],
          ['c', 3n, 'd', at],
        ],
      ),
    );
    const table = await result.toArquero();
    expect(table.columnNames()).toEqual(['x', 'n', 'x_3', 'x_2']);
    expect(table.numRows()).toBe(3);
    expect(table.array('x')).toEqual(['a', null, 'c']);
    expect(table.array('x_3')).toEqual(['b', '', 'd']);
    expect(table.array('n')).toEqual([1n, 9007199254740993n, 3n]);
    expect(table.get('x_2', 0)).toBe(at);
  });

  it('handles an empty result and awkward names', async () => {
    const result = new QueryResult(
      makeData(
        [
          ['__proto__', 'string'],
          ['constructor', 'integer'],
        ],
        [],
      ),
    );
    const table = await result.toArquero();
    expect(table.columnNames()).toEqual(['__proto___2', 'constructor']);
    expect(table.numRows()).toBe(0);
    const one = await new QueryResult(makeData([['__proto__', 'string']], [['v']])).toArquero();
    expect(one.array('__proto___2')).toEqual(['v']);
  });

  it('gives a table arquero can compute on, bigint columns included', async () => {
    const result = new QueryResult(
      makeData(
        [
          ['eventname', 'string'],
          ['n', 'bigint'],
        ],
        [
          ['ConsoleLogin', 2n],
          ['ConsoleLogin', 3n],
          ['GetObject', 10n],
        ],
      ),
    );
    const table = await result.toArquero();
    const aq = await import('arquero');
    const sums = table.groupby('eventname').rollup({ total: aq.op.sum('n') }).orderby('eventname').objects();
    expect(sums).toEqual([
      { eventname: 'ConsoleLogin', total: 5n },
      { eventname: 'GetObject', total: 10n },
    ]);
  });
});
