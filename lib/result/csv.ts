/** RFC 4180 CSV, with NULL and the empty string kept apart the way Athena's result files do. */

import { OptionError } from '../errors';
import { compactJson, isoDate } from './json';
import { checkOptionNames } from '../options';
import type { ColumnKind, QueryResultData, Value } from './types';

/** Options of {@link toCsv}. */
export interface CsvOptions {
  /** Write a header row of the column names as returned, repeats included. Default `true`. */
  readonly header?: boolean;
  /** Record separator. Default `'\r\n'`, as RFC 4180 says. */
  readonly newline?: '\r\n' | '\n';
  /** Field separator, one character other than `"`, CR or LF. Default `','`. */
  readonly delimiter?: string;
}

const OPTION_NAMES = ['header', 'newline', 'delimiter'] as const;

/**
 * Write a result as CSV (RFC 4180).
 *
 * - NULL is an empty, unquoted field; the empty string is `""`. Athena's own result CSVs
 *   use the same convention, so a reader can tell them apart.
 * - A field holding the delimiter, a quote, CR or LF is quoted, with quotes doubled.
 * - `bigint` is written exactly; `Date` as ISO 8601 (`YYYY-MM-DD` for `date` columns);
 *   `NaN`/`Infinity` as those words; arrays and objects as compact JSON text.
 * - Every record, the last too, ends with `newline`.
 * - Values are written as they are. A value starting with `=`, `+`, `-` or `@` may be taken
 *   for a formula by a spreadsheet: open attacker-controlled data as text, not by double-click.
 *
 * @example
 * // SELECT a AS who, b AS who, n …
 * toCsv(result); // 'who,who,n\r\nalice,,3\r\n"",bob,9007199254740993\r\n'
 */
export function toCsv(data: QueryResultData, options: CsvOptions = {}): string {
  checkOptionNames(options, OPTION_NAMES, 'toCsv');
  const header = options.header ?? true;
  if (typeof header !== 'boolean') {
    throw new OptionError('header', header, `toCsv: option "header" must be true or false, got ${String(header)}`);
  }
  const newline = options.newline ?? '\r\n';
  if (newline !== '\r\n' && newline !== '\n') {
    throw new OptionError('newline', newline, `toCsv: option "newline" must be '\\r\\n' or '\\n'`);
  }
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || [...delimiter].length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new OptionError(
      'delimiter',
      delimiter,
      `toCsv: option "delimiter" must be one character other than '"', CR or LF, got ${JSON.stringify(delimiter)}`,
    );
  }

  const kinds = data.columns.map((c) => c.kind);
  const lines: string[] = [];
  if (header) lines.push(data.columns.map((c) => quoteField(c.name, delimiter)).join(delimiter));
  for (const row of data.rows) {
    lines.push(kinds.map((kind, i) => csvField(row[i] ?? null, kind, delimiter)).join(delimiter));
  }
  return lines.map((line) => line + newline).join('');
}

/**
 * One CSV field for a value (see {@link toCsv} for the rules).
 *
 * @example
 * csvField(null, 'string', ',');     // ''
 * csvField('', 'string', ',');       // '""'
 * csvField('a,"b"', 'string', ',');  // '"a,""b"""'
 */
export function csvField(value: Value, kind: ColumnKind, delimiter = ','): string {
  const text = csvText(value, kind);
  return text === null ? '' : quoteField(text, delimiter);
}

/** The field's text before quoting; `null` for NULL (and an invalid `Date`, as in JSON). */
function csvText(value: Value, kind: ColumnKind): string | null {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof Date) return isoDate(value, kind === 'date');
  return compactJson(value);
}

/** Quote a field when it is empty (so it is not NULL) or holds a character CSV treats specially. */
function quoteField(text: string, delimiter: string): string {
  const needsQuotes = text === '' || text.includes(delimiter) || /["\r\n]/.test(text);
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}
