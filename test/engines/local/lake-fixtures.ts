/**
 * Security Lake Parquet files written by DuckDB in the test, in the shapes real lake files
 * take: the reference columns and types, or columns in another order, struct members or whole
 * columns missing, extra columns, `time_dt` as TIMESTAMP WITH TIME ZONE.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { duckdbType, OCSF_COLUMNS, type OcsfTableKind } from '../../../lib/sources/ocsf/schema';

/** What a test row says; everything else is NULL or absent. */
export interface LakeRow {
  readonly uid: string;
  readonly user: string;
  readonly operation: string;
  readonly region: string;
  /** UTC, `2024-03-12T10:00:00Z`. */
  readonly time: string;
  readonly target?: string;
  readonly service?: string;
}

/** How a file spells its rows. */
export type LakeShape =
  /** Every reference column, in order, with the reference types. */
  | 'reference'
  /** Only the columns the rows set, in another order, structs with only the members set. */
  | 'partial'
  /** Partial, plus a column and a struct member the tables do not have. */
  | 'extra'
  /** Partial, with `time_dt` as TIMESTAMP WITH TIME ZONE written at +02:00. */
  | 'zoned';

const text = (value: string | undefined) => (value === undefined ? 'NULL::VARCHAR' : `'${value.replace(/'/g, "''")}'`);

/** `2024-03-12T23:30:00Z` → `2024-03-13 01:30:00+02`: the same instant, written in another zone. */
function atPlusTwo(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 2 * 3600_000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
  return `${shifted}+02`;
}

function rowSql(row: LakeRow, shape: LakeShape): string {
  const time = shape === 'zoned' ? `TIMESTAMPTZ '${atPlusTwo(row.time)}'` : `TIMESTAMP '${row.time.replace('T', ' ').replace('Z', '')}'`;
  const actorUser = `'name': ${text(row.user)}, 'type': 'IAMUser', 'uid': ${text(`arn:aws:iam::111122223333:user/${row.user}`)}${shape === 'extra' ? `, 'unexpected': 42` : ''}`;
  // Reverse of the lake's order, so a reader matching by position would mix the columns up.
  return `SELECT ${text(row.region)} AS region, 'Success' AS status, {'name': ${text(row.target)}} AS "user", ` +
    `[{'uid': 'arn:aws:s3:::bucket-${row.uid}', 'type': 'AwsS3Bucket'}, {'uid': 'arn:aws:s3:::bucket-${row.uid}/key', 'type': 'AwsS3Object'}] AS resources, ` +
    `{'user': {${actorUser}}} AS actor, ` +
    `{'operation': ${text(row.operation)}, 'service': {'name': ${text(row.service ?? 'iam.amazonaws.com')}}, 'request': {'data': '{"userName":"${row.target ?? ''}"}'}} AS api, ` +
    `${time} AS time_dt, ${Date.parse(row.time)}::BIGINT AS "time", {'uid': ${text(row.uid)}, 'product': {'name': 'CloudTrail'}} AS metadata, ` +
    `'111122223333' AS accountid${shape === 'extra' ? `, 'not in the table' AS extra_column` : ''}`;
}

/** Writes lake Parquet files with one DuckDB instance; `close()` when done. */
export class LakeWriter {
  private constructor(private readonly connection: DuckDBConnection, private readonly instance: DuckDBInstance) {}

  static async open(): Promise<LakeWriter> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    return new LakeWriter(connection, instance);
  }

  /** Writes `rows` of a `kind` table to `path` in `shape`; returns the path. */
  async write(path: string, kind: OcsfTableKind, rows: readonly LakeRow[], shape: LakeShape = 'reference'): Promise<string> {
    mkdirSync(dirname(path), { recursive: true });
    const union = rows.map((row) => rowSql(row, shape)).join(' UNION ALL BY NAME ');
    const present = new Set(['region', 'status', 'user', 'resources', 'actor', 'api', 'time_dt', 'time', 'metadata', 'accountid']);
    const select = shape === 'reference'
      ? `SELECT ${OCSF_COLUMNS[kind].map((c) => `CAST(${present.has(c.name) ? `"${c.name}"` : 'NULL'} AS ${duckdbType(c.glueType)}) AS "${c.name}"`).join(', ')} FROM (${union})`
      : union;
    await this.connection.run(`COPY (${select}) TO '${path.replace(/'/g, "''")}' (FORMAT parquet)`);
    return path;
  }

  /** Writes what a SELECT gives to `path`, for files of shapes no lake writes. */
  async writeSelect(path: string, select: string): Promise<string> {
    mkdirSync(dirname(path), { recursive: true });
    await this.connection.run(`COPY (${select}) TO '${path.replace(/'/g, "''")}' (FORMAT parquet)`);
    return path;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Rows numbered from `from`, all at minutes of 2024-03-12 UTC, in `region`. */
export function lakeRows(from: number, n: number, region = 'us-east-1', overrides: Partial<LakeRow> = {}): LakeRow[] {
  return Array.from({ length: n }, (_, i) => ({
    uid: `lake-${from + i}`,
    user: (from + i) % 2 === 0 ? 'Service_Backup' : 'alice',
    operation: ['CreateUser', 'AttachUserPolicy', 'CreateAccessKey', 'ListBuckets'][(from + i) % 4]!,
    region,
    time: new Date(Date.UTC(2024, 2, 12, 10, 0, 0) + (from + i) * 60_000).toISOString().replace('.000', ''),
    target: `new-user-${from + i}`,
    ...overrides,
  }));
}
