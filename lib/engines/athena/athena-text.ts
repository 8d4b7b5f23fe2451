/**
 * Athena's text forms: type signatures (`array(row(arn varchar))`, `map<string,int>`) and the way
 * Athena prints nested values (`[a, b]`, `{k=v, k2=v2}`), read back into plain values.
 */
import type { Value } from '../../result/types';

/** A parsed Athena type signature. */
export interface AthenaType {
  /** Lower-case base name: `varchar`, `decimal`, `timestamp with time zone`, `array`, `row`, … */
  readonly name: string;
  /** The signature as given. */
  readonly text: string;
  /** Numeric parameters: `decimal(10,2)` → `[10, 2]`, `timestamp(6)` → `[6]`. */
  readonly params: readonly number[];
  /** `array(T)`: T. Absent when the signature does not say (Athena's metadata gives plain `array`). */
  readonly element?: AthenaType;
  /** `map(K, V)`: K and V. */
  readonly key?: AthenaType;
  readonly value?: AthenaType;
  /** `row(a T, b U)` or `struct<a:T,b:U>`: the fields in order. */
  readonly fields?: readonly AthenaField[];
}

/** One field of a row type. An anonymous field (`row(varchar, bigint)`) is named `field<i>`, 0-based. */
export interface AthenaField {
  readonly name: string;
  readonly type: AthenaType;
}

// ---- Type signatures ----------------------------------------------------------------------

const MULTI_WORD_TYPES = new Set([
  'time with time zone',
  'timestamp with time zone',
  'interval day to second',
  'interval year to month',
  'double precision',
]);

type Token = { kind: 'word' | 'quoted' | 'number' | 'punct'; text: string; start: number; end: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:([A-Za-z_][\w$]*)|(\d+)|"((?:[^"]|"")*)"|`([^`]*)`|([(),<>:]))/y;
  let at = 0;
  while (text.slice(at).trim() !== '') {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) throw new Error(`unexpected character at ${at}`);
    at = pattern.lastIndex;
    const span = { start: at - m[0].trimStart().length, end: at };
    if (m[1] !== undefined) tokens.push({ kind: 'word', text: m[1], ...span });
    else if (m[2] !== undefined) tokens.push({ kind: 'number', text: m[2], ...span });
    else if (m[3] !== undefined) tokens.push({ kind: 'quoted', text: m[3].replace(/""/g, '"'), ...span });
    else if (m[4] !== undefined) tokens.push({ kind: 'quoted', text: m[4], ...span });
    else tokens.push({ kind: 'punct', text: m[5], ...span });
  }
  return tokens;
}

class TypeParser {
  private at = 0;
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  done(): boolean {
    return this.at === this.tokens.length;
  }

  type(): AthenaType {
    const start = this.at;
    const words = this.words();
    if (words.length === 0) throw new Error('expected a type name');
    let name = words.join(' ');
    const params: number[] = [];
    let nested: Pick<AthenaType, 'element' | 'key' | 'value' | 'fields'> = {};
    const open = this.peek('(') ? '(' : this.peek('<') ? '<' : undefined;
    if (open) {
      this.at++;
      const close = open === '(' ? ')' : '>';
      if (name === 'array') nested = { element: this.type() };
      else if (name === 'map') {
        const key = this.type();
        this.expect(',');
        nested = { key, value: this.type() };
      } else if (name === 'row' || name === 'struct') {
        const fields = [this.field(0)];
        while (this.peek(',')) {
          this.at++;
          fields.push(this.field(fields.length));
        }
        nested = { fields };
      } else {
        while (!this.peek(close)) {
          const token = this.next();
          if (token.kind === 'number') params.push(Number(token.text));
          else if (token.text !== ',' && token.kind !== 'word') throw new Error(`unexpected ${token.text}`);
        }
      }
      this.expect(close);
      const trailing = this.words();
      if (trailing.length) name = `${name} ${trailing.join(' ')}`;
    }
    const text = this.source.slice(this.tokens[start].start, this.tokens[this.at - 1].end);
    return { name, text, params, ...nested };
  }

  private field(index: number): AthenaField {
    const first = this.tokens[this.at];
    const second = this.tokens[this.at + 1];
    if (first?.kind === 'quoted' || (first?.kind === 'word' && second?.text === ':')) {
      this.at++;
      if (this.peek(':')) this.at++;
      return { name: first.text, type: this.type() };
    }
    let run = 0;
    while (this.tokens[this.at + run]?.kind === 'word') run++;
    const runText = this.tokens.slice(this.at, this.at + run).map((t) => t.text.toLowerCase()).join(' ');
    if (run >= 2 && !MULTI_WORD_TYPES.has(runText)) {
      this.at++;
      return { name: first.text, type: this.type() };
    }
    return { name: `field${index}`, type: this.type() };
  }

  private words(): string[] {
    const words: string[] = [];
    while (this.tokens[this.at]?.kind === 'word') words.push(this.tokens[this.at++].text.toLowerCase());
    return words;
  }

  private peek(punct: string): boolean {
    const token = this.tokens[this.at];
    return token?.kind === 'punct' && token.text === punct;
  }

