/**
 * A DuckDB macro standing in for a Trino function. Macros are TEMP: they live in the
 * connection's temporary catalog, so installing writes nothing to a database file and
 * every connection gets its own copy.
 */

/** One macro: its name and one `(params) AS body` text per argument count. */
export interface TrinoMacro {
  readonly name: string;
  readonly overloads: readonly string[];
}

/**
 * The statement creating (or replacing, so installing twice is harmless) a macro.
 *
 * @example
 * createMacroSql({ name: 'trino_if', overloads: ['(c, a) AS CASE WHEN c THEN a END'] });
 * // 'CREATE OR REPLACE TEMP MACRO trino_if(c, a) AS CASE WHEN c THEN a END'
 */
export function createMacroSql(macro: TrinoMacro): string {
  return `CREATE OR REPLACE TEMP MACRO ${macro.name}${macro.overloads.join(', ')}`;
}
