/**
 * The three Amazon Security Lake source-version-2 (OCSF 1.1) tables the S3 data-access
 * playbook queries, column for column as the lake's Glue tables declare them (names and Glue
 * types as AWS publishes them; see `../shared/reference/security-lake-2.0/`). Both engines and
 * both local feeds (the lake's Parquet, CloudTrail mapped to OCSF) are built from this one
 * description, including the struct members no query uses, so a query valid on Athena binds
 * the same columns locally.
 */

/** A column as Glue declares it. */
export interface GlueColumn {
  readonly name: string;
  /** The Hive/Glue type text, e.g. `struct<uid:string,name:string>`. */
  readonly glueType: string;
}

/** The lake's sources this project reads, by their table suffix. */
export type OcsfTableKind = 'cloud_trail_mgmt' | 's3_data' | 'sh_findings';

/** Every kind, in catalog order. */
export const OCSF_TABLE_KINDS: readonly OcsfTableKind[] = ['cloud_trail_mgmt', 's3_data', 'sh_findings'];

/** The source's folder in the lake's bucket (`aws/<folder>/2.0/`). */
export const LAKE_SOURCE_FOLDERS: Readonly<Record<OcsfTableKind, string>> = {
  cloud_trail_mgmt: 'CLOUD_TRAIL_MGMT',
  s3_data: 'S3_DATA',
  sh_findings: 'SH_FINDINGS',
};

/** The source version the tables are for (the `_2_0` suffix and the `2.0/` folder). */
export const LAKE_SOURCE_VERSION = '2.0';

/** `us-west-2` → `us_west_2`, as the lake writes regions in database and table names. */
export function regionInName(region: string): string {
  return region.replace(/-/g, '_');
}

/** `us_west_2` → `us-west-2`. */
export function regionFromName(name: string): string {
  return name.replace(/_/g, '-');
}

/** The lake's Glue database for a region: `amazon_security_lake_glue_db_us_west_2`. */
export function lakeDatabase(region: string): string {
  return `amazon_security_lake_glue_db_${regionInName(region)}`;
}

/** The lake's table for a region and source: `amazon_security_lake_table_us_west_2_s3_data_2_0`. */
export function lakeTable(region: string, kind: OcsfTableKind): string {
  return `amazon_security_lake_table_${regionInName(region)}_${kind}_2_0`;
}

/** Matches a lake table name, capturing the region (with `_`) and the kind. */
export const LAKE_TABLE_NAME = /^amazon_security_lake_table_([a-z0-9_]+?)_(cloud_trail_mgmt|s3_data|sh_findings)_2_0$/;
/** Matches a lake database name, capturing the region (with `_`). */
export const LAKE_DATABASE_NAME = /^amazon_security_lake_glue_db_([a-z0-9_]+)$/;

/**
 * A Glue type as DuckDB's: `struct<a:string>` → `STRUCT("a" VARCHAR)`, `array<x>` → `x[]`,
 * `map<string,string>` → `MAP(VARCHAR, VARCHAR)`, `int` → `INTEGER`, `timestamp` →
 * `TIMESTAMP`, `decimal(p,s)` → `DECIMAL(p,s)`.
 *
 * @throws Error naming the type text it cannot read (a defect in the tables above)
 */
export function duckdbType(glueType: string): string {
  const reader = { text: glueType.replace(/\s+/g, ''), at: 0 };
  const type = readType(reader);
  if (reader.at !== reader.text.length) throw new Error(`unexpected ${JSON.stringify(reader.text.slice(reader.at))} in Glue type ${glueType}`);
  return type;
}

const SCALARS: Readonly<Record<string, string>> = {
  string: 'VARCHAR', bigint: 'BIGINT', int: 'INTEGER', integer: 'INTEGER', smallint: 'SMALLINT', tinyint: 'TINYINT',
  boolean: 'BOOLEAN', timestamp: 'TIMESTAMP', double: 'DOUBLE', float: 'FLOAT', date: 'DATE', binary: 'BLOB',
};

