/** Column names and column access. Names repeat in SQL results; these helpers keep that honest. */

import { OptionError } from '../errors';
import type { QueryResultData, Value } from './types';

/**
 * Make column names unique for places that key by name (records, arquero tables).
 *
 * The first column with a name keeps it; each later repeat gets the next free suffix
 * `_2`, `_3`, …, skipping any name that a real column already has, so a generated key never
 * hides a column. Unique names come back unchanged.
 *
 * @param names  column names as the engine returned them
 * @param unusable  names the target cannot hold at all; a column with one gets a suffix too
 * @returns one unique name per column, in column order
 * @example
 * uniqueColumnNames(['x', 'x', 'x_2']); // ['x', 'x_3', 'x_2']
 */
export function uniqueColumnNames(names: readonly string[], unusable: readonly string[] = []): string[] {
  // Every real name is reserved up front: a later real `x_2` must keep its name.
  const taken = new Set([...names, ...unusable]);
  const used = new Set<string>(unusable);
  return names.map((name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`) || used.has(`${name}_${n}`)) n++;
    const unique = `${name}_${n}`;
    used.add(unique);
    return unique;
  });
}

/**
 * Find a column's position by index or by name. A name matches the first column called that;
 * failing that, it matches a deduplicated name from {@link uniqueColumnNames} (`x_2` for the
 * second `x`), so every column can be reached by a name.
 *
 * @throws OptionError (option `column`) for an unknown name or an index out of range;
 *   the message lists the available names
 * @example
 * columnIndex(result, 'eventname'); // 3
 * columnIndex(result, 0);           // 0
 */
export function columnIndex(data: Pick<QueryResultData, 'columns'>, nameOrIndex: string | number): number {
  const names = data.columns.map((c) => c.name);
  if (typeof nameOrIndex === 'number') {
    if (Number.isInteger(nameOrIndex) && nameOrIndex >= 0 && nameOrIndex < names.length) return nameOrIndex;
    throw new OptionError(
      'column',
      nameOrIndex,
      `column index ${nameOrIndex} is out of range: the result has ${names.length} column(s)` +
        (names.length > 0 ? ` (0 to ${names.length - 1})` : ''),
    );
  }
  if (typeof nameOrIndex === 'string') {
    const byName = names.indexOf(nameOrIndex);
    if (byName >= 0) return byName;
    const byUniqueName = uniqueColumnNames(names).indexOf(nameOrIndex);
    if (byUniqueName >= 0) return byUniqueName;
  }
  const available = names.length > 0 ? names.map((n) => JSON.stringify(n)).join(', ') : '(none)';
  throw new OptionError(
    'column',
    nameOrIndex,
    `unknown column ${JSON.stringify(nameOrIndex)}; available columns: ${available}`,
  );
}

/**
 * The values of one column, top to bottom, as a new array.
 *
 * @param nameOrIndex  a column name (first match) or a 0-based index; see {@link columnIndex}
 * @throws OptionError (option `column`) if there is no such column
 * @example
 * const arns = columnValues(result, 'arn'); // ['arn:aws:iam::…', null, …]
 */
export function columnValues(data: QueryResultData, nameOrIndex: string | number): Value[] {
  const i = columnIndex(data, nameOrIndex);
  return data.rows.map((row) => row[i] ?? null);
}
