/**
 * The DuckDB side of Trino compatibility: the `trino_*` macros and JS scalar functions that
 * `rewriteTrinoSql` output calls, and the lists of what is and is not supported.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { createMacroSql, type TrinoMacro } from './trino/macro';
import { ARRAY_MACROS } from './trino/macros-arrays';
import { IP_MACROS } from './trino/macros-ip';
import { JSON_MACROS } from './trino/macros-json';
import { TEXT_MACROS } from './trino/macros-text';
import { TIME_MACROS } from './trino/macros-time';
import { TRINO_NAMED_MACROS } from './trino/renames';
import { registerTrinoUdfs } from './trino/udfs';

export { SUPPORTED_TRINO_FUNCTIONS, UNSUPPORTED_TRINO_FEATURES, type TrinoFeatureNote } from './trino/feature-list';

/** Every macro, in an order where each only uses macros created before it (DuckDB checks at CREATE). */
const TRINO_MACROS: readonly TrinoMacro[] = [...JSON_MACROS, ...TIME_MACROS, ...ARRAY_MACROS, ...TEXT_MACROS, ...IP_MACROS];

/**
 * Creates the Trino helper macros (TEMP, so per connection) and registers the JS scalar
 * functions they use. Safe to call again on the same connection: everything is replaced.
 * The connection should run with `SET TimeZone = 'UTC'`, Athena's session zone.
 *
 * @example
 * const connection = await (await DuckDBInstance.create(':memory:')).connect();
 * await connection.run(`SET TimeZone = 'UTC'`);
 * await installTrinoFunctions(connection);
 * await connection.run(rewriteTrinoSql(`SELECT element_at(ARRAY[1, 2, 3], -1)`)); // 3
 */
export async function installTrinoFunctions(connection: DuckDBConnection): Promise<void> {
  registerTrinoUdfs(connection);
  // One statement list, not one call per macro: each call is a round trip to DuckDB's thread,
  // and every engine (each `irbook query`) creates all of them.
  await connection.run([...TRINO_MACROS, ...TRINO_NAMED].map(createMacroSql).join(';\n'));
}

/** Parameters of the DuckDB built-ins a Trino-named macro forwards to. */
const BUILTIN_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  regexp_split_to_array: ['(s, p)'],
};

/**
 * Macros under Trino's own names (`json_extract_scalar`, …) for functions DuckDB has no
 * function of that name for, forwarding to the `trino_*` macro or DuckDB built-in with the
 * same argument lists.
 */
const TRINO_NAMED: readonly TrinoMacro[] = Object.entries(TRINO_NAMED_MACROS).map(([name, target]) => {
  const macro = TRINO_MACROS.find((m) => m.name === target);
  const parameterLists = macro ? macro.overloads.map((o) => /^\([^)]*\)/.exec(o)![0]) : (BUILTIN_PARAMETERS[target] ?? ['(x)']);
  return { name, overloads: parameterLists.map((params) => `${params} AS ${target}${params}`) };
});
