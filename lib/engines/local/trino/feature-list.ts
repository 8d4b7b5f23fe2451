/**
 * What the local engine accepts of Athena's Trino SQL, for the README and for a notebook
 * that wants to check before running. Each supported entry has a test that asserts
 * Trino's documented answer (test/engines/local/trino-functions.test.ts).
 */

/** A Trino function or feature, with how the local engine treats it. */
export interface TrinoFeatureNote {
  readonly name: string;
  readonly notes: string;
}

const NATIVE = 'DuckDB built-in, same result.';

/**
 * Trino functions and syntax the local engine runs with Trino's results.
 *
 * @example
 * SUPPORTED_TRINO_FUNCTIONS.find((f) => f.name === 'date_format')?.notes;
 */
export const SUPPORTED_TRINO_FUNCTIONS: readonly TrinoFeatureNote[] = [
  // JSON
  { name: 'json_extract', notes: 'JSON text of the value at a path; NULL for malformed JSON, as Trino. Paths may use ["key"].' },
  { name: 'json_extract_scalar', notes: 'Text of a scalar; NULL for objects, arrays, JSON null and malformed JSON, as Trino.' },
  { name: 'json_array_length', notes: 'NULL when the value is not a JSON array.' },
  { name: 'json_array_contains', notes: 'Elements compare as JSON text: 1 matches 1 but not 1.0.' },
  { name: 'json_parse', notes: 'Validates and returns JSON.' },
  { name: 'json_format', notes: 'Compact JSON text.' },
  { name: 'is_json_scalar', notes: 'True for numbers, strings, booleans and null.' },
  { name: 'CAST(json AS VARCHAR)', notes: "A JSON string's value; error for objects and arrays, as Trino. Recognised when the operand is a json_extract or json_parse call." },
  { name: 'CAST(x AS ARRAY(…) / MAP(…) / ROW(…))', notes: 'Trino type names are rewritten (ARRAY(T) → T[], ROW → STRUCT, VARBINARY → BLOB); JSON casts to them work.' },
  // date and time
  { name: 'from_iso8601_timestamp', notes: 'TIMESTAMP WITH TIME ZONE with millisecond precision; Z, ±hh:mm, fractions, and date-only or hour-only forms.' },
  { name: 'from_iso8601_date', notes: 'YYYY-MM-DD only (no week or ordinal dates).' },
  { name: 'to_iso8601', notes: "Three fractional digits for timestamps; 'Z' for TIMESTAMP WITH TIME ZONE." },
  { name: 'date_format', notes: 'MySQL codes as Trino; %D %U %u %V %w %X raise the same error. TIMESTAMP WITH TIME ZONE prints in UTC.' },
  { name: 'date_parse', notes: 'The same codes; returns TIMESTAMP.' },
  { name: 'format_datetime', notes: "Joda patterns (yyyy MM MMM dd HH mm ss SSS a E D e ww x, 'quoted text'); Z, ZZ and z print UTC's offset and name, the engine's zone. G, C, K, k, single w and fractions other than SSS/SSSSSS are refused." },
  { name: 'parse_datetime', notes: 'The same patterns; returns TIMESTAMP, or TIMESTAMP WITH TIME ZONE when the pattern has a zone.' },
  { name: 'date_add', notes: 'Units millisecond … year. On a DATE the result is a TIMESTAMP at midnight (Trino: DATE); comparisons agree.' },
  { name: 'date_diff', notes: "Whole units elapsed, as Trino (DuckDB's own date_diff counts boundaries crossed)." },
  { name: 'date_trunc', notes: 'DuckDB built-in. On a DATE returns a TIMESTAMP at midnight (Trino: DATE).' },
  { name: 'from_unixtime', notes: 'Milliseconds kept, rounded. The zone arguments are accepted; the value is the same instant.' },
  { name: 'to_unixtime', notes: 'DOUBLE seconds.' },
  { name: 'day_of_week / dow', notes: 'ISO, Monday = 1 … Sunday = 7 (DuckDB dayofweek starts at Sunday = 0).' },
  { name: 'day_of_month, day_of_year / doy, week_of_year, year_of_week / yow', notes: 'Renamed to the DuckDB built-ins.' },
  { name: 'millisecond', notes: "0–999, as Trino (DuckDB's millisecond() includes the seconds)." },
  { name: 'year, quarter, month, week, day, hour, minute, second', notes: NATIVE },
  { name: 'EXTRACT', notes: 'DOW and DAY_OF_WEEK are ISO as in Trino; YOW → ISOYEAR.' },
  { name: "TIMESTAMP '…' literals", notes: 'A literal with a zone (UTC, +02:00, America/New_York) is TIMESTAMP WITH TIME ZONE, as Trino.' },
  { name: 'current_timestamp, now(), current_date', notes: NATIVE },
  { name: "INTERVAL '7' DAY", notes: NATIVE },
  // arrays, maps, lambdas
  { name: 'ARRAY[…] and a[i]', notes: 'DuckDB built-in; 1-based.' },
  { name: 'element_at', notes: 'Arrays: 1-based, negative counts from the end, NULL out of range. Maps: NULL for a missing key.' },
  { name: 'cardinality', notes: 'Arrays.' },
  { name: 'contains(array, x)', notes: 'DuckDB built-in. Returns false, not NULL, when x is absent and the array holds a NULL.' },
  { name: 'transform', notes: 'x -> expr lambdas, as written.' },
  { name: 'filter', notes: NATIVE },
  { name: 'reduce', notes: 'reduce(array, initial, (s, x) -> …, s -> …).' },
  { name: 'any_match, all_match, none_match', notes: "Trino's NULL rules: an unknown predicate result makes the answer NULL unless another element decides it." },
  { name: 'array_join', notes: 'NULL elements skipped, or replaced by the third argument.' },
  { name: 'arrays_overlap', notes: 'NULL when only a NULL element could overlap, as Trino.' },
  { name: 'array_distinct', notes: 'First occurrences in order; one NULL kept.' },
  { name: 'array_position', notes: '0 when absent.' },
  { name: 'array_max, array_min', notes: 'NULL when the array holds a NULL, as Trino.' },
  { name: 'array_sort, flatten, map_keys, map_values', notes: NATIVE },
  { name: 'CROSS JOIN UNNEST(array) AS t(x) [WITH ORDINALITY]', notes: 'DuckDB built-in for one array into one column.' },
  // strings and regular expressions
  { name: 'split_part', notes: 'NULL past the last field, as Trino.' },
  { name: 'split', notes: NATIVE },
  { name: 'regexp_like', notes: 'Matches anywhere in the string, as Trino.' },
  { name: 'regexp_extract', notes: 'NULL when nothing matches (DuckDB returns ""). RE2 syntax.' },
  { name: 'regexp_extract_all', notes: NATIVE },
  { name: 'regexp_replace', notes: 'Replaces every match; $1 group references and \\$ as in Trino.' },
  { name: 'regexp_count', notes: 'Number of matches.' },
  { name: 'regexp_split', notes: 'Renamed to regexp_split_to_array.' },
  { name: 'replace', notes: 'Two-argument form removes the text.' },
  { name: 'concat', notes: 'NULL if any argument is NULL, as Trino (DuckDB concat skips NULLs); also arrays.' },
  { name: 'url_extract_host', notes: 'NULL when the text has no scheme://host.' },
  { name: 'strpos, position, lower, upper, length, substr, trim, starts_with, lpad, rpad, reverse', notes: NATIVE },
  // conditionals and aggregates
  { name: 'if', notes: 'Two- and three-argument forms.' },
  { name: 'try, coalesce, nullif', notes: NATIVE },
  { name: 'approx_distinct', notes: 'Exact count(DISTINCT x): within any error bound, but Athena may report a slightly different estimate.' },
  { name: 'count_if, arbitrary, max_by, min_by, bool_and / every, bool_or, array_agg', notes: 'DuckDB built-ins (every → bool_and); count_if returns HUGEINT.' },
  // IP addresses
  { name: 'CAST(x AS IPADDRESS)', notes: "IPv4 and IPv6; raises 'Cannot cast value to IPADDRESS: …' for other text, as Trino." },
  { name: 'TRY_CAST(x AS IPADDRESS)', notes: 'NULL for text that is not an address (service names in sourceipaddress).' },
  { name: "IPADDRESS '…' literals and comparisons", notes: '=, <, BETWEEN order IPv4 and IPv6 as Trino (IPv4 as ::ffff:a.b.c.d).' },
  { name: 'contains(cidr, ipaddress)', notes: "Trino's CIDR test and its errors; recognised when the first argument is a string literal or the second an IPADDRESS cast or literal." },
  { name: 'CAST(ipaddress AS VARCHAR)', notes: 'Dotted IPv4, compressed IPv6; recognised when the operand is an IPADDRESS cast or literal.' },
];