  private next(): Token {
    const token = this.tokens[this.at++];
    if (!token) throw new Error('unexpected end');
    return token;
  }

  private expect(punct: string): void {
    if (!this.peek(punct)) throw new Error(`expected ${punct}`);
    this.at++;
  }
}

/**
 * Parses an Athena type signature: plain names as `ColumnInfo.Type` gives them (`varchar`,
 * `timestamp with time zone`, `array`), Trino signatures (`decimal(10,2)`, `array(bigint)`,
 * `map(varchar, bigint)`, `row(arn varchar, "user name" varchar)`) and Hive ones
 * (`array<string>`, `struct<arn:string>`). Never throws: a signature it cannot read comes back
 * with its whole lower-cased text as the name, which no converter knows.
 *
 * @example
 * parseAthenaType('array(row(arn varchar, n bigint))').element?.fields?.map((f) => f.name); // ['arn', 'n']
 */
export function parseAthenaType(text: string): AthenaType {
  try {
    const parser = new TypeParser(text, tokenize(text));
    const type = parser.type();
    if (parser.done()) return { ...type, text: text.trim() };
  } catch {
    // fall through: an unreadable signature is kept whole
  }
  return { name: text.trim().toLowerCase(), text: text.trim(), params: [] };
}

// ---- Nested values ------------------------------------------------------------------------

/** Converts one scalar's text for its type; throws when the text is not a value of that type. */
export type ScalarReader = (type: AthenaType, text: string) => Value;

const STRING_TYPES = new Set(['varchar', 'char', 'string']);
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;
const OPEN_CURLY = 0x7b;
const CLOSE_CURLY = 0x7d;
const COMMA = 0x2c;
const SPACE = 0x20;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

type Shape = 'array' | 'map' | 'row' | 'scalar' | 'guess';

function shapeOf(type: AthenaType | undefined): Shape {
  if (!type) return 'guess';
  if (type.name === 'array') return 'array';
  if (type.name === 'map') return 'map';
  if (type.name === 'row' || type.name === 'struct') return 'row';
  return 'scalar';
}

/** Element types whose text may hold brackets that belong to the structure. */
function needsDepth(type: AthenaType | undefined): boolean {
  return shapeOf(type) !== 'scalar' || type?.name === 'json';
}

/**
 * Reads Athena's text form of an array, map or row (`[a, b]`, `{k=v}`, `{f1=v1, f2=v2}`) as
 * arrays and plain objects, converting leaves with `scalar`. Returns `undefined` when the text
 * does not parse cleanly as that structure (unbalanced brackets, an entry that is not
 * `key=value`, a value that is not of its type, a repeated key), so the caller can keep the raw
 * text. What parses cleanly may still be misread, because the form quotes nothing:
 *
 * - elements are separated by `, `: a varchar element containing `, ` reads as two elements;
 * - a varchar map key containing `=` is split at its first `=`; a varchar value containing
 *   `, <next field>=` ends early;
 * - a varchar piece without `=` inside `{…}` is read as part of the previous value
 *   (`{k=a, b}` → `{ k: 'a, b' }`);
 * - brackets inside varchar values nested in a structure (or of unknown type) unbalance it:
 *   the whole value stays raw text;
 * - `null` is SQL NULL, except as a varchar element, where it stays the string `'null'`
 *   (Athena prints both alike);
 * - `[]` is an empty array, never an array holding one empty string; `{}` is an empty map or row;
 * - with no element type (Athena's metadata says only `array`, `map`, `row`), elements are
 *   strings, or nested arrays and objects when their text parses as one; JSON-looking text
 *   stays a string;
 * - a row printed without field names (`{a, 1}`) becomes `{ field0, field1, … }`.
 *
 * @example
 * readNestedText(parseAthenaType('array(varchar)'), '[a, b]', (_t, s) => s); // ['a', 'b']
 */
export function readNestedText(type: AthenaType, text: string, scalar: ScalarReader): Value | undefined {
  const shape = shapeOf(type);
  if (shape === 'array') return readArray(type, text, scalar);
  if (shape === 'map' || shape === 'row') return readBraces(type, text, scalar);
  return undefined;
}

function readPiece(type: AthenaType | undefined, text: string, scalar: ScalarReader): Value | undefined {
  if (text === 'null' && !(type && STRING_TYPES.has(type.name))) return null;
  switch (shapeOf(type)) {
    case 'array':
      return readArray(type, text, scalar);
    case 'map':
    case 'row':
      return readBraces(type, text, scalar);
    case 'guess':
      return guess(text, scalar);
    case 'scalar':
      try {
        return scalar(type as AthenaType, text);
      } catch {
        return undefined;
      }
  }
}

function guess(text: string, scalar: ScalarReader): Value {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  if (first === OPEN_SQUARE && last === CLOSE_SQUARE) return readArray(undefined, text, scalar) ?? text;
  if (first === OPEN_CURLY && last === CLOSE_CURLY) return readBraces(undefined, text, scalar) ?? text;
  return text;
}

