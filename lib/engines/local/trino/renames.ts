/**
 * Trino function names and the DuckDB function or `trino_*` macro that does their work.
 * Where DuckDB has no function of that name, `installTrinoFunctions` creates a macro under
 * the Trino name and the query text is left alone (`TRINO_NAMED_MACROS`); only where DuckDB
 * has a function of the same name with another meaning (or a lambda or an aggregate is
 * involved, which a macro cannot take or be) does the rewrite rename the call
 * (`FUNCTION_RENAMES`).
 */

/**
 * Trino name → DuckDB name, for calls `name(…)` the rewrite renames: DuckDB's function of the
 * same name means something else (`date_diff` counts boundaries, `regexp_extract` gives "",
 * …), `transform` takes a lambda, `every` is an aggregate.
 *
 * @example
 * FUNCTION_RENAMES['json_extract_scalar']; // 'trino_json_extract_scalar'
 */
export const FUNCTION_RENAMES: Readonly<Record<string, string>> = {
  // JSON
  json_extract: 'trino_json_extract',
  json_array_length: 'trino_json_array_length',
  // date and time
  date_add: 'trino_date_add',
  date_diff: 'trino_date_diff',
  millisecond: 'trino_millisecond',
  // arrays and maps
  transform: 'list_transform',
  element_at: 'trino_element_at',
  cardinality: 'trino_cardinality',
  array_distinct: 'trino_array_distinct',
  array_position: 'trino_array_position',
  // strings and regular expressions
  split_part: 'trino_split_part',
  regexp_extract: 'trino_regexp_extract',
  regexp_replace: 'trino_regexp_replace',
  replace: 'trino_replace',
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

/**
 * Trino functions DuckDB has no function for: created as TEMP macros under the Trino name,
 * forwarding to the DuckDB function or `trino_*` macro here, so the query text keeps them.
 *
 * @example
 * TRINO_NAMED_MACROS['json_extract_scalar']; // 'trino_json_extract_scalar'
 */
export const TRINO_NAMED_MACROS: Readonly<Record<string, string>> = {
  json_extract_scalar: 'trino_json_extract_scalar',
  json_array_contains: 'trino_json_array_contains',
  json_parse: 'trino_json_parse',
  json_format: 'trino_json_format',
  is_json_scalar: 'trino_is_json_scalar',
  from_iso8601_timestamp: 'trino_from_iso8601_timestamp',
  from_iso8601_date: 'trino_from_iso8601_date',
  to_iso8601: 'trino_to_iso8601',
  from_unixtime: 'trino_from_unixtime',
  to_unixtime: 'trino_to_unixtime',
  day_of_week: 'isodow',
  dow: 'isodow',
  day_of_month: 'dayofmonth',
  day_of_year: 'dayofyear',
  doy: 'dayofyear',
  week_of_year: 'weekofyear',
  year_of_week: 'isoyear',
  yow: 'isoyear',
  array_join: 'trino_array_join',
  arrays_overlap: 'trino_arrays_overlap',
  array_max: 'trino_array_max',
  array_min: 'trino_array_min',
  regexp_like: 'trino_regexp_like',
  regexp_count: 'trino_regexp_count',
  regexp_split: 'regexp_split_to_array',
  url_extract_host: 'trino_url_extract_host',
};
