/**
 * Turns the `cloudtrail` table into DuckDB scans of the log files. The table is not a view:
 * each query gets a scan that parses only the columns it needs (see column-needs.ts) and
 * takes the file lists as bound parameters, so nothing is re-created when files arrive.
 */
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { duckdbReadType, duckdbTableType, type Field } from '../../sources/cloudtrail-schema';
import type { LogFile } from './log-inventory';
import type { Compression, LogShape } from './log-shape';
import { identifierOf, isSignificant, type TrinoToken as Token } from './trino/tokens';

type Partition = 'account_partition' | 'region_partition' | 'date_partition';

/** Real delivery files hold one object for all records; DuckDB must accept it whole. */
const MAXIMUM_OBJECT_SIZE = 1 << 30;

/** S3 delivery layout, also for organization trails: AWSLogs/[o-…/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/ */
const LAYOUT = String.raw`/AWSLogs/(?:o-[a-z0-9]+/)?([0-9]{12})/CloudTrail/([a-z0-9-]+)/([0-9]{4}/[0-9]{2}/[0-9]{2})/`;

const PARTITION_SQL: Record<Partition, string> = {
  account_partition: `coalesce(nullif(regexp_extract(filename, '${LAYOUT}', 1), ''), "recipientAccountId")`,
  region_partition: `coalesce(nullif(regexp_extract(filename, '${LAYOUT}', 2), ''), "awsRegion")`,
  date_partition: `coalesce(nullif(regexp_extract(filename, '${LAYOUT}', 3), ''), replace(substr("eventTime", 1, 10), '-', '/'))`,
};

const FORMAT: Record<LogShape, string> = {
  'records-line': 'newline_delimited',
  records: 'unstructured',
  array: 'array',
  lines: 'unstructured',
};

/** A scan of the table: SQL text with one `?` per file group, and those groups' file lists. */
export interface Scan {
  readonly text: string;
  readonly params: readonly DuckDBValue[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Builds the scan for these fields and partitions over these files (at least one file). */
export function buildScan(fields: readonly Field[], partitions: readonly Partition[], files: readonly LogFile[]): Scan {
  const groups = new Map<string, { shape: LogShape; compression: Compression; paths: string[] }>();
  for (const file of files) {
    const key = `${file.shape}/${file.compression}`;
    const group = groups.get(key) ?? { shape: file.shape, compression: file.compression, paths: [] };
    group.paths.push(file.path);
    groups.set(key, group);
  }
  const record = `STRUCT(${fields.map((f) => `${quote(f.key)} ${duckdbReadType(f.type)}`).join(', ')})`;
  const parts = [...groups.values()].map(({ shape, compression }) => {
    const options = `format = '${FORMAT[shape]}', compression = '${compression === 'gzip' ? 'gzip' : 'uncompressed'}', maximum_object_size = ${MAXIMUM_OBJECT_SIZE}, filename = true`;
    if (shape === 'records-line' || shape === 'records') {
      const columns = literal(`${record}[]`);
      const picks = fields.map((f) => `r.${quote(f.key)} AS ${quote(f.key)}`).join(', ');
      return `SELECT ${picks}, filename FROM (SELECT unnest("Records") AS r, filename FROM read_json(?, columns = {'Records': ${columns}}, ${options}))`;
    }
    const columns = fields.map((f) => `${quote(f.key)}: ${literal(duckdbReadType(f.type))}`).join(', ');
    return `SELECT ${fields.map((f) => quote(f.key)).join(', ')}, filename FROM read_json(?, columns = {${columns}}, ${options})`;
  });
  const projection = [
    ...fields.map((f) => `CAST(${quote(f.key)} AS ${duckdbTableType(f.type)}) AS ${f.name}`),
    ...partitions.map((p) => `${PARTITION_SQL[p]} AS ${p}`),
  ];
  return {
    text: `(SELECT ${projection.join(', ')} FROM (${parts.join(' UNION ALL ')}))`,
    params: [...groups.values()].map((g) => listValue(g.paths)),
  };
}

/** The query with every reference to the table replaced by the scan, and the merged parameters. */
export interface SplicedQuery {
  readonly text: string;
  readonly params: readonly DuckDBValue[];
  readonly references: number;
}

const NOT_AN_ALIAS = new Set([
  'where', 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'on', 'using', 'group', 'order',
  'limit', 'offset', 'union', 'except', 'intersect', 'having', 'window', 'qualify', 'tablesample', 'fetch',
]);

/**
 * Replaces `cloudtrail`, `<schema>.cloudtrail` and `<catalog>.<schema>.cloudtrail` (for the
 * given schema names) with the scan. The scan's own parameters are inserted where the
 * reference stands, so the query's `?` values keep their order.
 */
export function spliceTable(
  tokens: readonly Token[],
  table: string,
  schemas: ReadonlySet<string>,
  userParams: readonly DuckDBValue[],
  scan: Scan,
): SplicedQuery {
  const out: Token[] = [];
  const params: DuckDBValue[] = [];
  let userIndex = 0;
  let references = 0;
  const sigIndex = new Map<Token, number>();
  const sig = tokens.filter(isSignificant);
  sig.forEach((t, i) => sigIndex.set(t, i));

  for (const token of tokens) {
    if (token.kind === 'param') {
      params.push(userParams[userIndex++] as DuckDBValue);
      out.push(token);
      continue;
    }
    const i = sigIndex.get(token);
    if (i === undefined || identifierOf(token) !== table || sig[i + 1]?.text === '.') {
      out.push(token);
      continue;
    }
    const qualifier = qualifierLength(sig, i, schemas);
    if (qualifier < 0) {
      out.push(token);
      continue;
    }
    // Drop the qualifier tokens already emitted (`schema .` or `catalog . schema .`).
    for (let dropped = 0; dropped < qualifier; ) {
      const last = out.pop() as Token;
      if (last.kind !== 'space' && last.kind !== 'comment') dropped++;
    }
    const next = sig[i + 1];
    const nextWord = next?.kind === 'word' ? next.text.toLowerCase() : undefined;
    const hasAlias = nextWord !== undefined && !NOT_AN_ALIAS.has(nextWord);
    out.push({ kind: 'word', text: hasAlias ? scan.text : `${scan.text} AS ${table}` });
    params.push(...scan.params);
    references++;
  }
  return { text: out.map((t) => t.text).join(''), params, references };
}

/** How many significant tokens before `i` qualify the table name; -1 if the schema is not ours. */
function qualifierLength(sig: readonly Token[], i: number, schemas: ReadonlySet<string>): number {
  if (sig[i - 1]?.text !== '.') return 0;
  const schema = identifierOf(sig[i - 2]);
  if (schema === undefined || !schemas.has(schema)) return -1;
  if (sig[i - 3]?.text === '.' && identifierOf(sig[i - 4]) === 'awsdatacatalog') return 4;
  return 2;
}
