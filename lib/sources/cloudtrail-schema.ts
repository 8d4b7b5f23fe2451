/**
 * The CloudTrail table, column for column as Athena's CloudTrail DDL (the CloudTrail console's
 * and the Security Analytics Bootstrap's) declares it, with the JSON key each column is read
 * from. Log files spell keys in camelCase (`sourceIPAddress`, `resources[].ARN`); Athena's
 * names are lower case. Both engines are generated from this one description.
 */

/** A field's type in the table. `json` columns hold the raw JSON text, as Athena's `STRING`. */
export type FieldType =
  | 'string'
  | 'json'
  | { readonly struct: readonly Field[] }
  | { readonly array: FieldType }
  | { readonly map: 'string' };

/** One column or struct member: the Athena name and the key in the log record. */
export interface Field {
  readonly name: string;
  readonly key: string;
  readonly type: FieldType;
}

const f = (key: string, type: FieldType = 'string'): Field => ({ name: key.toLowerCase(), key, type });
const struct = (...fields: Field[]): FieldType => ({ struct: fields });

const sessionIssuer = struct(f('type'), f('principalId'), f('arn'), f('accountId'), f('userName'));

const userIdentity = struct(
  f('type'),
  f('principalId'),
  f('arn'),
  f('accountId'),
  f('invokedBy'),
  f('accessKeyId'),
  f('userName'),
  f('onBehalfOf', struct(f('userId'), f('identityStoreArn'))),
  f(
    'sessionContext',
    struct(
      f('attributes', struct(f('mfaAuthenticated'), f('creationDate'))),
      f('sessionIssuer', sessionIssuer),
      f('ec2RoleDelivery'),
      f('webIdFederationData', struct(f('federatedProvider'), f('attributes', { map: 'string' }))),
    ),
  ),
);

/** The event columns of the `cloudtrail` table, in Athena's order. */
export const CLOUDTRAIL_FIELDS: readonly Field[] = [
  f('eventVersion'),
  f('userIdentity', userIdentity),
  f('eventTime'),
  f('eventSource'),
  f('eventName'),
  f('awsRegion'),
  f('sourceIPAddress'),
  f('userAgent'),
  f('errorCode'),
  f('errorMessage'),
  f('requestParameters', 'json'),
  f('responseElements', 'json'),
  f('additionalEventData', 'json'),
  f('requestID'),
  f('eventID'),
  f('resources', { array: struct(f('ARN'), f('accountId'), f('type')) }),
  f('eventType'),
  f('apiVersion'),
  f('readOnly'),
  f('recipientAccountId'),
  f('serviceEventDetails', 'json'),
  f('sharedEventID'),
  f('vpcEndpointId'),
  f('vpcEndpointAccountId'),
  f('eventCategory'),
  f('addendum', struct(f('reason'), f('updatedFields'), f('originalRequestID'), f('originalEventID'))),
  f('sessionCredentialFromConsole'),
  f('edgeDeviceDetails', 'json'),
  f('tlsDetails', struct(f('tlsVersion'), f('cipherSuite'), f('clientProvidedHostHeader'))),
];

/** The Security Analytics Bootstrap's partition columns, all strings. */
export const CLOUDTRAIL_PARTITIONS = ['account_partition', 'region_partition', 'date_partition'] as const;

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The DuckDB type that reads a field straight from JSON: member names are the record's keys
 * (DuckDB matches JSON keys case-sensitively) and JSON-text columns are `JSON`.
 */
export function duckdbReadType(type: FieldType): string {
  if (type === 'string') return 'VARCHAR';
  if (type === 'json') return 'JSON';
  if ('struct' in type) {
    return `STRUCT(${type.struct.map((m) => `${quote(m.key)} ${duckdbReadType(m.type)}`).join(', ')})`;
  }
  if ('array' in type) return `${duckdbReadType(type.array)}[]`;
  return 'MAP(VARCHAR, VARCHAR)';
}

/**
 * The DuckDB type of the column as the table shows it: Athena's lower-case member names and
 * JSON text as `VARCHAR`. A struct read with `duckdbReadType` casts to it by name.
 */
export function duckdbTableType(type: FieldType): string {
  if (type === 'string' || type === 'json') return 'VARCHAR';
  if ('struct' in type) {
    return `STRUCT(${type.struct.map((m) => `${quote(m.name)} ${duckdbTableType(m.type)}`).join(', ')})`;
  }
  if ('array' in type) return `${duckdbTableType(type.array)}[]`;
  return 'MAP(VARCHAR, VARCHAR)';
}

/** The Hive/Athena DDL type text, e.g. `STRUCT<type:STRING, arn:STRING>`. */
export function athenaType(type: FieldType): string {
  if (type === 'string' || type === 'json') return 'STRING';
  if ('struct' in type) {
    return `STRUCT<${type.struct.map((m) => `${m.name}:${athenaType(m.type)}`).join(', ')}>`;
  }
  if ('array' in type) return `ARRAY<${athenaType(type.array)}>`;
  return 'MAP<STRING,STRING>';
}
