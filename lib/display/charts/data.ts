/** A result's rows as chart data: columns found by option, values made JSON-safe and typed. */

import { OptionError } from '../../errors';
import { uniqueColumnNames } from '../../result/columns';
import { compactJson, type JsonValue } from '../../result/json';
import type { QueryResultData, Value } from '../../result/types';
import { revealInvisibles } from '../escape';

/**
 * One data row inlined in a chart spec: keys are (deduplicated) column names.
 *
 * @example
 * const datum: ChartDatum = { entity: 'arn:aws:iam::123456789012:user/alice', failures: 3 };
 */
export type ChartDatum = { [key: string]: JsonValue };

/**
 * A column a chart option names: its position, and the key it has in {@link chartRecords}.
 *
 * @example
 * const entity = chartColumn(result, 'entity', 'entity', 'topEntitiesChart'); // { index: 0, key: 'entity' }
 */
export interface ChartColumn {
  readonly index: number;
  readonly key: string;
  readonly name: string;
}

/**
 * Find the column a chart option names. The first column with that name wins, as in
 * `QueryResult.column`; a deduplicated name (`x_2` for a second `x`) reaches a repeat.
 *
 * @param option  the option that named it, for the error (`entity`, `time`, …)
 * @throws OptionError (that option) quoting the name and listing the result's columns
 * @example
 * chartColumn(result, 'count', 'failures', 'topEntitiesChart');
 */
export function chartColumn(data: QueryResultData, option: string, name: unknown, where: string): ChartColumn {
  const names = data.columns.map((c) => c.name);
  const keys = chartKeys(data);
  if (typeof name !== 'string' || name === '') {
    throw new OptionError(option, name, `${where}: option "${option}" must be a column name, got ${String(name)}`);
  }
  let index = names.indexOf(name);
  if (index < 0) index = keys.indexOf(name);
  if (index < 0) {
    const available = names.length > 0 ? names.map((n) => JSON.stringify(n)).join(', ') : '(none)';
    throw new OptionError(
      option,
      name,
      `${where}: option "${option}" names column ${JSON.stringify(name)}, which the result does not have; ` +
        `its columns are ${available}. Pass { ${option}: '<column>' } to use another.`,
    );
  }
  return { index, key: keys[index] ?? name, name: revealInvisibles(names[index] ?? name) };
}

/**
 * All of a row's cells keyed as in {@link chartRecords}, each made JSON-safe by
 * {@link chartValue}.
 *
 * @example
 * const keys = chartKeys(result); // ['entity', 'failures']
 */
export function chartKeys(data: QueryResultData): string[] {
  return uniqueColumnNames(data.columns.map((c) => revealInvisibles(c.name)));
}

/**
 * One row as a JSON-safe object keyed by {@link chartKeys}.
 *
 * @example
 * const datum = chartDatum(keys, result.rows[0]);
 */
export function chartDatum(keys: readonly string[], row: readonly Value[]): ChartDatum {
  // Object.fromEntries defines own properties: a column named `__proto__` stays a key.
  return Object.fromEntries(keys.map((key, i) => [key, chartValue(row[i] ?? null)]));
}

/**
 * A cell value as chart data: `bigint` → number (a chart plots magnitudes; 2^53 is far beyond
 * any count), `Date` → ISO 8601 text, `NaN`/`±Infinity` → null, nested values → compact JSON
 * text (Vega would otherwise read them as objects, not show them). Control and invisible
 * characters in text are shown as escapes (`\x1b`, `\u202e`): an ESC would make the SVG
 * invalid XML, and a bidi override or zero-width space would disguise a name.
 *
 * @example
 * chartValue(12n);                                   // 12
 * chartValue(new Date(Date.UTC(2024, 2, 1)));         // '2024-03-01T00:00:00.000Z'
 * chartValue('admin\u200b');                          // 'admin\\u200b'
 */
export function chartValue(value: Value): JsonValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return revealInvisibles(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return revealInvisibles(compactJson(value));
}

// Athena and DuckDB print timestamps without a zone (`2024-03-01 12:00:00.000`); CloudTrail's
// are UTC. JavaScript would read such text in the machine's zone, so the zone is made explicit.
const ZONELESS = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;

/**
 * A time cell as ISO 8601 UTC text, or `null` when it is not a time: a `Date`, epoch
 * milliseconds, or text (zoneless text such as Athena's `2024-03-01 12:00:00.000` is UTC).
 *
 * @example
 * utcTime('2024-03-01 12:00:00'); // '2024-03-01T12:00:00.000Z'
 */
export function utcTime(value: Value): string | null {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number' || typeof value === 'bigint') date = new Date(Number(value));
  else if (typeof value === 'string') {
    const zoneless = ZONELESS.exec(value.trim());
    date = new Date(zoneless ? `${zoneless[1]}T${zoneless[2]}Z` : value.trim());
  }
  if (date === undefined || Number.isNaN(date.getTime())) return null;
  return date.toISOString();
}

/**
 * A count cell as a finite number, or `null`: numbers, bigints and decimal text (Athena's
 * decimals arrive as exact strings).
 *
 * @example
 * countValue('12.50'); // 12.5
 */
export function countValue(value: Value): number | null {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && value.trim() !== '') n = Number(value);
  return n !== undefined && Number.isFinite(n) ? n : null;
}

/**
 * A category cell (entity, service, series) as text; NULL and the empty string become
 * `(none)` so they still get a bar and a colour.
 *
 * @example
 * categoryText(null); // '(none)'
 */
export function categoryText(value: Value): string {
  if (value === null || value === '') return NONE;
  const json = chartValue(value);
  return typeof json === 'string' ? json : String(json);
}

/** The label of a NULL or empty category. */
const NONE = '(none)';

/**
 * A key not used by any column, for a field the chart computes (`outcome`, `label`).
 *
 * @example
 * freshKey('label', ['label', 'entity']); // 'label_2'
 */
export function freshKey(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  let n = 2;
  while (used.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

/**
 * A data key as a Vega-Lite field reference. Vega-Lite reads `.` and `[…]` in a field name as
 * nested access (`a.b` is field `b` of `a`), so they are escaped to mean the key itself.
 *
 * @example
 * fieldRef('useridentity.arn'); // 'useridentity\\.arn'
 */
export function fieldRef(key: string): string {
  return key.replace(/[\\.[\]]/g, (c) => `\\${c}`);
}
