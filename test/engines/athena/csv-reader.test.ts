import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AthenaCsvParser, readAthenaCsv, type CsvField } from '../../../lib/engines/athena/csv-reader';
import { AthenaCsvError, SourceError } from '../../../lib/errors';
import { toAthenaCsv } from '../../support/athena-standin/athena-format';

async function* inChunks(chunks: readonly (Uint8Array | string)[]): AsyncGenerator<Uint8Array | string> {
  for (const chunk of chunks) yield chunk;
}

async function read(chunks: readonly (Uint8Array | string)[]): Promise<CsvField[][]> {
  const rows: CsvField[][] = [];
  for await (const row of readAthenaCsv(inChunks(chunks))) rows.push(row);
  return rows;
}

const readText = (text: string) => read([Buffer.from(text, 'utf8')]);

async function failure(text: string): Promise<AthenaCsvError> {
  try {
    await readText(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AthenaCsvError);
    expect(error).toBeInstanceOf(SourceError);
    return error as AthenaCsvError;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

// Multi-byte characters (2, 3, 4 bytes), doubled quotes, CRLF inside and outside quotes,
// NULL and '' side by side, and a last row without its newline that ends in a NULL.
const TRICKY = '"id","name","note"\r\n"1","Zoë ""the"" 😀","a,b\nc"\n"2",,""\n"3","€""","x\r\ny"\r\n"4","",';
const TRICKY_ROWS: CsvField[][] = [
  ['id', 'name', 'note'],
  ['1', 'Zoë "the" 😀', 'a,b\nc'],
  ['2', null, ''],
  ['3', '€"', 'x\r\ny'],
  ['4', '', null],
];

describe('readAthenaCsv', () => {
  it('keeps NULL (empty, unquoted), the empty string ("") and a lone quote ("""") apart', async () => {
    expect(await readText('"a","b","c"\n,"",""""\n"",,\n')).toEqual([
      ['a', 'b', 'c'],
      [null, '', '"'],
      ['', null, null],
    ]);
  });

  it('reads quotes, commas, newlines and CRLF inside quoted fields', async () => {
    expect(await readText('"x","y"\n"say ""hi""","a,b"\n"line1\nline2","crlf\r\nend"\n"""","\r"\n')).toEqual([
      ['x', 'y'],
      ['say "hi"', 'a,b'],
      ['line1\nline2', 'crlf\r\nend'],
      ['"', '\r'],
    ]);
  });

  it('accepts CRLF line ends, a missing final newline, and no rows at all', async () => {
    expect(await readText('"a","b"\r\n"1","2"\r\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(await readText('"a","b"\n"1","2"')).toEqual([['a', 'b'], ['1', '2']]);
    expect(await readText('"a","b"\n"1",')).toEqual([['a', 'b'], ['1', null]]);
    expect(await readText('"a"\n')).toEqual([['a']]);
    expect(await readText('')).toEqual([]);
  });

  it('reads an empty line in a one-column result as a NULL row, and the final newline as no row', async () => {
    expect(await readText('"x"\n\n"1"\n\n')).toEqual([['x'], [null], ['1'], [null]]);
    expect(await readText('"x"\n"1"\n')).toEqual([['x'], ['1']]);
  });

  it('returns an unquoted field as its text', async () => {
    expect(await readText('a,b\n1,two words\n')).toEqual([['a', 'b'], ['1', 'two words']]);
  });

  it('gives the same rows for every split of the bytes into two chunks', async () => {
    const bytes = Buffer.from(TRICKY, 'utf8');
    expect(await read([bytes])).toEqual(TRICKY_ROWS);
    for (let at = 0; at <= bytes.length; at++) {
      const rows = await read([bytes.subarray(0, at), bytes.subarray(at)]);
      expect(rows, `split at byte ${at}`).toEqual(TRICKY_ROWS);
    }
  });

  it('gives the same rows for every split into three chunks, and for one byte at a time', async () => {
    const bytes = Buffer.from(TRICKY, 'utf8');
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        const parser = new AthenaCsvParser();
        const rows = [
          ...parser.push(bytes.subarray(0, a)),
          ...parser.push(bytes.subarray(a, b)),
          ...parser.push(bytes.subarray(b)),
          ...parser.end(),
        ];
        if (JSON.stringify(rows) !== JSON.stringify(TRICKY_ROWS)) expect(rows, `split at ${a} and ${b}`).toEqual(TRICKY_ROWS);
      }
    }
    expect(await read([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(TRICKY_ROWS);
  });

  it('gives the same rows for text chunks split at every character', async () => {
    for (let at = 0; at <= TRICKY.length; at++) {
      expect(await read([TRICKY.slice(0, at), TRICKY.slice(at)]), `split at ${at}`).toEqual(TRICKY_ROWS);
    }
  });

  it('reads a Node Readable, as S3 GetObject returns it', async () => {
    const rows: CsvField[][] = [];
    for await (const row of readAthenaCsv(Readable.from([Buffer.from(TRICKY, 'utf8')]))) rows.push(row);
    expect(rows).toEqual(TRICKY_ROWS);
  });

  describe('malformed input names the row (1-based, header included) and the character offset', () => {
    it('an unterminated quote at the end: the offset of its opening quote', async () => {
      const text = '"a","b"\n"1","open\n';
      const error = await failure(text);
      expect(error.row).toBe(2);
      expect(error.offset).toBe(text.indexOf('"open'));
    });

    it('a quote in the middle of an unquoted field', async () => {
      const text = '"a","b"\n"1","2"\n"3",x"y\n';
      const error = await failure(text);
      expect(error.row).toBe(3);
      expect(error.offset).toBe(text.indexOf('x"y') + 1);
    });

    it('a character after a closing quote other than a comma or a line end', async () => {
      const text = '"a","b"\n"1"x,"2"\n';
      const error = await failure(text);
      expect(error.row).toBe(2);
      expect(error.offset).toBe(text.indexOf('x'));
    });

    it('a carriage return not followed by a line feed', async () => {
      const text = '"a","b"\r"1","2"\n';
      const error = await failure(text);
      expect(error.row).toBe(1);
      expect(error.offset).toBe(8);
    });

    it('a row whose field count differs from the header', async () => {
      const error = await failure('"a","b"\n"1","2"\n"3"\n');
      expect(error.row).toBe(3);
    });

    it('bytes that are not UTF-8', async () => {
      const bytes = Buffer.concat([Buffer.from('"a"\n"', 'utf8'), Buffer.from([0xff, 0xfe]), Buffer.from('"\n')]);
      await expect(read([bytes])).rejects.toBeInstanceOf(AthenaCsvError);
    });

    it('names the source it was given', async () => {
      const parser = new AthenaCsvParser({ source: 's3://bucket/results/q.csv' });
      parser.push('"a"\n"b');
      try {
        parser.end();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AthenaCsvError);
        expect((error as AthenaCsvError).file).toBe('s3://bucket/results/q.csv');
        expect((error as AthenaCsvError).row).toBe(2);
      }
    });
  });

  it('reads 100k generated rows exactly', async () => {
    const pieces = ['', 'plain', 'with,comma', 'with "quotes"', 'multi\nline', 'crlf\r\nin', 'ünïcödé €', '😀 emoji', ' spaced '];
    const header = ['eventid', 'eventname', 'useridentity', 'sourceipaddress', 'errorcode', 'n'];
    const body: CsvField[][] = [];
    for (let i = 0; i < 100_000; i++) {
      body.push([
        `e${i.toString(16).padStart(8, '0')}-4c2a-9f1e-${(i * 7919).toString(16)}`,
        ['ConsoleLogin', 'GetObject', 'AssumeRole', 'PutBucketPolicy'][i % 4],
        `{type=IAMUser, arn=arn:aws:iam::111122223333:user/u${i % 97}, ${pieces[i % pieces.length]}}`,
        i % 11 === 0 ? null : `10.${i % 256}.${(i >> 8) % 256}.${i % 7}`,
        i % 5 === 0 ? pieces[i % pieces.length] : null,
        String(i),
      ]);
    }
    const bytes = Buffer.from(toAthenaCsv(header, body), 'utf8');
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 65_536) chunks.push(bytes.subarray(at, at + 65_536));

    const rows: CsvField[][] = [];
    for await (const row of readAthenaCsv(Readable.from(chunks))) rows.push(row);
    expect(rows.length).toBe(body.length + 1);
    expect(rows).toEqual([header, ...body]);
  });
});
