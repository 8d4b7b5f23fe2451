import { describe, expect, it } from 'vitest';
import { scanJson } from '../../../lib/engines/local/json-scan';

const scan = (text: string, maxDepth = 8) => {
  const bytes = Buffer.from(text);
  return { result: scanJson(bytes, maxDepth), text: bytes.toString() };
};

describe('scanJson: the cheap check before DuckDB sees a file', () => {
  it('does not count brackets inside strings, escaped quotes included', () => {
    const hostile = `{"Records":[{"userAgent":"${'['.repeat(10_000)}","q":"a\\"[[[[[[[[[[","b":"\\\\"}]}`;
    expect(scan(hostile).result).toEqual({ kind: 'records-object', open: 1, elements: 1 });
  });

  it('finds nesting past the limit, whatever the brackets', () => {
    expect(scan(`{"Records":[{"a":${'[{"b":'.repeat(4)}1${'}]'.repeat(4)}}]}`).result.kind).toBe('too-deep');
    // Three levels to the record, then the value's own: 8 levels pass, 9 do not.
    expect(scan(`{"Records":[{"a":${'['.repeat(6)}${']'.repeat(6)}}]}`).result.kind).toBe('too-deep');
    expect(scan(`{"Records":[{"a":${'['.repeat(5)}${']'.repeat(5)}}]}`).result.kind).toBe('records-object');
    // Unbalanced: a truncated file is deep only if it got that deep.
    expect(scan(`[${'['.repeat(20)}`).result.kind).toBe('too-deep');
  });

  it('sends anything but one {"Records":[…]} object to the exact reading', () => {
    for (const text of [
      '[{"eventName":"a"}]',
      '{"eventName":"a"}\n{"eventName":"b"}',
      '{"Records":[{"eventName":"a"}]',
      '{"Records":[]} {"Records":[]}',
      '{"Records":[]} "x"',
      '{"foo":1,"Records":[]}',
      '\uFEFF{"Records":[]}',
      '{"Records":{}}',
      '',
    ]) {
      expect(scan(text).result.kind, text).toBe('other');
    }
  });

  it('makes a records object one line, leaving line breaks inside strings for DuckDB to refuse', () => {
    const pretty = scan('{\n  "Records" : [\n    {"eventName": "a"},\r\n    {"eventName": "b\nc"}\n  ]\n}\n');
    expect(pretty.result).toEqual({ kind: 'records-object', open: 1, elements: 2 });
    expect(pretty.text).toBe('{   "Records" : [     {"eventName": "a"},\r     {"eventName": "b\nc"}   ] } ');
    // JSON lines are left as they are, for the exact reading to split.
    expect(scan('{"eventName":"a"}\n{"eventName":"b"}\n').text).toBe('{"eventName":"a"}\n{"eventName":"b"}\n');
  });
});
