/**
 * Trino's string and regular-expression functions where DuckDB's differ: NULL instead of ''
 * when nothing matches or a part is missing, replace-all by default, and Java's `$1`
 * group references in replacements (RE2 writes `\1`).
 */
import type { TrinoMacro } from './macro';

/**
 * Text macros, in creation order.
 *
 * @example
 * TEXT_MACROS.map(createMacroSql); // CREATE OR REPLACE TEMP MACRO … statements
 */
export const TEXT_MACROS: readonly TrinoMacro[] = [
  {
    name: 'trino_split_part',
    overloads: [`(s, d, i) AS CASE WHEN i <= 0 THEN error('Index must be greater than zero') ELSE string_split(s, d)[i] END`],
  },
  { name: 'trino_regexp_like', overloads: ['(s, p) AS regexp_matches(s, p)'] },
  {
    name: 'trino_regexp_extract',
    overloads: [
      '(s, p) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p) END',
      '(s, p, g) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g) END',
    ],
  },
  {
    // Java replacement syntax: `$n` is a group, `\x` is a literal x. In RE2's, `\n` is a
    // group and `\\` a backslash.
    name: 'trino_java_replacement',
    overloads: [
      String.raw`(r) AS array_to_string(list_transform(regexp_extract_all(r, '\\.|\$[0-9]|[^\\$]+|\$'), __trino_t -> ` +
        String.raw`CASE WHEN __trino_t = '\\' THEN '\\' WHEN starts_with(__trino_t, '\') THEN substr(__trino_t, 2) ` +
        String.raw`WHEN starts_with(__trino_t, '$') AND len(__trino_t) = 2 THEN '\' || substr(__trino_t, 2) ELSE __trino_t END), '')`,
    ],
  },
  {
    name: 'trino_regexp_replace',
    overloads: [`(s, p) AS regexp_replace(s, p, '', 'g')`, `(s, p, r) AS regexp_replace(s, p, trino_java_replacement(r), 'g')`],
  },
  { name: 'trino_regexp_count', overloads: ['(s, p) AS len(regexp_extract_all(s, p))'] },
  { name: 'trino_replace', overloads: [`(s, f) AS replace(s, f, '')`, '(s, f, r) AS replace(s, f, r)'] },
  {
    name: 'trino_url_extract_host',
    overloads: [
      String.raw`(u) AS nullif(regexp_extract(u, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?(\[[^\]/?#]*\]|[^/?#:]*)', 1), '')`,
    ],
  },
  { name: 'trino_if', overloads: ['(c, a) AS CASE WHEN c THEN a END', '(c, a, b) AS CASE WHEN c THEN a ELSE b END'] },
];
