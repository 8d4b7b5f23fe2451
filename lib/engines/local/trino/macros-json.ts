/**
 * Trino's JSON functions over DuckDB's json extension. Trino answers NULL where its parser
 * fails on the document (DuckDB raises), `json_extract_scalar` is NULL for objects and
 * arrays (DuckDB's `json_extract_string` returns their text), and Trino paths may use
 * `["key"]`, which DuckDB spells `."key"`.
 */
import type { TrinoMacro } from './macro';

/**
 * JSON macros, in creation order (a macro may only use those before it).
 *
 * @example
 * JSON_MACROS.map(createMacroSql); // CREATE OR REPLACE TEMP MACRO … statements
 */
export const JSON_MACROS: readonly TrinoMacro[] = [
  {
    name: 'trino_json_path',
    overloads: [String.raw`(p) AS regexp_replace(p, '\["([^"]*)"\]', '."\1"', 'g')`],
  },
  {
    name: 'trino_json_extract',
    overloads: ['(j, p) AS try(json_extract(j, trino_json_path(p)))'],
  },
  {
    // json_value is NULL for objects and arrays; ->> '$' unquotes a string and maps JSON null to NULL.
    name: 'trino_json_extract_scalar',
    overloads: [`(j, p) AS try(json_value(j, trino_json_path(p)) ->> '$')`],
  },
  {
    name: 'trino_json_array_length',
    overloads: [`(j) AS try(CASE WHEN json_type(j) = 'ARRAY' THEN CAST(json_array_length(j) AS BIGINT) END)`],
  },
  {
    // Elements and the needle compare as JSON text, so 1 matches 1 and "1" matches '1' only.
    name: 'trino_json_array_contains',
    overloads: [
      `(j, v) AS try(CASE WHEN json_type(j) = 'ARRAY' THEN list_contains(CAST(json(j) AS JSON[]), to_json(v)) END)`,
    ],
  },
  { name: 'trino_json_parse', overloads: ['(s) AS json(s)'] },
  { name: 'trino_json_format', overloads: ['(j) AS CAST(json(j) AS VARCHAR)'] },
  { name: 'trino_is_json_scalar', overloads: [`(j) AS json_type(j) NOT IN ('OBJECT', 'ARRAY')`] },
  {
    // CAST(json AS VARCHAR) in Trino gives a string's value, not its quoted JSON text.
    name: 'trino_json_to_varchar',
    overloads: [
      `(j) AS CASE WHEN json_type(j) IN ('OBJECT', 'ARRAY') THEN error('Cannot cast JSON ' || j || ' to VARCHAR') ELSE json(j) ->> '$' END`,
    ],
  },
];
