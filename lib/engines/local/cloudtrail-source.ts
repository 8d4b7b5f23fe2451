/**
 * The `cloudtrail` table: Athena's CloudTrail columns plus the Security Analytics Bootstrap's
 * partition columns, fed from CloudTrail log files in any of the shapes `readLogFile` accepts.
 */
import { CLOUDTRAIL_FIELDS, CLOUDTRAIL_PARTITIONS, duckdbTableType } from '../../sources/cloudtrail-schema';
import { scanJson } from './json-scan';
import { lakeKindOf } from './lake-files';
import { EVENT_FIELD_KEYS, MAX_JSON_DEPTH, NO_EVENTS_REASON, parseLogText } from './log-reader';
import { conformRecord, recordReadType, typedValue } from './record-typing';
import type { FramedFile, JsonTableSource, SourceText } from './table-source';

/** S3 delivery layout, also for organization trails: AWSLogs/[o-…/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/ */
const LAYOUT = /[\\/]AWSLogs[\\/](?:o-[a-z0-9]+[\\/])?([0-9]{12})[\\/]CloudTrail[\\/]([a-z0-9-]+)[\\/]([0-9]{4})[\\/]([0-9]{2})[\\/]([0-9]{2})[\\/]/;

/** Partition values of a file from its S3 path; undefined for files outside that layout. */
function pathPartitions(path: string): { account: string; region: string; date: string } | undefined {
  const m = LAYOUT.exec(path);
  return m ? { account: m[1]!, region: m[2]!, date: `${m[3]}/${m[4]}/${m[5]}` } : undefined;
}

/**
 * A file's line: its own object with the file's id, its count of values set to NULL and its
 * path partitions as first members, `{"__file":7,"__untyped":0,"__account":"…","__region":"…",
 * "__date":"…",` followed by the rest of the file's `{"Records":[…]}` after its `{`. Every
 * member is always written, so a file holding one of these keys itself has a duplicate key,
 * which DuckDB refuses, and is read exactly instead.
 */
function lineHead(path: string, id: number, untyped = 0): string {
  const p = pathPartitions(path);
  const text = (value: string | undefined) => (value === undefined ? 'null' : JSON.stringify(value));
  return `{"__file":${id},"__untyped":${untyped},"__account":${text(p?.account)},"__region":${text(p?.region)},"__date":${text(p?.date)},`;
}

function frameCloudTrail({ path, id, bytes }: SourceText, exact: boolean): FramedFile {
  if (!exact) {
    const scan = scanJson(bytes, MAX_JSON_DEPTH);
    if (scan.kind === 'too-deep') return { ok: false, reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (scan.kind === 'records-object') {
      return { ok: true, line: Buffer.concat([Buffer.from(lineHead(path, id)), bytes.subarray(scan.open)]), records: scan.elements };
    }
  }
  // Arrays, JSON lines, digests, malformed files, values of the wrong type: parsed in JS,
  // which also names the problem.
  const content = parseLogText(bytes.toString('utf8'));
  if (!content.ok) return content;
  const report = { untyped: 0 };
  const records = content.records.map((record) => conformRecord(record, CLOUDTRAIL_FIELDS, report));
  return { ok: true, line: Buffer.from(`${lineHead(path, id, report.untyped)}"Records":${JSON.stringify(records)}}`), records: records.length };
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const field = (key: string) => `r.${quote(key)}`;

/** The SQL typing one record per row from framed lines. */
function typedCloudTrailRows(lines: string): string {
  const typed = CLOUDTRAIL_FIELDS.map((f) => `${typedValue(field(f.key), f.type)} AS ${quote(f.name)}`);
  const text = (key: string) => field(key);
  // Loose files (not in the S3 layout) take their partitions from the record, as Athena's
  // partition projection would place them.
  const partitions = [
    `coalesce(__account, ${text('recipientAccountId')}) AS account_partition`,
    `coalesce(__region, ${text('awsRegion')}) AS region_partition`,
    `coalesce(__date, replace(left(${text('eventTime')}, 10), '-', '/')) AS date_partition`,
  ];
  const record = EVENT_FIELD_KEYS.map((k) => `${field(k)} IS NOT NULL`).join(' OR ');
  return `SELECT ${[...typed, ...partitions].join(', ')}, __file AS _file, coalesce(__untyped, 0) AS _untyped, (${record}) AS _record ` +
    `FROM (SELECT __file, __untyped, __account, __region, __date, unnest("Records") AS r FROM ${lines})`;
}

/** The `cloudtrail` table source. */
export const CLOUDTRAIL_SOURCE: JsonTableSource = {
  format: 'json',
  table: 'cloudtrail',
  columns: [
    ...CLOUDTRAIL_FIELDS.map((f) => ({ name: f.name, type: duckdbTableType(f.type) })),
    ...CLOUDTRAIL_PARTITIONS.map((name) => ({ name, type: 'VARCHAR' })),
  ],
  // A folder per day, not per account, region and day: each data file costs a query about as
  // much to open as 500 rows to read, and the sample's 100,000 events would make 187 files
  // (query 2.2 took 5× as long over them as over one file). Account and region prune row groups.
  folderPartitions: ['date_partition'],
  databases: (configured) => [...new Set([configured, 'default', 'security_analysis'])],
  // Security Lake's data files are the lake tables'; every other file is read as a CloudTrail log.
  claims: (path) => lakeKindOf(path) === undefined,
  frame: frameCloudTrail,
  lineColumns: `{"__file": 'UINTEGER', "__untyped": 'UINTEGER', "__account": 'VARCHAR', "__region": 'VARCHAR', "__date": 'VARCHAR', "Records": '${recordReadType(CLOUDTRAIL_FIELDS)}[]'}`,
  typedRows: typedCloudTrailRows,
  notRecordsReason: NO_EVENTS_REASON,
};