function readArray(type: AthenaType | undefined, text: string, scalar: ScalarReader): Value[] | undefined {
  if (text.charCodeAt(0) !== OPEN_SQUARE || text.charCodeAt(text.length - 1) !== CLOSE_SQUARE) return undefined;
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  const element = type?.element;
  const pieces = splitTop(inner, needsDepth(element), element?.name === 'json');
  if (!pieces) return undefined;
  const out: Value[] = [];
  for (const piece of pieces) {
    const value = readPiece(element, piece, scalar);
    if (value === undefined) return undefined;
    out.push(value);
  }
  return out;
}

/** Maps, rows, and `{…}` of unknown type. */
function readBraces(
  type: AthenaType | undefined,
  text: string,
  scalar: ScalarReader,
): { [key: string]: Value } | undefined {
  if (text.charCodeAt(0) !== OPEN_CURLY || text.charCodeAt(text.length - 1) !== CLOSE_CURLY) return undefined;
  const inner = text.slice(1, -1);
  if (inner === '') return {};
  const isRow = type?.name === 'row' || type?.name === 'struct';
  const fields = isRow ? type?.fields : undefined;
  const valueTypes = fields ? fields.map((f) => f.type) : type?.name === 'map' ? [type.key, type.value] : [undefined];
  const track = valueTypes.some(needsDepth);
  const pieces = splitTop(inner, track, valueTypes.some((t) => t?.name === 'json'));
  if (!pieces) return undefined;
  const entries = fields ? rowEntries(pieces, fields) : keyedEntries(pieces, track, isRow);
  if (!entries) return undefined;
  const out: { [key: string]: Value } = {};
  for (const [key, valueText, valueType] of entries) {
    if (Object.prototype.hasOwnProperty.call(out, key)) return undefined;
    if (type?.name === 'map' && readPiece(type.key, key, scalar) === undefined) return undefined;
    const value = readPiece(type?.name === 'map' ? type.value : valueType, valueText, scalar);
    if (value === undefined) return undefined;
    // defineProperty, so a key named __proto__ is data, not the object's prototype.
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

type Entry = [key: string, valueText: string, valueType: AthenaType | undefined];

/** `k=v` pieces; a piece without `=` continues the previous value. Positional if none has `=`. */
function keyedEntries(pieces: string[], track: boolean, positional: boolean): Entry[] | undefined {
  const entries: Entry[] = [];
  for (const piece of pieces) {
    const eq = track ? topEquals(piece) : piece.indexOf('=');
    if (eq >= 0) entries.push([piece.slice(0, eq), piece.slice(eq + 1), undefined]);
    else if (entries.length) entries[entries.length - 1][1] += `, ${piece}`;
    else if (!positional || pieces.some((p) => (track ? topEquals(p) : p.indexOf('=')) >= 0)) return undefined;
    else return pieces.map((p, i) => [`field${i}`, p, undefined]);
  }
  return entries;
}

/** Pieces of a row whose fields are known: `name=` starts the next field, in order. */
function rowEntries(pieces: string[], fields: readonly AthenaField[]): Entry[] | undefined {
  const entries: Entry[] = [];
  for (const piece of pieces) {
    const next = fields[entries.length];
    const prefix = next ? piece.slice(0, next.name.length + 1) : '';
    if (next && prefix.toLowerCase() === `${next.name.toLowerCase()}=`) {
      entries.push([piece.slice(0, next.name.length), piece.slice(next.name.length + 1), next.type]);
    } else if (entries.length) entries[entries.length - 1][1] += `, ${piece}`;
    else break;
  }
  if (entries.length === fields.length) return entries;
  const anonymous = fields.every((f, i) => f.name === `field${i}`);
  if (entries.length === 0 && anonymous && pieces.length === fields.length) {
    return pieces.map((p, i) => [fields[i].name, p, fields[i].type]);
  }
  return undefined;
}

function topEquals(piece: string): number {
  let depth = 0;
  for (let i = 0; i < piece.length; i++) {
    const c = piece.charCodeAt(i);
    if (c === OPEN_SQUARE || c === OPEN_CURLY) depth++;
    else if (c === CLOSE_SQUARE || c === CLOSE_CURLY) depth--;
    else if (c === EQUALS && depth === 0) return i;
  }
  return -1;
}

/** Splits at top-level `, `; `undefined` when brackets do not balance. */
function splitTop(text: string, track: boolean, json: boolean): string[] | undefined {
  if (!track) return text.split(', ');
  const out: string[] = [];
  const closers: number[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (json && c === QUOTE) {
      i = endOfJsonString(text, i);
      if (i < 0) return undefined;
    } else if (c === OPEN_SQUARE) closers.push(CLOSE_SQUARE);
    else if (c === OPEN_CURLY) closers.push(CLOSE_CURLY);
    else if (c === CLOSE_SQUARE || c === CLOSE_CURLY) {
      if (closers.pop() !== c) return undefined;
    } else if (c === COMMA && closers.length === 0 && text.charCodeAt(i + 1) === SPACE) {
      out.push(text.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  if (closers.length) return undefined;
  out.push(text.slice(start));
  return out;
}

function endOfJsonString(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}
