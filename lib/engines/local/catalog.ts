/**
 * The engine's tables as real DuckDB objects, named as Athena names them, so DuckDB's own
 * binder resolves names, aliases, stars, CTEs and subqueries. Each table is a view over its
 * Parquet files in the cache, defined once in the default schema (reachable unqualified) and
 * reachable through views in every database (schema) Athena users write, and under the
 * `awsdatacatalog` catalog: `cloudtrail`, `"<db>"."cloudtrail"`, `default.cloudtrail`,
 * `security_analysis.cloudtrail`, `awsdatacatalog.<db>.cloudtrail`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CacheStore } from './cache-store';
import { parquetScan } from './ingest';
import type { TableSource } from './table-source';

export const ATHENA_CATALOG = 'awsdatacatalog';
/**
 * The schema of the views no query names: tables only other views read (the lake's cached
 * Parquet) and the OCSF feed views the lake's names read (ocsf-tables.ts).
 */
export const FEEDS_SCHEMA = 'irbook_feeds';
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Creates the schemas and the per-database views once per connection. The base views are
 * empty until {@link defineTables} points them at the cache.
 */
export async function createCatalog(connection: DuckDBConnection, sources: readonly TableSource[], database: string): Promise<void> {
  await connection.run(`ATTACH ':memory:' AS ${ATHENA_CATALOG}; CREATE SCHEMA memory.${FEEDS_SCHEMA}`);
  await defineTables(connection, sources, undefined);
  // One statement list: each call is a round trip to DuckDB's thread, paid by every `irbook query`.
  const statements: string[] = [];
  for (const source of sources) {
    for (const db of source.databases(database)) {
      for (const catalog of ['memory', ATHENA_CATALOG]) {
        statements.push(`CREATE SCHEMA IF NOT EXISTS ${catalog}.${quote(db)}`,
          `CREATE OR REPLACE VIEW ${catalog}.${quote(db)}.${quote(source.table)} AS SELECT * FROM ${baseView(source)}`);
      }
    }
  }
  await connection.run(statements.join(';\n'));
}

/** A table's own view: in the default schema (reachable unqualified), or in the feeds schema for a table no query names. */
function baseView(source: TableSource): string {
  return `memory.${source.internal ? FEEDS_SCHEMA : 'main'}.${quote(source.table)}`;
}

/**
 * Points each table's base view at its data files (paths relative to the cache folder, as
 * the manifest names them). Cheap (no data is read), so it runs whenever another process or
 * an ingest commits a new manifest.
 */
export async function defineTables(
  connection: DuckDBConnection,
  sources: readonly TableSource[],
  cache: { store: CacheStore; parts: Readonly<Record<string, readonly { readonly path: string }[]>> } | undefined,
): Promise<void> {
  for (const source of sources) {
    const parts = cache?.parts[source.table] ?? [];
    const columns = source.columns.map((c) => quote(c.name)).join(', ');
    const body = parts.length > 0
      ? `SELECT ${columns} FROM ${parquetScan(source, parts.map((p) => cache!.store.resolve(p.path)))}`
      : `SELECT ${source.columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quote(c.name)}`).join(', ')} WHERE false`;
    await connection.run(`CREATE OR REPLACE VIEW ${baseView(source)} AS ${body}`);
  }
}
