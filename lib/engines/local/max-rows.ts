/**
 * Rows a result may have before a query fails, unless the query, engine or `configure` says
 * otherwise: about 470 MB of wide CloudTrail rows in a kernel (1.9 KB a row, measured).
 * Apart from the result reader so the engine can name it without loading DuckDB.
 */
export const DEFAULT_MAX_ROWS = 250_000;