function readType(r: { text: string; at: number }): string {
  const word = /^[a-z]+/.exec(r.text.slice(r.at))?.[0] ?? '';
  r.at += word.length;
  const expect = (c: string) => {
    if (r.text[r.at] !== c) throw new Error(`expected ${c} at ${r.at} in Glue type ${r.text}`);
    r.at++;
  };
  if (word === 'struct') {
    expect('<');
    const members: string[] = [];
    for (;;) {
      const name = /^[A-Za-z0-9_]+/.exec(r.text.slice(r.at))?.[0];
      if (!name) throw new Error(`expected a member name at ${r.at} in Glue type ${r.text}`);
      r.at += name.length;
      expect(':');
      members.push(`"${name}" ${readType(r)}`);
      if (r.text[r.at] === ',') { r.at++; continue; }
      expect('>');
      return `STRUCT(${members.join(', ')})`;
    }
  }
  if (word === 'array') {
    expect('<');
    const element = readType(r);
    expect('>');
    return `${element}[]`;
  }
  if (word === 'map') {
    expect('<');
    const key = readType(r);
    expect(',');
    const value = readType(r);
    expect('>');
    return `MAP(${key}, ${value})`;
  }
  if (word === 'decimal') {
    const m = /^\(([0-9]+),([0-9]+)\)/.exec(r.text.slice(r.at));
    if (!m) throw new Error(`expected (precision,scale) at ${r.at} in Glue type ${r.text}`);
    r.at += m[0].length;
    return `DECIMAL(${m[1]},${m[2]})`;
  }
  const scalar = SCALARS[word];
  if (!scalar) throw new Error(`unknown Glue type ${JSON.stringify(word)} in ${r.text}`);
  return scalar;
}

/** `…_cloud_trail_mgmt_2_0`, in the lake's column order. */
export const CLOUD_TRAIL_MGMT_COLUMNS: readonly GlueColumn[] = [
  { name: 'metadata', glueType: 'struct<product:struct<version:string,name:string,vendor_name:string,feature:struct<name:string>>,event_code:string,uid:string,profiles:array<string>,version:string>' },
  { name: 'time', glueType: 'bigint' },
  { name: 'time_dt', glueType: 'timestamp' },
  { name: 'cloud', glueType: 'struct<region:string,provider:string>' },
  { name: 'api', glueType: 'struct<response:struct<error:string,message:string,data:string>,operation:string,version:string,service:struct<name:string>,request:struct<data:string,uid:string>>' },
  { name: 'dst_endpoint', glueType: 'struct<svc_name:string>' },
  { name: 'actor', glueType: 'struct<user:struct<type:string,name:string,uid_alt:string,uid:string,account:struct<uid:string>,credential_uid:string>,session:struct<created_time_dt:timestamp,is_mfa:boolean,issuer:string>,invoked_by:string,idp:struct<name:string>>' },
  { name: 'http_request', glueType: 'struct<user_agent:string>' },
  { name: 'src_endpoint', glueType: 'struct<uid:string,ip:string,domain:string>' },
  { name: 'session', glueType: 'struct<uid:string,uid_alt:string,credential_uid:string,issuer:string>' },
  { name: 'policy', glueType: 'struct<uid:string>' },
  { name: 'resources', glueType: 'array<struct<uid:string,owner:struct<account:struct<uid:string>>,type:string>>' },
  { name: 'class_name', glueType: 'string' },
  { name: 'class_uid', glueType: 'int' },
  { name: 'category_name', glueType: 'string' },
  { name: 'category_uid', glueType: 'int' },
  { name: 'severity_id', glueType: 'int' },
  { name: 'severity', glueType: 'string' },
  { name: 'user', glueType: 'struct<uid_alt:string,uid:string,name:string>' },
  { name: 'activity_name', glueType: 'string' },
  { name: 'activity_id', glueType: 'int' },
  { name: 'type_uid', glueType: 'bigint' },
  { name: 'type_name', glueType: 'string' },
  { name: 'status', glueType: 'string' },
  { name: 'is_mfa', glueType: 'boolean' },
  { name: 'unmapped', glueType: 'map<string,string>' },
  { name: 'accountid', glueType: 'string' },
  { name: 'region', glueType: 'string' },
  { name: 'asl_version', glueType: 'string' },
  { name: 'observables', glueType: 'array<struct<name:string,value:string,type:string,type_id:int>>' },
];

/** `…_s3_data_2_0`: the same columns as the management table (both hold CloudTrail records). */
export const S3_DATA_COLUMNS: readonly GlueColumn[] = CLOUD_TRAIL_MGMT_COLUMNS;

