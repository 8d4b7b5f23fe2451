// schema.ts against the reference it was transcribed from (names and Glue types, in order), and
// the Glue → DuckDB type reading on the shapes the tables use.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OCSF_COLUMNS, OCSF_TABLE_KINDS, duckdbType, lakeDatabase, lakeTable, LAKE_TABLE_NAME } from '../../lib/sources/ocsf/schema';

const REFERENCE = join(__dirname, '..', '..', '..', 'shared', 'reference', 'security-lake-2.0');

describe.runIf(existsSync(REFERENCE))('the OCSF tables as the reference publishes them', () => {
  it.each(OCSF_TABLE_KINDS)('%s: the same column names and Glue types, in the same order', (kind) => {
    const reference = JSON.parse(readFileSync(join(REFERENCE, `${kind}_2_0.json`), 'utf8')) as { columns: { name: string; type: string }[] };
    expect(OCSF_COLUMNS[kind].map((c) => [c.name, c.glueType])).toEqual(reference.columns.map((c) => [c.name, c.type]));
  });
});

describe('Glue types as DuckDB types', () => {
  it('reads structs, arrays, maps, decimals and scalars', () => {
    expect(duckdbType('struct<a:string,b:array<struct<c:int,d:decimal(9,6)>>,m:map<string,string>>'))
      .toBe('STRUCT("a" VARCHAR, "b" STRUCT("c" INTEGER, "d" DECIMAL(9,6))[], "m" MAP(VARCHAR, VARCHAR))');
    expect(duckdbType('timestamp')).toBe('TIMESTAMP');
    expect(duckdbType('bigint')).toBe('BIGINT');
  });

  it('names what it cannot read', () => {
    expect(() => duckdbType('struct<a:string')).toThrow(/Glue type/);
    expect(() => duckdbType('uniontype<int,string>')).toThrow(/unknown Glue type "uniontype"/);
    expect(() => duckdbType('string,')).toThrow(/unexpected ","/);
  });

  it('names the lake database and tables for a region, and reads the names back', () => {
    expect(lakeDatabase('us-west-2')).toBe('amazon_security_lake_glue_db_us_west_2');
    expect(lakeTable('eu-west-1', 's3_data')).toBe('amazon_security_lake_table_eu_west_1_s3_data_2_0');
    expect(LAKE_TABLE_NAME.exec('amazon_security_lake_table_us_gov_west_1_cloud_trail_mgmt_2_0')?.slice(1)).toEqual(['us_gov_west_1', 'cloud_trail_mgmt']);
    expect(LAKE_TABLE_NAME.test('amazon_security_lake_table_us_west_2_vpc_flow_2_0')).toBe(false);
  });
});
