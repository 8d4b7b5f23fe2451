/**
 * Athena (Trino) SQL → SQL the embedded DuckDB accepts with the same meaning, as a pure text
 * rewrite: no connection is needed, so a notebook can preview what will run. It pairs with
 * `installTrinoFunctions`, which creates the `trino_*` macros the rewritten text calls.
 */
import { TrinoRewriter } from './trino/rewriter';
import { tokenizeTrino } from './trino/tokens';

/**
 * Rewrites Trino constructs DuckDB lacks or reads differently:
 * - functions renamed to DuckDB built-ins or `trino_*` macros (`json_extract_scalar`,
 *   `date_format`, `element_at`, `transform` → `list_transform`, …);
 * - lambda predicates `any_match` / `all_match` / `none_match`, `reduce`;
 * - `approx_distinct(x)` → `count(DISTINCT x)`, `concat(a, b)` → `(a || b)` (NULL in, NULL out);
 * - `CAST(x AS IPADDRESS)`, `TRY_CAST(…)`, `IPADDRESS '…'`, and `contains(cidr, ip)`;
 * - Trino type names in casts (`ARRAY(VARCHAR)` → `VARCHAR[]`, `ROW(…)` → `STRUCT(…)`),
 *   `CAST(json_extract(…) AS VARCHAR)`, zoned `TIMESTAMP '…'` literals, `EXTRACT(DOW …)`.
 *
 * String literals, quoted identifiers, comments and `?` placeholders are copied unchanged,
 * and text that needs no rewrite keeps its exact layout.
 *
 * @example
 * rewriteTrinoSql(`SELECT json_extract_scalar(requestparameters, '$.bucketName') FROM t WHERE eventname = ?`);
 * // "SELECT trino_json_extract_scalar(requestparameters, '$.bucketName') FROM t WHERE eventname = ?"
 */
export function rewriteTrinoSql(sql: string): string {
  const tokens = tokenizeTrino(sql);
  return new TrinoRewriter(tokens).rewrite({ start: 0, end: tokens.length });
}
