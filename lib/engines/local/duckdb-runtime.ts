/**
 * Everything the local engine needs from DuckDB at run time, in one module the engine loads
 * on first open: `@duckdb/node-api` (its native library and JS) takes about two thirds of
 * `require('irbook')` otherwise, and a notebook on Athena, or a CLI command that runs no
 * query, never needs it.
 */
export { DuckDBInstance } from '@duckdb/node-api';
export { toDuckDBParam } from './duckdb-values';
export { readResult } from './result-reader';
export { installTrinoFunctions } from './trino-functions';
