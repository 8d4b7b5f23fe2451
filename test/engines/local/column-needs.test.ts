import { describe, expect, it } from 'vitest';
import { columnNeeds, fieldsToRead, partitionsToRead } from '../../../lib/engines/local/column-needs';
import { tokenizeTrino } from '../../../lib/engines/local/trino/tokens';
import { CLOUDTRAIL_FIELDS, type Field } from '../../../lib/sources/cloudtrail-schema';

const needs = (sql: string) => columnNeeds(tokenizeTrino(sql));
/** Field keys read, with struct members as `key.member`. */
const read = (sql: string) => fieldsToRead(needs(sql)).flatMap((f) => paths(f, ''));
function paths(field: Field, prefix: string): string[] {
  const name = prefix + field.key;
  if (typeof field.type === 'string' || !('struct' in field.type)) return [name];
  return field.type.struct.flatMap((m) => paths(m, `${name}.`));
}
const ALL_FIELDS = CLOUDTRAIL_FIELDS.flatMap((f) => paths(f, ''));

describe('columns a query needs', () => {
  it('reads only the struct members and columns query 2.2 names', () => {
    expect(read(`SELECT useridentity.arn, count(*) AS total FROM cloudtrail
      WHERE errorcode IN (?, ?) AND useridentity.arn LIKE '%iam%' GROUP BY 1`)).toEqual(['userIdentity.arn', 'errorCode']);
  });

  it('reads nested members by their whole path, and a struct named bare whole', () => {
    expect(read('SELECT useridentity.sessioncontext.sessionissuer.arn FROM cloudtrail')).toEqual([
      'userIdentity.sessionContext.sessionIssuer.arn',
    ]);
    expect(read('SELECT "UserIdentity" FROM cloudtrail').length).toBe(ALL_FIELDS.filter((p) => p.startsWith('userIdentity.')).length);
  });

  it('reads everything for SELECT *, t.* and COLUMNS(…), but not for count(*) or a product', () => {
    for (const sql of ['SELECT * FROM cloudtrail', 'SELECT c.* FROM cloudtrail c', "SELECT COLUMNS('event.*') FROM cloudtrail"]) {
      expect(needs(sql), sql).toBe('all');
    }
    expect(read('SELECT count(*) FROM cloudtrail')).toEqual(['eventVersion']);
    expect(read('SELECT cardinality(resources) * 2 FROM cloudtrail')).toEqual(['resources']);
  });

  it('ignores names inside string literals and comments', () => {
    expect(read("SELECT eventname FROM cloudtrail WHERE 'useridentity' <> '' -- errorcode")).toEqual(['eventName']);
  });

  it('reads the record field a partition falls back to', () => {
    const n = needs('SELECT date_partition, count(*) FROM cloudtrail GROUP BY 1');
    expect(partitionsToRead(n)).toEqual(['date_partition']);
    expect(read('SELECT date_partition FROM cloudtrail')).toEqual(['eventTime']);
  });

  it('keeps a struct whole when a path names no real member, so DuckDB reports the typo', () => {
    expect(read('SELECT tlsdetails.nosuch FROM cloudtrail')).toEqual(['tlsDetails.tlsVersion', 'tlsDetails.cipherSuite', 'tlsDetails.clientProvidedHostHeader']);
  });
});