/**
 * Trino features the local engine does not run, or runs with a different answer.
 *
 * @example
 * UNSUPPORTED_TRINO_FEATURES.map((f) => f.name);
 */
export const UNSUPPORTED_TRINO_FEATURES: readonly TrinoFeatureNote[] = [
  { name: 'Time zones on values', notes: "DuckDB's TIMESTAMP WITH TIME ZONE is an instant without a zone: '…+02:00' parses to the right instant but prints, formats and extracts (hour()) in UTC. at_timezone, with_timezone, AT TIME ZONE and timezone_hour are not supported." },
  { name: 'IPADDRESS shown in results', notes: 'An IPADDRESS column in the output is a 128-bit number; select the original text or CAST(… AS VARCHAR).' },
  { name: 'IPPREFIX and ip_prefix, is_subnet_of, ip_subnet_min/max', notes: 'Use contains(cidr, ipaddress).' },
  { name: 'cardinality(map)', notes: 'DuckDB binds by type and the rewrite cannot see types; use cardinality(map_keys(m)).' },
  { name: 'UNNEST of an array of ROW into several columns, UNNEST of a MAP', notes: 'DuckDB gives one struct column: write CROSS JOIN UNNEST(resources) AS t(r) and use r.arn.' },
  { name: 'zip_with, transform_keys, transform_values, map_filter, array_sort with a comparator, regexp_replace with a lambda', notes: 'Not rewritten.' },
  { name: 'map_agg, multimap_agg', notes: 'Not available; histogram(x) counts values, and array_agg(ROW(k, v)) keeps pairs.' },
  { name: 'TABLESAMPLE BERNOULLI (p) / SYSTEM (p)', notes: "DuckDB reads the number as a row count; write USING SAMPLE p PERCENT (bernoulli) locally, or leave sampling out." },
  { name: 'approx_percentile, approx_set, merge, HyperLogLog and T-Digest functions', notes: 'Not available.' },
  { name: 'to_hex, from_hex, md5, sha256, to_utf8, from_utf8 (VARBINARY functions)', notes: "DuckDB's md5/sha256 take text and return hex text, so results differ." },
  { name: 'format', notes: 'Java format strings are not translated.' },
  { name: 'CAST(varchar AS JSON)', notes: 'Trino makes a JSON string of the text; DuckDB parses it. Use json_parse.' },
  { name: 'Java regular expressions', notes: 'DuckDB uses RE2: no look-around or back-references; an unmatched optional group extracts as "" rather than NULL.' },
  { name: 'element_at(array, 0)', notes: 'NULL (Trino raises "SQL array indices start at 1").' },
  { name: 'json_extract_scalar number text', notes: "Numbers print as DuckDB reads them: 1e3 gives '1000.0' (Trino: '1e3')." },
  { name: "date_parse '%y'", notes: "'69' parses as 1969 (Trino: 2069)." },
  { name: 'date_format, date_parse with a format from a column', notes: 'DuckDB needs the format to be a constant or a ? parameter.' },
  { name: 'greatest, least with NULL', notes: 'DuckDB ignores NULL arguments; Trino returns NULL.' },
  { name: 'ROW types with anonymous fields in CAST', notes: 'DuckDB structs need field names.' },
];
