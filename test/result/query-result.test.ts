import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueryResult } from '../../lib/result/query-result';
import type { QueryResultData } from '../../lib/result/types';
import { makeData } from './fixtures';

const data: QueryResultData = makeData(
  [
    ['eventname', 'string'],
    ['eventname', 'string'],
    ['n', 'bigint'],
  ],
  [
    ['ConsoleLogin', 'signin.amazonaws.com', 3n],
    ['GetObject', null, 9007199254740993n],
  ],
  { filesRead: 4, bytesRead: 2048, filesSkipped: [{ file: 'logs/bad.json.gz', reason: 'unexpected end of file' }] },
);

describe('QueryResult', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('exposes the data, the row count and the names as returned', () => {
    const result = new QueryResult(data);
    expect(result.columns).toBe(data.columns);
    expect(result.rows).toBe(data.rows);
    expect(result.stats).toBe(data.stats);
    expect(result.sql).toBe('SELECT 1');
    expect(result.rowCount).toBe(2);
    expect(result.columnNames).toEqual(['eventname', 'eventname', 'n']);
  });

  it('keeps duplicate names in every output', async () => {
    const result = new QueryResult(data);
    expect(result.toCsv().split('\r\n')[0]).toBe('eventname,eventname,n');
    expect(Object.keys(result.toRecords()[0] ?? {})).toEqual(['eventname', 'eventname_2', 'n']);
    expect(Object.keys(result.toJSON()[0] ?? {})).toEqual(['eventname', 'eventname_2', 'n']);
    expect((await result.toArquero()).columnNames()).toEqual(['eventname', 'eventname_2', 'n']);
    expect(result.toText().split('\n')[0]).toMatch(/^ eventname\s+\| eventname\s+\| n$/);
    expect(result.toHtml().match(/<th[^>]*>eventname<\/th>/g)).toHaveLength(2);
  });

  it('shows the text table when inspected (console.log, a notebook cell value)', () => {
    const result = new QueryResult(data);
    expect(inspect(result)).toBe(result.toText());
    expect(inspect(result)).toContain('ConsoleLogin');
  });

  it('display() prints the text table when tslab is not available', () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    new QueryResult(data).display();
    expect(writes.join('')).toBe(`${new QueryResult(data).toText()}\n`);
  });
});
