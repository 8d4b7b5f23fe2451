/**
 * Athena's result CSV, streamed. Athena quotes every non-NULL field (`"a"`, `""` for the empty
 * string, `"say ""hi"""`) and writes NULL as an empty unquoted field, so the reader keeps `null`
 * and `''` apart. Rows end with `\n` (`\r\n` accepted); quoted fields may hold commas, quotes and
 * line breaks. Chunks may split rows and UTF-8 characters anywhere.
 */
import { AthenaCsvError } from '../../errors';

/** A cell as the CSV holds it: its text, or `null` for SQL NULL (an empty unquoted field). */
export type CsvField = string | null;

/** Options for reading one result CSV. */
export interface AthenaCsvOptions {
  /** Names the file in errors, e.g. its `s3://` location. Default: `Athena result CSV`. */
  readonly source?: string;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** Just read a `"` inside a quoted field: a doubled quote or the closing one. */
  AfterQuote,
  /** Just read a `\r` that ends a field: a `\n` must follow. */
  AfterCr,
}

/**
 * Push-style reader: feed chunks as they arrive, get the rows they complete. The first row is
 * the header, returned like any other. Holds only the unfinished row between chunks.
 *
 * @example
 * const parser = new AthenaCsvParser();
 * parser.push('"a","b"\n"x",');   // [['a', 'b']]
 * parser.push('\n"",""""\n');      // [['x', null], ['', '"']]
 * parser.end();                    // []
 */
export class AthenaCsvParser {
  private readonly source: string;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private state = State.FieldStart;
  private field = '';
  private row: CsvField[] = [];
  /** 1-based number of the row being read. */
  private rowNumber = 1;
  /** Characters decoded before the current chunk. */
  private base = 0;
  /** Where the field being read began, for an unterminated quote. */
  private fieldStart = 0;
  /** Fields per row, set by the header. */
  private width = -1;

  constructor(options: AthenaCsvOptions = {}) {
    this.source = options.source ?? 'Athena result CSV';
  }

  /** Reads one chunk (bytes or text) and returns the rows it completed. */
  push(chunk: Uint8Array | string): CsvField[][] {
    const rows: CsvField[][] = [];
    if (typeof chunk === 'string') {
      this.parse(this.decode(), rows);
      this.parse(chunk, rows);
    } else {
      this.parse(this.decode(chunk), rows);
    }
    return rows;
  }

  /** Ends the input: returns the last row if it had no final newline; throws if a quote is open. */
  end(): CsvField[][] {
    const rows: CsvField[][] = [];
    this.parse(this.decode(), rows);
    switch (this.state) {
      case State.Quoted:
        throw this.error(this.fieldStart, 'a quoted field is not closed before the end of the file');
      case State.AfterQuote:
      case State.Unquoted:
        this.row.push(this.field);
        this.endRow(rows, this.base);
        break;
      case State.AfterCr:
        this.endRow(rows, this.base);
        break;
      case State.FieldStart:
        // After a comma the last field is NULL; at the start of a line there is no row.
        if (this.row.length > 0) {
          this.row.push(null);
          this.endRow(rows, this.base);
        }
        break;
    }
    this.state = State.FieldStart;
    this.field = '';
    return rows;
  }

  private decode(bytes?: Uint8Array): string {
    try {
      return bytes ? this.decoder.decode(bytes, { stream: true }) : this.decoder.decode();
    } catch (cause) {
      throw this.error(this.base, 'the bytes after this point are not valid UTF-8', cause);
    }
  }

  private parse(text: string, rows: CsvField[][]): void {
    const n = text.length;
    const base = this.base;
    let state = this.state;
    let field = this.field;
    let i = 0;
    while (i < n) {
      if (state === State.Quoted) {
        const close = text.indexOf('"', i);
        if (close < 0) {
          field += text.slice(i);
          i = n;
        } else {
          field += text.slice(i, close);
          i = close + 1;
          state = State.AfterQuote;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (state === State.FieldStart) {
        if (c === QUOTE) {
          state = State.Quoted;
          this.fieldStart = base + i;
          i++;
        } else if (c === COMMA || c === LF || c === CR) {
          this.row.push(null);
          i++;
          if (c === LF) this.endRow(rows, base + i - 1);
          else if (c === CR) state = State.AfterCr;
        } else {
          state = State.Unquoted;
          this.fieldStart = base + i;
        }
      } else if (state === State.AfterQuote) {
        if (c === QUOTE) {
          field += '"';
          state = State.Quoted;
          i++;
        } else {
          if (c !== COMMA && c !== LF && c !== CR) {
            this.field = field;
            throw this.error(base + i, `${describe(c)} follows a closing quote; expected a comma or a line end`);
          }
          this.row.push(field);
          field = '';
          i++;
          state = c === CR ? State.AfterCr : State.FieldStart;
          if (c === LF) this.endRow(rows, base + i - 1);
        }
      } else if (state === State.Unquoted) {
        let j = i;
        let d = c;
        while (d !== COMMA && d !== LF && d !== CR && d !== QUOTE) {
          if (++j === n) break;
          d = text.charCodeAt(j);
        }
        field += text.slice(i, j);
        i = j;
        if (j < n) {
          if (d === QUOTE) throw this.error(base + j, 'a quote inside a field that does not start with one');
          this.row.push(field);
          field = '';
          i++;
          state = d === CR ? State.AfterCr : State.FieldStart;
          if (d === LF) this.endRow(rows, base + j);
        }
      } else {
        if (c !== LF) throw this.error(base + i, `${describe(c)} follows a carriage return; expected a line feed`);
        i++;
        state = State.FieldStart;
        this.endRow(rows, base + i - 1);
      }
    }
    this.state = state;
    this.field = field;
    this.base = base + n;
  }

  private endRow(rows: CsvField[][], offset: number): void {
    const row = this.row;
    if (this.width < 0) this.width = row.length;
    else if (row.length !== this.width) {
      throw this.error(offset, `the row has ${row.length} field(s), the header ${this.width}`);
    }
    rows.push(row);
    this.row = [];
    this.rowNumber++;
  }

  private error(offset: number, problem: string, cause?: unknown): AthenaCsvError {
    return new AthenaCsvError(this.source, this.rowNumber, offset, problem, { cause });
  }
}

function describe(code: number): string {
  return code === QUOTE ? 'a quote' : JSON.stringify(String.fromCharCode(code));
}

/**
 * Streams the rows of an Athena result CSV, header first. `chunks` is anything async-iterable
 * that yields bytes or text: an S3 GetObject `Body` (a Node Readable) as it is. Throws
 * `AthenaCsvError` (a `SourceError`) naming the row and character offset when the CSV is not
 * well-formed. Stopping early (`break`) stops reading the stream.
 *
 * @example
 * for await (const row of readAthenaCsv(object.Body as Readable, { source: location })) {
 *   console.log(row); // ['eventname', 'useridentity'], then ['ConsoleLogin', null], …
 * }
 */
export async function* readAthenaCsv(
  chunks: AsyncIterable<Uint8Array | string>,
  options: AthenaCsvOptions = {},
): AsyncGenerator<CsvField[], void, undefined> {
  const parser = new AthenaCsvParser(options);
  for await (const chunk of chunks) {
    for (const row of parser.push(chunk)) yield row;
  }
  for (const row of parser.end()) yield row;
}