/** `…_sh_findings_2_0`, in the lake's column order. */
export const SH_FINDINGS_COLUMNS: readonly GlueColumn[] = [
  { name: 'metadata', glueType: 'struct<log_version:string,product:struct<feature:struct<uid:string,name:string>,uid:string,name:string,vendor_name:string,version:string>,processed_time_dt:timestamp,profiles:array<string>,version:string,extensions:array<struct<name:string,uid:string,version:string>>>' },
  { name: 'time', glueType: 'bigint' },
  { name: 'time_dt', glueType: 'timestamp' },
  { name: 'confidence_score', glueType: 'int' },
  { name: 'message', glueType: 'string' },
  { name: 'cloud', glueType: 'struct<account:struct<uid:string>,region:string,provider:string>' },
  { name: 'resource', glueType: 'struct<type:string,uid:string,cloud_partition:string,region:string,labels:array<string>,data:string,criticality:string>' },
  { name: 'finding_info', glueType: 'struct<created_time_dt:timestamp,uid:string,desc:string,title:string,modified_time_dt:timestamp,first_seen_time_dt:timestamp,last_seen_time_dt:timestamp,related_events:array<struct<product_uid:string,uid:string>>,types:array<string>,src_url:string>' },
  { name: 'remediation', glueType: 'struct<desc:string,references:array<string>>' },
  { name: 'compliance', glueType: 'struct<standards:array<string>,requirements:array<string>,control:string,status:string,status_detail:string,status_code:string>' },
  { name: 'vulnerabilities', glueType: 'array<struct<remediation:struct<desc:string,references:array<string>>,cve:struct<cvss:array<struct<base_score:decimal(3,1),vector_string:string,version:string>>,uid:string,epss:struct<score:string>,references:array<string>,created_time_dt:timestamp,modified_time_dt:timestamp>,references:array<string>,related_vulnerabilities:array<string>,vendor_name:string,affected_packages:array<struct<architecture:string,epoch:int,path:string,fixed_in_version:string,name:string,package_manager:string,release:string,remediation:struct<desc:string>,version:string>>,cwe:struct<uid:string>,affected_code:array<struct<end_line:int,file:struct<name:string,path:string,uid:string,type_id:int>,start_line:int>>,is_fix_available:boolean,is_exploit_available:boolean>>' },
  { name: 'resources', glueType: 'array<struct<type:string,uid:string,cloud_partition:string,region:string,labels:array<string>,data:string,criticality:string,owner:struct<account:struct<uid:string>>>>' },
  { name: 'evidences', glueType: 'array<struct<data:string,actor:struct<process:struct<created_time_dt:timestamp,name:string,pid:int,uid:string,user:struct<name:string,uid:string>,cmd_line:string,parent_process:struct<uid:string>,file:struct<path:string,name:string,type_id:int,hashes:array<struct<value:string,algorithm_id:int,algorithm:string>>>,euid:int>,api:struct<operation:string,response:struct<error:string,code:int>,service:struct<name:string>>,src_endpoint:struct<ip:string,location:struct<country:string,city:string,coordinates:array<decimal(9,6)>>,port:int>,connection_info:struct<protocol_name:string,direction_id:int,direction:string>,dst_endpoint:struct<ip:string,port:int,location:struct<city:string,country:string,coordinates:array<decimal(9,6)>>>,query:struct<hostname:string>>>>' },
  { name: 'class_name', glueType: 'string' },
  { name: 'class_uid', glueType: 'int' },
  { name: 'category_name', glueType: 'string' },
  { name: 'category_uid', glueType: 'int' },
  { name: 'severity_id', glueType: 'int' },
  { name: 'severity', glueType: 'string' },
  { name: 'activity_name', glueType: 'string' },
  { name: 'activity_id', glueType: 'int' },
  { name: 'type_uid', glueType: 'bigint' },
  { name: 'type_name', glueType: 'string' },
  { name: 'status', glueType: 'string' },
  { name: 'unmapped', glueType: 'map<string,string>' },
  { name: 'accountid', glueType: 'string' },
  { name: 'region', glueType: 'string' },
  { name: 'asl_version', glueType: 'string' },
  { name: 'observables', glueType: 'array<struct<name:string,value:string,type:string,type_id:int>>' },
];

/** Each table's columns. */
export const OCSF_COLUMNS: Readonly<Record<OcsfTableKind, readonly GlueColumn[]>> = {
  cloud_trail_mgmt: CLOUD_TRAIL_MGMT_COLUMNS,
  s3_data: S3_DATA_COLUMNS,
  sh_findings: SH_FINDINGS_COLUMNS,
};
