/**
 * Trino function names the rewrite replaces by name alone: the DuckDB built-in that behaves
 * like the Trino function, or the `trino_*` macro `installTrinoFunctions` creates. The macros
 * carry a prefix instead of the Trino name so they never shadow a DuckDB built-in that other
 * SQL on the same connection (log readers, schema probes) relies on.
 */

/**
 * Trino name → DuckDB name, for calls `name(…)` the rewrite renames.
 *
 * @example
 * FUNCTION_RENAMES['json_extract_scalar']; // 'trino_json_extract_scalar'
 */
export const FUNCTION_RENAMES: Readonly<Record<string, string>> = {
  // JSON
  json_extract: 'trino_json_extract',
  json_extract_scalar: 'trino_json_extract_scalar',
  json_array_length: 'trino_json_array_length',
  json_array_contains: 'trino_json_array_contains',
  json_parse: 'trino_json_parse',
  json_format: 'trino_json_format',
  is_json_scalar: 'trino_is_json_scalar',
  // date and time
  from_iso8601_timestamp: 'trino_from_iso8601_timestamp',
  from_iso8601_date: 'trino_from_iso8601_date',
  to_iso8601: 'trino_to_iso8601',
  date_add: 'trino_date_add',
  date_diff: 'trino_date_diff',
  from_unixtime: 'trino_from_unixtime',
  to_unixtime: 'trino_to_unixtime',
  millisecond: 'trino_millisecond',
  day_of_week: 'isodow',
  dow: 'isodow',
  day_of_month: 'dayofmonth',
  day_of_year: 'dayofyear',
  doy: 'dayofyear',
  week_of_year: 'weekofyear',
  year_of_week: 'isoyear',
  yow: 'isoyear',
  // arrays and maps
  transform: 'list_transform',
  element_at: 'trino_element_at',
  cardinality: 'trino_cardinality',
  array_join: 'trino_array_join',
  arrays_overlap: 'trino_arrays_overlap',
  array_distinct: 'trino_array_distinct',
  array_position: 'trino_array_position',
  array_max: 'trino_array_max',
  array_min: 'trino_array_min',
  // strings and regular expressions
  split_part: 'trino_split_part',
  regexp_like: 'trino_regexp_like',
  regexp_extract: 'trino_regexp_extract',
  regexp_replace: 'trino_regexp_replace',
  regexp_count: 'trino_regexp_count',
  regexp_split: 'regexp_split_to_array',
  replace: 'trino_replace',
  url_extract_host: 'trino_url_extract_host',
  // conditionals and aggregates (aggregates stay built-ins: DuckDB refuses OVER on a macro)
  if: 'trino_if',
  every: 'bool_and',
};

/**
 * Trino's lambda predicates over arrays. DuckDB cannot pass a lambda into a macro, so
 * `any_match(a, f)` becomes `trino_any_match(list_transform(a, f))`: the macro only sees
 * the list of predicate results and applies Trino's three-valued logic to it.
 *
 * @example
 * LAMBDA_MATCHERS['any_match']; // 'trino_any_match'
 */
export const LAMBDA_MATCHERS: Readonly<Record<string, string>> = {
  any_match: 'trino_any_match',
  all_match: 'trino_all_match',
  none_match: 'trino_none_match',
};
