import { describe, expect, it } from 'vitest';
import { OptionError } from '../../lib/errors';
import { renderTextTable } from '../../lib/display/text-table';
import type { Value } from '../../lib/result/types';
import { makeData } from '../result/fixtures';

describe('renderTextTable', () => {
  it('aligns columns, right-aligns numbers and shows NULL', () => {
    const data = makeData(
      [
        ['eventname', 'string'],
        ['eventname', 'string'],
        ['n', 'bigint'],
      ],
      [
        ['ConsoleLogin', null, 3n],
        ['GetObject', '', 9007199254740993n],
      ],
    );
    expect(renderTextTable(data).split('\n')).toEqual([
      ' eventname    | eventname | n',
      '--------------+-----------+------------------',
      ' ConsoleLogin | NULL      |                3',
      ' GetObject    |           | 9007199254740993',
      '2 rows · local · 12 ms',
    ]);
  });

  it('cuts long cells with … at maxWidth', () => {
    const data = makeData([['ua', 'string']], [['aws-cli/2.15.0 Python/3.11.6 Linux/6.1 botocore/2.4.5']]);
    const [, , row] = renderTextTable(data, { maxWidth: 12 }).split('\n');
    expect(row).toBe(' aws-cli/2.1…');
  });

  it('counts wide characters as two columns when aligning', () => {
    const data = makeData(
      [
        ['a', 'string'],
        ['b', 'string'],
      ],
      [
        ['日本', 'x'],
        ['abcd', 'y'],
      ],
    );
    const lines = renderTextTable(data).split('\n');
    expect(lines[2]).toBe(' 日本 | x');
    expect(lines[3]).toBe(' abcd | y');
  });

  it('shows control characters as escapes so a value stays on one line', () => {
    const data = makeData([['msg', 'string']], [['line1\nline2\u001b[2J\u202e']]);
    const out = renderTextTable(data);
    expect(out).toContain('line1\\nline2\\x1b[2J\\u202e');
    expect(out).not.toContain('\u001b');
    expect(out.split('\n')).toHaveLength(4);
  });

  it('caps rows and says how many are not shown', () => {
    const rows: Value[][] = Array.from({ length: 120 }, (_, i) => [i]);
    const data = makeData([['i', 'integer']], rows);
    const lines = renderTextTable(data).split('\n');
    expect(lines).toHaveLength(2 + 50 + 1);
    expect(lines.at(-1)).toBe('showing first 50 of 120 rows (70 not shown) · local · 12 ms');
    expect(renderTextTable(data, { maxRows: 0 }).split('\n').at(-1)).toMatch(/^showing first 0 of 120 rows \(120 not shown\)/);
    expect(renderTextTable(data, { maxRows: Infinity }).split('\n')).toHaveLength(2 + 120 + 1);
  });

  it('lists skipped files in a warning, last', () => {
    const data = makeData([['a', 'string']], [['v']], {
      filesSkipped: [
        { file: 'logs/a.json.gz', reason: 'unexpected end of file' },
        { file: 'logs/b\u001b.json', reason: 'not JSON' },
      ],
    });
    const lines = renderTextTable(data).split('\n');
    expect(lines.slice(-3)).toEqual([
      'WARNING: 2 log files could not be read and are not in this result:',
      '  logs/a.json.gz: unexpected end of file',
      '  logs/b\\x1b.json: not JSON',
    ]);
  });

  it('handles results without columns or rows', () => {
    expect(renderTextTable(makeData([], []))).toBe('(no columns)\n0 rows · local · 12 ms');
    expect(renderTextTable(makeData([['a', 'string']], [])).split('\n')).toEqual([' a', '---', '0 rows · local · 12 ms']);
  });

  it('rejects unknown and invalid options with OptionError naming them', () => {
    const data = makeData([['a', 'string']], []);
    for (const [options, name] of [
      [{ width: 5 }, 'width'],
      [{ maxWidth: 1 }, 'maxWidth'],
      [{ maxWidth: Infinity }, 'maxWidth'],
      [{ maxRows: -5 }, 'maxRows'],
    ] as const) {
      let error: unknown;
      try {
        renderTextTable(data, options as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OptionError);
      expect((error as OptionError).option).toBe(name);
    }
  });
});
