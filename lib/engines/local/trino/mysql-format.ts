/**
 * Trino's `date_format` / `date_parse` take MySQL-style `%` codes; DuckDB's strftime and
 * strptime take C-style ones. The table follows Trino's own formatter (DateTimeFunctions
 * `createDateTimeFormatter`): the same codes, the same ones refused, and any other `%x`
 * meaning the literal `x`.
 */
import { IrbookError } from '../../../errors';

/** Codes Trino refuses. */
const REFUSED = new Set(['D', 'U', 'u', 'V', 'w', 'X']);

/** MySQL code → DuckDB code, for printing and for parsing (DuckDB parses without `-` flags). */
const CODES: Readonly<Record<string, readonly [format: string, parse: string]>> = {
  a: ['%a', '%a'],
  b: ['%b', '%b'],
  c: ['%-m', '%m'],
  d: ['%d', '%d'],
  e: ['%-d', '%d'],
  f: ['%f', '%f'],
  H: ['%H', '%H'],
  h: ['%I', '%I'],
  I: ['%I', '%I'],
  i: ['%M', '%M'],
  j: ['%j', '%j'],
  k: ['%-H', '%H'],
  l: ['%-I', '%I'],
  M: ['%B', '%B'],
  m: ['%m', '%m'],
  p: ['%p', '%p'],
  r: ['%I:%M:%S %p', '%I:%M:%S %p'],
  S: ['%S', '%S'],
  s: ['%S', '%S'],
  T: ['%H:%M:%S', '%H:%M:%S'],
  v: ['%V', '%V'],
  W: ['%A', '%A'],
  x: ['%G', '%G'],
  Y: ['%Y', '%Y'],
  y: ['%y', '%y'],
};

/**
 * A format code Trino does not support; `code` is the letter after `%`. Raised inside
 * DuckDB, it reaches the caller as the query's error message.
 *
 * @example
 * new UnsupportedFormatCodeError('D').message; // '%D not supported in date format string'
 */
export class UnsupportedFormatCodeError extends IrbookError {
  override readonly name = 'UnsupportedFormatCodeError';
  constructor(readonly code: string) {
    super(`%${code} not supported in date format string`);
  }
}

/**
 * The DuckDB strftime (or, with `forParsing`, strptime) format for a Trino MySQL-style one.
 * Throws UnsupportedFormatCodeError for the codes Trino refuses (%D %U %u %V %w %X).
 *
 * @example
 * mysqlToStrftime('%Y-%m-%d %H:%i:%s'); // '%Y-%m-%d %H:%M:%S'
 */
export function mysqlToStrftime(format: string, forParsing = false): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%') {
      out += literal(ch);
      continue;
    }
    // A lone % at the end prints nothing in Trino.
    if (++i >= format.length) break;
    const code = format[i]!;
    if (REFUSED.has(code)) throw new UnsupportedFormatCodeError(code);
    const mapped = CODES[code];
    out += mapped ? mapped[forParsing ? 1 : 0] : literal(code);
  }
  return out;
}

function literal(ch: string): string {
  return ch === '%' ? '%%' : ch;
}
