/** The DDL of a CloudTrail table with partition projection, in the Security Analytics Bootstrap's shape. */

import { OptionError } from '../../errors';
import type { QueryResult } from '../../result/query-result';
import { checkOptionNames } from '../../options';
import { CLOUDTRAIL_FIELDS, athenaType } from '../../sources/cloudtrail-schema';

/** Where the trail writes and what to project. */
export interface CloudTrailTableOptions {
  /** The trail's bucket, e.g. `my-org-cloudtrail`. */
  readonly bucket: string;
  /** The key prefix before `AWSLogs/`, if the trail has one. */
  readonly prefix?: string;
  /** An organization trail's id (`o-…`): its logs sit under `AWSLogs/<o-id>/<account>/`. */
  readonly organizationId?: string;
  /** Account ids to project (`account_partition`). */
  readonly accounts: readonly string[];
  /** Regions to project (`region_partition`). */
  readonly regions: readonly string[];
  /** First day of logs, `YYYY/MM/DD` or `YYYY-MM-DD`; the range ends at NOW. */
  readonly startDate: string;
  /** Database and table. Defaults `security_analysis` and `cloudtrail`. */
  readonly database?: string;
  readonly table?: string;
}

const NAMES = ['bucket', 'prefix', 'organizationId', 'accounts', 'regions', 'startDate', 'database', 'table'] as const;

// DDL cannot take parameters, so every value is held to a pattern that cannot end a quoted
// string or a backquoted name, instead of being escaped.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.*()/-]*$/;
const ORG = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const NAME = /^[a-z_][a-z0-9_]{0,254}$/;

function check(option: string, value: unknown, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new OptionError(option, value, `createCloudTrailTable: ${option} must be ${what}, not ${JSON.stringify(value)}`);
  }
  return value;
}

function list(option: string, value: unknown, pattern: RegExp, what: string): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new OptionError(option, value, `createCloudTrailTable: ${option} must be a non-empty list of ${what}`);
  }
  return value.map((v, i) => check(`${option}[${i}]`, v, pattern, what));
}

/**
 * The `CREATE EXTERNAL TABLE` statement for a CloudTrail trail with partition projection on
 * account, region and day (`account_partition`, `region_partition`, `date_partition` as
 * `yyyy/MM/dd`), the columns of the CloudTrail console's and the Bootstrap's table, for a
 * single-account or an organization trail. Partition projection needs no `MSCK REPAIR` and
 * lets Athena prune by the playbooks' window.
 *
 * @example
 * const ddl = cloudTrailTableDdl({ bucket: 'org-trail', organizationId: 'o-abcdefghij',
 *   accounts: ['111122223333'], regions: ['us-east-1'], startDate: '2024/01/01' });
 * await athena.query(ddl);
 */
export function cloudTrailTableDdl(options: CloudTrailTableOptions): string {
  checkOptionNames(options, NAMES, 'createCloudTrailTable');
  const bucket = check('bucket', options.bucket, BUCKET, 'an S3 bucket name');
  const prefix = check('prefix', options.prefix ?? '', PREFIX, 'a key prefix of letters, digits and / - _ . ! * ( )').replace(/^\/+|\/+$/g, '');
  const org = options.organizationId === undefined ? undefined : check('organizationId', options.organizationId, ORG, 'an organization id like o-abcdefghij');
  const accounts = list('accounts', options.accounts, ACCOUNT, '12-digit account ids');
  const regions = list('regions', options.regions, REGION, 'region names like us-east-1');
  const startDate = check('startDate', options.startDate, /^\d{4}[/-]\d{2}[/-]\d{2}$/, 'a day, YYYY/MM/DD').replace(/-/g, '/');
  const database = check('database', options.database ?? 'security_analysis', NAME, 'a lower-case database name');
  const table = check('table', options.table ?? 'cloudtrail', NAME, 'a lower-case table name');

  const root = `s3://${bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/${org ? `${org}/` : ''}`;
  const columns = CLOUDTRAIL_FIELDS.map((f) => `  \`${f.name}\` ${athenaType(f.type)}`).join(',\n');
  return `CREATE EXTERNAL TABLE IF NOT EXISTS \`${database}\`.\`${table}\` (
${columns}
)
PARTITIONED BY (\`account_partition\` STRING, \`region_partition\` STRING, \`date_partition\` STRING)
ROW FORMAT SERDE 'com.amazon.emr.hive.serde.CloudTrailSerde'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '${root}'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.account_partition.type' = 'enum',
  'projection.account_partition.values' = '${accounts.join(',')}',
  'projection.region_partition.type' = 'enum',
  'projection.region_partition.values' = '${regions.join(',')}',
  'projection.date_partition.type' = 'date',
  'projection.date_partition.format' = 'yyyy/MM/dd',
  'projection.date_partition.interval' = '1',
  'projection.date_partition.interval.unit' = 'DAYS',
  'projection.date_partition.range' = '${startDate},NOW',
  'storage.location.template' = '${root}\${account_partition}/CloudTrail/\${region_partition}/\${date_partition}'
)`;
}

/**
 * Create the CloudTrail table on Athena (see {@link cloudTrailTableDdl}); `IF NOT EXISTS`
 * makes it safe to run again.
 *
 * @example
 * await createCloudTrailTable(athena, { bucket: 'my-trail', accounts: ['111122223333'],
 *   regions: ['us-east-1', 'eu-west-1'], startDate: '2024/01/01' });
 */
export async function createCloudTrailTable(
  engine: { query(query: string): Promise<QueryResult> },
  options: CloudTrailTableOptions,
): Promise<QueryResult> {
  return engine.query(cloudTrailTableDdl(options));
}
