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
  /**
   * Write text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first)
   * as it is. Default `false`: such text gets a `'` in front (OWASP's rule), so opening the
   * file cannot run `=HYPERLINK(…)` or `+cmd|…` from a log field.
   */
  readonly keepFormulas?: boolean;
}

/**
 * Options of {@link csvField}: the field separator, and whether formula-like text is kept.
 *
 * @example
 * csvField('=1+1', 'string', { keepFormulas: true }); // '=1+1'
 */
export interface CsvFieldOptions {
  readonly delimiter?: string;
  readonly keepFormulas?: boolean;
}

const OPTION_NAMES = ['header', 'newline', 'delimiter', 'keepFormulas'] as const;

// OWASP's CSV injection rule: a cell starting with one of these is a formula to Excel,
// LibreOffice or Google Sheets (`-` and `+` too: `-2+3+cmd|' /C calc'!A0`).
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMERIC_KINDS: ReadonlySet<ColumnKind> = new Set(['integer', 'bigint', 'double', 'decimal']);

/**
 * Write a result as CSV (RFC 4180).
 *
 * - NULL is an empty, unquoted field; the empty string is `""`. Athena's own result CSVs
 *   use the same convention, so a reader can tell them apart.
 * - A field holding the delimiter, a quote, CR or LF is quoted, with quotes doubled.
 * - `bigint` is written exactly; `Date` as ISO 8601 (`YYYY-MM-DD` for `date` columns);
 *   `NaN`/`Infinity` as those words; arrays and objects as compact JSON text.
 * - Every record, the last too, ends with `newline`.
 * - Text starting with `=`, `+`, `-`, `@`, tab or CR gets a `'` in front, so a spreadsheet
 *   shows it instead of running it as a formula (log fields are attacker-controlled); numbers
 *   are written as they are. `keepFormulas: true` writes all text as it is.
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

  const keepFormulas = options.keepFormulas ?? false;
  if (typeof keepFormulas !== 'boolean') {
    throw new OptionError('keepFormulas', keepFormulas, `toCsv: option "keepFormulas" must be true or false, got ${String(keepFormulas)}`);
  }

  const field = { delimiter, keepFormulas };
  const kinds = data.columns.map((c) => c.kind);
  const lines: string[] = [];
  if (header) lines.push(data.columns.map((c) => csvField(c.name, 'string', field)).join(delimiter));
  for (const row of data.rows) {
    lines.push(kinds.map((kind, i) => csvField(row[i] ?? null, kind, field)).join(delimiter));
  }
  return lines.map((line) => line + newline).join('');
}

/**
 * One CSV field for a value, quoted and formula-neutralised (see {@link toCsv} for the rules):
 * what every CSV writer of irbook writes per cell. `delimiter` may be given as the third
 * argument on its own. The options are not checked here (it runs per cell): {@link toCsv} checks them.
 *
 * @example
 * csvField(null, 'string');                        // ''
 * csvField('', 'string');                          // '""'
 * csvField('a,"b"', 'string');                     // '"a,""b"""'
 * csvField('=HYPERLINK("http://x")', 'string');    // '"\'=HYPERLINK(""http://x"")"'
 * csvField(-5, 'integer');                         // '-5'
 */
export function csvField(value: Value, kind: ColumnKind, options: CsvFieldOptions | string = {}): string {
  const { delimiter = ',', keepFormulas = false } = typeof options === 'string' ? { delimiter: options } : options;
  let text = csvText(value, kind);
  if (text === null) return '';
  if (!keepFormulas && typeof value === 'string' && !NUMERIC_KINDS.has(kind) && FORMULA_START.test(text)) text = `'${text}`;
  return quoteField(text, delimiter);
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
