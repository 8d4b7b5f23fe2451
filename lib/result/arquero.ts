/** A result as an arquero table, for analysts who want to keep working on it in JS. */

import { uniqueColumnNames } from './columns';
import type { QueryResultData, Value } from './types';

// arquero is ESM-only and the library compiles to CommonJS. The plain `import('arquero')`
// type below is what TypeScript 5.0 (bundled by tslab) can read in our emitted .d.ts; the
// form TS 5.9 asks for here (`with { 'resolution-mode': 'import' }`) does not parse in 5.0
// and would break every notebook that imports irbook. Consumers resolve it either way.
/**
 * arquero's table type (`import('arquero').ColumnTable`).
 *
 * @example
 * const t: ArqueroTable = await result.toArquero();
 */
export type ArqueroTable =
  // @ts-expect-error TS1542 (type import of an ES module from CommonJS): see the note above.
  import('arquero').ColumnTable;

/**
 * Build an arquero table from a result: one column per result column, in order, named by
 * {@link uniqueColumnNames} (`x`, `x_2` for a repeated `x`; a column called `__proto__`,
 * which arquero cannot hold, becomes `__proto___2`). Values are kept as they are (`bigint`,
 * `Date`, nested values); arquero's aggregates handle `bigint`.
 *
 * arquero is loaded here, on first use, with a real dynamic `import()`: it is an ES module,
 * and a static import would make the CommonJS build (and tslab cells) require it.
 *
 * @example
 * const t = await toArquero(result);
 * t.groupby('eventname').count().print();
 */
export async function toArquero(data: QueryResultData): Promise<ArqueroTable> {
  const aq = await import('arquero');
  // arquero keeps columns in a plain object, where `__proto__` is not a key but the prototype.
  const names = uniqueColumnNames(
    data.columns.map((c) => c.name),
    ['__proto__'],
  );
  const columns = new Map<string, Value[]>(
    names.map((name, i) => [name, data.rows.map((row) => row[i] ?? null)]),
  );
  return aq.table(columns, names);
}
