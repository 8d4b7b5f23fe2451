/**
 * Security Lake's OCSF tables in the local engine, named as the lake's Glue catalog names them:
 * `amazon_security_lake_table_<region>_<kind>_2_0`, unqualified, in the database
 * `amazon_security_lake_glue_db_<region>`, and under the `awsdatacatalog` catalog.
 *
 * Each kind has one feed view (in the feeds schema), over the lake's Parquet or over the
 * `cloudtrail` table mapped to OCSF (`ocsfSource`), both in the ingest cache (the mapped rows
 * are written by ocsf-derived.ts). The names read a feed view; they are
 * created when a query first names them, for whatever region it names (a region string only
 * has to match the lake's naming), rather than for a fixed list of regions: a local copy may
 * come from any partition (GovCloud, China) or a region newer than this code, and a query
 * names few regions. With `lakeRegions: 'own'` a name keeps the rows of its own region.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CloudTrailOcsfKind } from '../../sources/ocsf/cloudtrail-mapping';
import type { CacheStore } from './cache-store';
import { CLOUDTRAIL_OCSF_KINDS, derivedTable } from './ocsf-derived';
import {
  LAKE_DATABASE_NAME, LAKE_TABLE_NAME, OCSF_TABLE_KINDS, lakeDatabase, lakeTable, regionFromName, type OcsfTableKind,
} from '../../sources/ocsf/schema';
import { ATHENA_CATALOG, FEEDS_SCHEMA } from './catalog';
import { lakeCacheTable, ocsfColumns } from './lake-source';
import { tokenizeTrino } from './trino/tokens';

/** Which feed fills the OCSF tables: per source, the lake's Parquet when there is any, else CloudTrail mapped; or always one. */
export type OcsfSource = 'auto' | 'lake' | 'cloudtrail';
/** What a region's table name reads: the whole local lake, or the rows of its own region. */
export type LakeRegions = 'all' | 'own';

export const OCSF_SOURCES: readonly OcsfSource[] = ['auto', 'lake', 'cloudtrail'];
export const LAKE_REGIONS: readonly LakeRegions[] = ['all', 'own'];

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The feed view of a kind, which every region's name reads. */
function feedView(kind: OcsfTableKind): string {
  return `memory.${FEEDS_SCHEMA}.${quote(`ocsf_${kind}`)}`;
}

/** Which feed a kind's table reads, given how many rows the lake's data files gave it. */
export function chosenFeed(kind: OcsfTableKind, ocsfSource: OcsfSource, lakeRows: number): 'lake' | 'cloudtrail' | 'none' {
  const lake = ocsfSource === 'lake' || (ocsfSource === 'auto' && lakeRows > 0);
  if (lake) return 'lake';
  return kind === 'sh_findings' ? 'none' : 'cloudtrail';
}

/**
 * Points each kind's feed view at its feed. Cheap (no data is read); runs whenever the
 * tables are pointed at new data files, since `'auto'` depends on what the lake holds.
 */
export async function defineOcsfFeeds(
  connection: DuckDBConnection,
  ocsfSource: OcsfSource,
  cache: { store: CacheStore; parts: Readonly<Record<string, readonly { readonly path: string; readonly rows: number }[]>> },
): Promise<void> {
  const statements = OCSF_TABLE_KINDS.map((kind) => {
    const columns = ocsfColumns(kind);
    const names = columns.map((c) => quote(c.name)).join(', ');
    const feed = chosenFeed(kind, ocsfSource, lakeRows(kind, cache.parts));
    const derived = kind === 'sh_findings' ? [] : cache.parts[derivedTable(kind)] ?? [];
    const body = feed === 'lake'
      ? `SELECT ${names} FROM memory.${FEEDS_SCHEMA}.${quote(lakeCacheTable(kind))}`
      : feed === 'cloudtrail' && derived.length > 0
        ? `SELECT ${names} FROM read_parquet([${derived.map((p) => literal(cache.store.resolve(p.path))).join(', ')}], hive_partitioning = false)`
        : `SELECT ${columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quote(c.name)}`).join(', ')} WHERE false`;
    return `CREATE OR REPLACE VIEW ${feedView(kind)} AS ${body}`;
  });
  await connection.run(statements.join(';\n'));
}

/** Rows the lake's data files gave a kind. */
export function lakeRows(kind: OcsfTableKind, parts: Readonly<Record<string, readonly { readonly rows: number }[]>>): number {
  return (parts[lakeCacheTable(kind)] ?? []).reduce((n, p) => n + p.rows, 0);
}

/** The kinds the CloudTrail feed fills under this option, given what the lake holds. */
export function cloudTrailFedKinds(ocsfSource: OcsfSource, parts: Readonly<Record<string, readonly { readonly rows: number }[]>>): CloudTrailOcsfKind[] {
  return CLOUDTRAIL_OCSF_KINDS.filter((kind) => chosenFeed(kind, ocsfSource, lakeRows(kind, parts)) === 'cloudtrail');
}

/** The regions (as written in names, `us_west_2`) a query's text names lake tables or databases of. */
export function lakeRegionsNamed(sql: string): Set<string> {
  const regions = new Set<string>();
  for (const token of tokenizeTrino(sql)) {
    if (token.kind !== 'word' && token.kind !== 'quoted') continue;
    // DuckDB matches identifiers, quoted or not, without regard to case.
    const name = (token.kind === 'quoted' ? token.text.slice(1, -1).replace(/""/g, '"') : token.text).toLowerCase();
    const region = LAKE_TABLE_NAME.exec(name)?.[1] ?? LAKE_DATABASE_NAME.exec(name)?.[1];
    if (region !== undefined) regions.add(region);
  }
  return regions;
}

/** Creates the lake's names for the regions a query names, once per region per connection. */
export class LakeNames {
  readonly #connection: DuckDBConnection;
  readonly #regions: LakeRegions;
  readonly #created = new Set<string>();

  constructor(connection: DuckDBConnection, regions: LakeRegions) {
    this.#connection = connection;
    this.#regions = regions;
  }

  /** Creates the names of every region `sql` names that has none yet; says whether it names any lake table. */
  async ensure(sql: string): Promise<boolean> {
    const named = lakeRegionsNamed(sql);
    const fresh = [...named].filter((region) => !this.#created.has(region));
    if (fresh.length === 0) return named.size > 0;
    const statements: string[] = [];
    for (const region of fresh) {
      // `region` matched [a-z0-9_]+ (the names' pattern), so it is safe in names and literals.
      const database = lakeDatabase(regionFromName(region));
      const own = this.#regions === 'own' ? ` WHERE region = '${regionFromName(region)}'` : '';
      for (const catalog of ['memory', ATHENA_CATALOG]) statements.push(`CREATE SCHEMA IF NOT EXISTS ${catalog}.${quote(database)}`);
      for (const kind of OCSF_TABLE_KINDS) {
        const table = quote(lakeTable(regionFromName(region), kind));
        statements.push(`CREATE OR REPLACE VIEW memory.main.${table} AS SELECT * FROM ${feedView(kind)}${own}`);
        for (const catalog of ['memory', ATHENA_CATALOG]) {
          statements.push(`CREATE OR REPLACE VIEW ${catalog}.${quote(database)}.${table} AS SELECT * FROM memory.main.${table}`);
        }
      }
    }
    await this.#connection.run(statements.join(';\n'));
    for (const region of fresh) this.#created.add(region);
    return true;
  }
}
