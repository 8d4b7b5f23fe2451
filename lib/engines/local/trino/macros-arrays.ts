/**
 * Trino's array functions where DuckDB's list functions differ: Trino's NULL rules (an
 * array with a NULL can make the answer NULL), 0 for "not found", and order-keeping
 * array_distinct. Lambda parameters inside macros carry a `__trino_` prefix so they cannot
 * capture a column of the caller's query with the same name.
 */
import type { TrinoMacro } from './macro';

/** 2 for true, 0 for false, 1 for NULL: the largest code decides any_match, the smallest all_match. */
const RESULT_CODES = `list_transform(t, __trino_b -> CASE WHEN __trino_b THEN 2 WHEN NOT __trino_b THEN 0 ELSE 1 END)`;

/**
 * Array macros, in creation order.
 *
 * @example
 * ARRAY_MACROS.map(createMacroSql); // CREATE OR REPLACE TEMP MACRO … statements
 */
export const ARRAY_MACROS: readonly TrinoMacro[] = [
  // a[i] is 1-based, counts from the end when negative and is NULL out of range, as
  // Trino's element_at; it also reads a map by key.
  { name: 'trino_element_at', overloads: ['(a, i) AS a[i]'] },
  { name: 'trino_cardinality', overloads: ['(a) AS len(a)'] },
  // t is the list of predicate results. Appending the neutral code (0 for a max, 2 for a
  // min) gives an empty array Trino's answer; NULL || [...] is NULL, so a NULL array stays NULL.
  {
    name: 'trino_any_match',
    overloads: [`(t) AS [false, NULL, true][list_max(${RESULT_CODES} || [0]) + 1]`],
  },
  {
    name: 'trino_all_match',
    overloads: [`(t) AS [false, NULL, true][list_min(${RESULT_CODES} || [2]) + 1]`],
  },
  {
    name: 'trino_none_match',
    overloads: [`(t) AS [true, NULL, false][list_max(${RESULT_CODES} || [0]) + 1]`],
  },
  {
    name: 'trino_array_join',
    overloads: [
      '(a, sep) AS array_to_string(a, sep)',
      '(a, sep, nulls) AS array_to_string(list_transform(a, __trino_x -> coalesce(CAST(__trino_x AS VARCHAR), nulls)), sep)',
    ],
  },
  {
    name: 'trino_arrays_overlap',
    overloads: [
      '(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN len(a) = 0 OR len(b) = 0 THEN false ' +
        'WHEN list_has_any(a, b) THEN true WHEN list_count(a) < len(a) OR list_count(b) < len(b) THEN NULL ELSE false END',
    ],
  },
  {
    // Keep the first occurrence of each value, in order (DuckDB's list_distinct reorders and drops NULL).
    name: 'trino_array_distinct',
    overloads: ['(a) AS list_filter(a, (__trino_x, __trino_i) -> list_position(a, __trino_x) = __trino_i)'],
  },
  {
    name: 'trino_array_position',
    overloads: ['(a, x) AS CASE WHEN a IS NULL OR x IS NULL THEN NULL ELSE CAST(coalesce(list_position(a, x), 0) AS BIGINT) END'],
  },
  { name: 'trino_array_max', overloads: ['(a) AS CASE WHEN list_count(a) < len(a) THEN NULL ELSE list_max(a) END'] },
  { name: 'trino_array_min', overloads: ['(a) AS CASE WHEN list_count(a) < len(a) THEN NULL ELSE list_min(a) END'] },
];
