/** `QueryResult`: a query's answer with its conversions and displays, one method each. */

import { inspect } from 'node:util';
import { renderHtmlTable, type HtmlTableOptions } from '../display/html-table';
import { showHtml } from '../display/notebook';
import { renderTextTable, type TextTableOptions } from '../display/text-table';
import { toArquero, type ArqueroTable } from './arquero';
import { columnValues } from './columns';
import { toCsv, type CsvOptions } from './csv';
import { toJsonRecords, type JsonValue } from './json';
import { toRecords, type ResultRecord } from './records';
import type { Column, QueryResultData, QueryStats, Value } from './types';
import { writeRowsFile, type FileFormat } from './write-file';

/**
 * The answer to a query: columns (in order, repeated names kept), rows, what running it cost
 * and touched, and the SQL sent. Engines create it; notebooks and the CLI convert or show it.
 *
 * Evaluating a `QueryResult` in a notebook cell, or `console.log`-ing it, prints the text
 * table; `display()` shows the HTML table. `JSON.stringify(result)` writes the rows as JSON
 * objects (see {@link QueryResult.toJSON}).
 *
 * @example
 * const result = await engine.query(sql`SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY 1`);
 * result.display();
 * const names = result.column('eventname');
 * const csv = result.toCsv();
 */
export class QueryResult implements QueryResultData {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly Value[])[];
  readonly stats: QueryStats;
  readonly sql: string;
  /** Column names as returned, in order, repeats kept (`SELECT a AS x, b AS x` gives two `x`). */
  readonly columnNames: readonly string[];

  /**
   * Wrap a result's plain data. The data is kept, not copied: do not change it afterwards.
   *
   * @example
   * new QueryResult({ columns, rows, stats, sql });
   */
  constructor(data: QueryResultData) {
    this.columns = data.columns;
    this.rows = data.rows;
    this.stats = data.stats;
    this.sql = data.sql;
    this.columnNames = data.columns.map((c) => c.name);
  }

  /**
   * The number of rows.
   *
   * @example
   * if (result.rowCount === 0) console.log('no matching events');
   */
  get rowCount(): number {
    return this.rows.length;
  }

  /**
   * The values of one column, top to bottom. A name picks the first column so named
   * (or a deduplicated name such as `x_2`, see {@link QueryResult.toRecords}); a number is a
   * 0-based index, the way to reach any repeated column.
   *
   * @throws OptionError (option `column`) naming the column and listing the available names
   * @example
   * const ips = new Set(result.column('sourceipaddress'));
   */
  column(nameOrIndex: string | number): Value[] {
    return columnValues(this, nameOrIndex);
  }

  /**
   * The rows as plain objects keyed by column name, values unconverted. A repeated name gets
   * unique keys `x`, `x_2`, `x_3`, …, skipping any suffix a real column already uses (so with
   * columns `x, x, x_2` the keys are `x, x_3, x_2`).
   *
   * @example
   * for (const r of result.toRecords()) console.log(r.eventname, r.n);
   */
  toRecords(): ResultRecord[] {
    return toRecords(this);
  }

  /**
   * The rows as JSON-safe objects (keys as in {@link QueryResult.toRecords}): what
   * `irbook query --format json` prints and what `JSON.stringify(result)` writes. A `bigint`
   * becomes a number when it is a safe integer and exact decimal text otherwise; a `Date`
   * ISO 8601 text; `NaN` and `±Infinity` become `null`.
   *
   * @example
   * JSON.stringify(result); // '[{"eventname":"ConsoleLogin","n":3}]'
   */
  toJSON(): { [key: string]: JsonValue }[] {
    return toJsonRecords(this);
  }

  /**
   * The result as RFC 4180 CSV: a header of the names as returned (repeats kept), NULL as an
   * empty field and the empty string as `""` (Athena's convention), exact bigints, ISO dates,
   * nested values as JSON text. Records end with CRLF unless `newline: '\n'`.
   *
   * @example
   * await fs.writeFile('logins.csv', result.toCsv());
   */
  toCsv(options?: CsvOptions): string {
    return toCsv(this, options);
  }

  /**
   * Writes the result to a file as CSV (as {@link QueryResult.toCsv}) or JSON lines (one
   * object per row, as {@link QueryResult.toJSON}), a chunk of rows at a time; the format
   * comes from the extension (`.csv`, `.jsonl`) unless given. The file appears only when
   * complete. Returns the rows written. For results too large to hold, see `queryToFile`.
   *
   * @example
   * await result.toFile('evidence/ci-deployer.csv');
   */
  toFile(file: string, options: { readonly format?: FileFormat } = {}): Promise<number> {
    return writeRowsFile(file, this.columns, this.rows, options.format);
  }

  /**
   * The result as an arquero table (arquero is loaded on first use). Columns are named as in
   * {@link QueryResult.toRecords}, in column order; values are unconverted.
   *
   * @example
   * const t = await result.toArquero();
   * t.groupby('sourceipaddress').count().orderby(aq.desc('count')).print();
   */
  toArquero(): Promise<ArqueroTable> {
    return toArquero(this);
  }

  /**
   * An aligned plain-text table: at most `maxRows` rows (default 50), cells cut to `maxWidth`
   * columns (default 40) with `…`, `NULL` for NULL, then the row count, stats, and a warning
   * for files that could not be read.
   *
   * @example
   * console.log(result.toText({ maxRows: 10 }));
   */
  toText(options?: TextTableOptions): string {
    return renderTextTable(this, options);
  }

  /**
   * An HTML table for a notebook: escaped, scrolls sideways, at most `maxRows` rows
   * (default 200), with a skipped-files warning and a footer of counts and stats.
   *
   * @example
   * tslab.display.html(result.toHtml({ maxRows: 50 }));
   */
  toHtml(options?: HtmlTableOptions): string {
    return renderHtmlTable(this, options);
  }

  /**
   * Show the HTML table in the running tslab notebook, or print the text table when there
   * is no notebook (a script, the CLI, a test).
   *
   * @example
   * result.display({ maxRows: 1000 });
   */
  display(options?: HtmlTableOptions): void {
    const html = this.toHtml(options);
    showHtml(html, () => this.toText());
  }

  /** What `console.log` and a notebook's last-expression output show: {@link QueryResult.toText}. */
  [inspect.custom](): string {
    return this.toText();
  }
}

