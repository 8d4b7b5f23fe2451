/**
 * CloudTrail → OCSF 1.1, as Amazon Security Lake source version 2 maps it: one SELECT turning
 * rows of the `cloudtrail` table (Athena's lower-case columns, JSON members as text) into rows
 * of the lake's CloudTrail tables, `…_cloud_trail_mgmt_2_0` and `…_s3_data_2_0`.
 *
 * Sources:
 * - the OCSF project's CloudTrail dossiers, ocsf/examples
 *   `mappings/markdown/AWS/v1.1.0/CloudTrail/{API Activity,Account Change,Authentication}/README.md`
 *   and their samples (`authentication.ocsf`: observables, `unmapped` keys, user of a logon);
 *   the same repository's v1.5.0 dossiers for `policy.uid`, `session.*` and the `unmapped`
 *   spelling (`"readOnly": "true"`, `userIdentity.sessionContext.sessionIssuer.type`);
 * - the lake's table schemas (`schema.ts`, from AWS's published Glue schemas) and the facts
 *   gathered in `shared/reference/security-lake-2.0/README.md`;
 * - OCSF 1.1 enumerations (classes and activities: `cloudtrail-classes.ts`; observable
 *   type_id 1 Hostname, 2 IP Address, 4 User Name, 10 Resource UID).
 * AWS does not publish Security Lake's own CloudTrail mapping; every rule the sources above
 * do not state is marked "unconfirmed" where it is made.
 *
 * Which rows (unconfirmed for records without eventCategory):
 * - `s3_data`: S3 data events, `eventCategory = 'Data'` from `s3.amazonaws.com`. Other data
 *   events (Lambda, DynamoDB…) go to neither table: the lake has other sources for them.
 * - `cloud_trail_mgmt`: management events, `eventCategory = 'Management'`.
 * - Records written before eventCategory existed (eventVersion < 1.07, 2019) have none: an S3
 *   event that lists an `AWS::S3::Object` among its resources is an S3 data event (CloudTrail
 *   lists objects only for object-level calls), any other such record a management event.
 * - Insights and network activity events go to neither.
 *
 * The outer SELECT casts every column to the lake's type; DuckDB casts structs by member
 * name, so members nothing maps (e.g. `actor.idp` of most rows, `session.issuer`) are NULL.
 * `from` must be a relation without an alias of its own (a table name, a table function or a
 * parenthesized query).
 */
import {
  API_ACTIVITY,
  API_ACTIVITY_VERBS,
  ACCOUNT_CHANGE,
  AUTHENTICATION,
  AUTHENTICATION_SOURCES,
  OCSF_CLASSES,
  namedEventTypes,
  typeUid,
} from './cloudtrail-classes';
import { OCSF_COLUMNS, duckdbType } from './schema';

/** The lake's CloudTrail tables (Security Hub findings do not come from CloudTrail). */
export type CloudTrailOcsfKind = 'cloud_trail_mgmt' | 's3_data';

/** The OCSF version the lake's source version 2 writes (`metadata.version`). */
export const OCSF_VERSION = '1.1.0';

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A DuckDB MAP literal; keys and values come from this module's own tables. */
function mapLiteral(entries: Iterable<readonly [string | number, string | number]>): string {
  const text = (v: string | number) => (typeof v === 'number' ? String(v) : literal(v));
  return `MAP {${[...entries].map(([k, v]) => `${text(k)}: ${text(v)}`).join(', ')}}`;
}

const S3 = literal('s3.amazonaws.com');
const OLD_S3_DATA_EVENT =
  `(eventcategory IS NULL AND eventsource = ${S3} AND coalesce(list_contains(list_transform(resources, r -> r.type), 'AWS::S3::Object'), false))`;

const ROWS: Readonly<Record<CloudTrailOcsfKind, string>> = {
  s3_data: `(eventcategory = 'Data' AND eventsource = ${S3}) OR ${OLD_S3_DATA_EVENT}`,
  cloud_trail_mgmt: `eventcategory = 'Management' OR (eventcategory IS NULL AND NOT ${OLD_S3_DATA_EVENT})`,
};

/** IPv4 dotted quad, or IPv6 (hex groups with at least one colon, maybe an IPv4 tail). */
const IP_ADDRESS = `'[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*'`;

/** type_uid: a named event's, else Authentication: Other for sign-in, else API Activity by verb. */
function typeUidSql(): string {
  const verbs = API_ACTIVITY_VERBS.map(
    ({ activityId, verbs: names }) =>
      `WHEN regexp_matches(eventname, ${literal(`^(${names.join('|')})([A-Z0-9_]|$)`)}) THEN ${typeUid(API_ACTIVITY, activityId)}`,
  );
  return `coalesce(${mapLiteral(namedEventTypes())}[eventsource || '/' || eventname], CASE ` +
    `WHEN eventsource IN (${AUTHENTICATION_SOURCES.map(literal).join(', ')}) THEN ${typeUid(AUTHENTICATION, 99)} ` +
    `${verbs.join(' ')} ` +
    // Unconfirmed: a name with no known verb is Read when CloudTrail says the call was read-only.
    `WHEN readonly = 'true' THEN ${typeUid(API_ACTIVITY, 2)} ` +
    `ELSE ${typeUid(API_ACTIVITY, 99)} END)`;
}

function activityNames(): string {
  return mapLiteral(OCSF_CLASSES.flatMap((c) => Object.entries(c.activities).map(([id, name]) => [typeUid(c, Number(id)), name] as const)));
}

/** Pieces of requestParameters/responseElements/additionalEventData a class maps, parsed once per row. */
const REQUEST_PATHS = {
  [ACCOUNT_CHANGE.uid]: ['$.userName', '$.roleName', '$.policyArn'],
  [AUTHENTICATION.uid]: ['$.roleArn', '$.roleSessionName'],
};
const RESPONSE_PATHS = {
  [ACCOUNT_CHANGE.uid]: ['$.user.userName', '$.user.arn', '$.user.userId', '$.role.roleName', '$.role.arn', '$.role.roleId', '$.accessKey.userName'],
  [AUTHENTICATION.uid]: ['$.ConsoleLogin', '$.assumedRoleUser.arn', '$.assumedRoleUser.assumedRoleId', '$.credentials.accessKeyId'],
};
/** additionalEventData members the Authentication dossier maps (kept out of `unmapped` there). */
const AUTHENTICATION_ADDITIONAL = ['LoginTo', 'MFAUsed'];

function extractFor(column: string, paths: Readonly<Record<number, readonly string[]>>): string {
  // JSON text that is not valid JSON (never from CloudTrail's reader) maps nothing rather than failing the query.
  const branches = Object.entries(paths).map(
    ([classUid, list]) => `WHEN __class = ${classUid} AND json_valid(${column}) THEN json_extract_string(${column}, [${list.map(literal).join(', ')}])`,
  );
  return `CASE ${branches.join(' ')} END`;
}

/** Index (1-based) of a path in a class's list: names the list element the SQL reads. */
function at(paths: Readonly<Record<number, readonly string[]>>, classUid: number, path: string, list: string): string {
  const index = (paths[classUid] ?? []).indexOf(path);
  if (index < 0) throw new Error(`${path} is not extracted for class ${classUid}`);
  return `${list}[${index + 1}]`;
}
const request = (classUid: number, path: string) => at(REQUEST_PATHS, classUid, path, '__request');
const response = (classUid: number, path: string) => at(RESPONSE_PATHS, classUid, path, '__response');
const additional = (path: string) => at({ [AUTHENTICATION.uid]: AUTHENTICATION_ADDITIONAL.map((k) => `$.${k}`) }, AUTHENTICATION.uid, path, '__additional');

const PAIR = 'STRUCT(k VARCHAR, v VARCHAR)';

/**
 * A JSON-text column's members as `prefix.member` pairs, one level deep: nested objects and
 * arrays stay JSON text (a decision: flattening deeper needs a per-row table function).
 * A value that is not an object is kept whole under `prefix` (a JSON string unquoted).
 */
function flattenedJson(prefix: string, column: string, skip = 'false'): string {
  const entries = `map_entries(TRY_CAST(TRY_CAST(${column} AS JSON) AS MAP(VARCHAR, JSON)))`;
  const members = `list_transform(${entries}, m -> {'k': ${literal(`${prefix}.`)} || m.key, 'v': json_extract_string(m.value, '$')})`;
  return `CASE WHEN ${column} IS NULL THEN []::${PAIR}[] ` +
    `ELSE list_filter(coalesce(${members}, [{'k': ${literal(prefix)}, 'v': coalesce(json_extract_string(TRY_CAST(${column} AS JSON), '$'), ${column})}]), p -> NOT (${skip})) END`;
}

/**
 * `unmapped`: what CloudTrail recorded that no OCSF attribute holds, keyed by CloudTrail's
 * own spelling with `.` between levels, values as text (as the dossiers' samples). NULL
 * values are left out (the map is NULL when nothing is left). `recipientAccountId` is kept
 * here as in the 1.1.0 Authentication sample, although `accountid` also holds it.
 * `managementEvent` is not a column of the `cloudtrail` table, so it cannot appear. Building
 * the map is about half of the mapping's cost (DuckDB's MAP construction), measured on the
 * sample.
 */
function unmappedSql(): string {
  const pairs: readonly (readonly [string, string])[] = [
    ['recipientAccountId', 'recipientaccountid'],
    ['readOnly', 'readonly'],
    ['sharedEventID', 'sharedeventid'],
    ['vpcEndpointAccountId', 'vpcendpointaccountid'],
    ['sessionCredentialFromConsole', 'sessioncredentialfromconsole'],
    ['userIdentity.sessionContext.sessionIssuer.type', 'useridentity.sessioncontext.sessionissuer.type'],
    ['userIdentity.sessionContext.sessionIssuer.principalId', 'useridentity.sessioncontext.sessionissuer.principalid'],
    ['userIdentity.sessionContext.sessionIssuer.accountId', 'useridentity.sessioncontext.sessionissuer.accountid'],
    ['userIdentity.sessionContext.sessionIssuer.userName', 'useridentity.sessioncontext.sessionissuer.username'],
    ['userIdentity.sessionContext.ec2RoleDelivery', 'useridentity.sessioncontext.ec2roledelivery'],
    ['userIdentity.onBehalfOf.userId', 'useridentity.onbehalfof.userid'],
    ['userIdentity.onBehalfOf.identityStoreArn', 'useridentity.onbehalfof.identitystorearn'],
    ['addendum.reason', 'addendum.reason'],
    ['addendum.updatedFields', 'addendum.updatedfields'],
    ['addendum.originalRequestID', 'addendum.originalrequestid'],
    ['addendum.originalEventID', 'addendum.originaleventid'],
    ['tlsDetails.tlsVersion', 'tlsdetails.tlsversion'],
    ['tlsDetails.cipherSuite', 'tlsdetails.ciphersuite'],
    ['tlsDetails.clientProvidedHostHeader', 'tlsdetails.clientprovidedhostheader'],
  ];
  const fixed = `[${pairs.map(([key, column]) => `{'k': ${literal(key)}, 'v': e.${column}}`).join(', ')}]::${PAIR}[]`;
  const webIdentity = `coalesce(list_transform(map_entries(e.useridentity.sessioncontext.webidfederationdata.attributes), ` +
    `a -> {'k': 'userIdentity.sessionContext.webIdFederationData.attributes.' || a.key, 'v': a.value}), []::${PAIR}[])`;
  const mappedAdditional = `e.__class = ${AUTHENTICATION.uid} AND p.k IN (${AUTHENTICATION_ADDITIONAL.map((k) => literal(`additionalEventData.${k}`)).join(', ')})`;
  return `list_filter(list_concat(${fixed}, ${webIdentity}, ` +
    `${flattenedJson('additionalEventData', 'e.additionaleventdata', mappedAdditional)}, ` +
    `${flattenedJson('serviceEventDetails', 'e.serviceeventdetails')}, ` +
    `${flattenedJson('edgeDeviceDetails', 'e.edgedevicedetails')}), p -> p.v IS NOT NULL)`;
}

/**
 * `observables` (the dossiers: "all Hostnames, IP Addresses, User Names, Resource ARNs"),
 * named by the attribute that holds the value, as the samples (NULL when there is none).
 */
function observablesSql(): string {
  const one = (name: string, value: string, type: string, typeId: number) =>
    `{'name': ${literal(name)}, 'value': ${value}, 'type': ${literal(type)}, 'type_id': ${typeId}}`;
  const fixed = `[${[
    one('src_endpoint.ip', 'src_endpoint.ip', 'IP Address', 2),
    one('src_endpoint.domain', 'src_endpoint.domain', 'Hostname', 1),
    one('actor.user.name', 'actor.user.name', 'User Name', 4),
    one('user.name', '"user".name', 'User Name', 4),
  ].join(', ')}]`;
  const resourceUids = `coalesce(list_transform(resources, r -> ${one('resources[].uid', 'r.uid', 'Resource UID', 10)}), [])`;
  return `list_filter(list_concat(${fixed}, ${resourceUids}), o -> o.value IS NOT NULL)`;
}

/** Every column's SQL over the prepared event `e`, by the lake's column name. */
function columnSql(): Readonly<Record<string, string>> {
  const ui = 'e.useridentity';
  const sc = `${ui}.sessioncontext`;
  const isAccountChange = `e.__class = ${ACCOUNT_CHANGE.uid}`;
  const isAuthentication = `e.__class = ${AUTHENTICATION.uid}`;
  const utc = (text: string) => `timezone('UTC', TRY_CAST(${text} AS TIMESTAMPTZ))`;
  return {
    metadata: `{'product': {'version': e.eventversion, 'name': 'CloudTrail', 'vendor_name': 'AWS', 'feature': {'name': e.eventcategory}}, ` +
      `'event_code': e.eventtype, 'uid': e.eventid, 'profiles': ['cloud', 'datetime'], 'version': ${literal(OCSF_VERSION)}}`,
    time: 'epoch_ms(e.__time)',
    // UTC wall time whatever the session's TimeZone (a plain cast to TIMESTAMP would use it).
    time_dt: `timezone('UTC', e.__time)`,
    cloud: `{'region': e.awsregion, 'provider': 'AWS'}`,
    api: `{'response': {'error': e.errorcode, 'message': e.errormessage, 'data': e.responseelements}, 'operation': e.eventname, ` +
      `'version': e.apiversion, 'service': {'name': e.eventsource}, 'request': {'data': e.requestparameters, 'uid': e.requestid}}`,
    // The Authentication dossier's additionalEventData.LoginTo; NULL for other classes (decision).
    dst_endpoint: `{'svc_name': CASE WHEN ${isAuthentication} THEN ${additional('$.LoginTo')} END}`,
    actor: `{'user': {'type': ${ui}.type, 'name': ${ui}.username, 'uid_alt': ${ui}.principalid, 'uid': ${ui}.arn, ` +
      `'account': {'uid': ${ui}.accountid}, 'credential_uid': ${ui}.accesskeyid}, ` +
      `'session': {'created_time_dt': ${utc(`${sc}.attributes.creationdate`)}, 'is_mfa': TRY_CAST(${sc}.attributes.mfaauthenticated AS BOOLEAN), ` +
      `'issuer': ${sc}.sessionissuer.arn}, 'invoked_by': ${ui}.invokedby, 'idp': {'name': ${sc}.webidfederationdata.federatedprovider}}`,
    http_request: `{'user_agent': e.useragent}`,
    src_endpoint: `{'uid': e.vpcendpointid, 'ip': CASE WHEN e.__ip THEN e.sourceipaddress END, 'domain': CASE WHEN NOT e.__ip THEN e.sourceipaddress END}`,
    // The 1.5.0 Authentication dossier's session handed out by STS (unconfirmed for the 1.1 lake).
    session: `CASE WHEN ${isAuthentication} THEN {'uid': ${response(AUTHENTICATION.uid, '$.assumedRoleUser.arn')}, ` +
      `'uid_alt': ${response(AUTHENTICATION.uid, '$.assumedRoleUser.assumedRoleId')}, 'credential_uid': ${response(AUTHENTICATION.uid, '$.credentials.accessKeyId')}} END`,
    // The 1.5.0 Account Change dossier's requestParameters.policyArn (unconfirmed for the 1.1 lake).
    policy: `CASE WHEN ${isAccountChange} THEN {'uid': ${request(ACCOUNT_CHANGE.uid, '$.policyArn')}} END`,
    resources: `list_transform(e.resources, r -> {'uid': r.arn, 'owner': {'account': {'uid': r.accountid}}, 'type': r.type})`,
    class_name: `CASE e.__class ${OCSF_CLASSES.map((c) => `WHEN ${c.uid} THEN ${literal(c.name)}`).join(' ')} END`,
    class_uid: 'e.__class',
    category_name: `CASE e.__class ${OCSF_CLASSES.map((c) => `WHEN ${c.uid} THEN ${literal(c.categoryName)}`).join(' ')} END`,
    category_uid: `CASE e.__class ${OCSF_CLASSES.map((c) => `WHEN ${c.uid} THEN ${c.categoryUid}`).join(' ')} END`,
    severity_id: '1',
    severity: `'Informational'`,
    user: `CASE ` +
      // The target principal (the dossier's user.*; uid ← ARN and uid_alt ← the id, as actor.user,
      // where the dossier writes the id to uid: unconfirmed).
      `WHEN ${isAccountChange} THEN {` +
      `'uid_alt': coalesce(${response(ACCOUNT_CHANGE.uid, '$.user.userId')}, ${response(ACCOUNT_CHANGE.uid, '$.role.roleId')}), ` +
      `'uid': coalesce(${response(ACCOUNT_CHANGE.uid, '$.user.arn')}, ${response(ACCOUNT_CHANGE.uid, '$.role.arn')}), ` +
      `'name': coalesce(${request(ACCOUNT_CHANGE.uid, '$.userName')}, ${request(ACCOUNT_CHANGE.uid, '$.roleName')}, ` +
      `${response(ACCOUNT_CHANGE.uid, '$.user.userName')}, ${response(ACCOUNT_CHANGE.uid, '$.role.roleName')}, ` +
      // Unconfirmed: CreateAccessKey without userName names the caller only in its response.
      `${response(ACCOUNT_CHANGE.uid, '$.accessKey.userName')})} ` +
      // Who logs on (the Authentication dossier): the assumed role, else the caller.
      `WHEN ${isAuthentication} THEN {'uid_alt': CASE WHEN ${request(AUTHENTICATION.uid, '$.roleArn')} IS NULL THEN ${ui}.principalid END, ` +
      `'uid': coalesce(${request(AUTHENTICATION.uid, '$.roleArn')}, ${ui}.arn), 'name': ${request(AUTHENTICATION.uid, '$.roleSessionName')}} END`,
    activity_name: `${activityNames()}[e.__type]`,
    activity_id: 'e.__type % 100',
    type_uid: 'e.__type',
    type_name: `class_name || ': ' || activity_name`,
    // Unconfirmed (the dossiers map status from errorCode without saying how): Failure with an
    // errorCode, else Success; a console sign-in says which in responseElements.ConsoleLogin.
    status: `CASE WHEN ${isAuthentication} AND ${response(AUTHENTICATION.uid, '$.ConsoleLogin')} IN ('Success', 'Failure') ` +
      `THEN ${response(AUTHENTICATION.uid, '$.ConsoleLogin')} WHEN e.errorcode IS NOT NULL THEN 'Failure' ELSE 'Success' END`,
    // The Authentication dossier's additionalEventData.MFAUsed; NULL for other classes (their
    // MFA state is actor.session.is_mfa).
    is_mfa: `CASE WHEN ${isAuthentication} THEN CASE ${additional('$.MFAUsed')} WHEN 'Yes' THEN true WHEN 'No' THEN false END END`,
    unmapped: unmappedSql(),
    // Unconfirmed: the account whose lake partition holds the event, i.e. the recipient.
    accountid: 'e.recipientaccountid',
    region: 'e.awsregion',
    // Unconfirmed: a published lake record (a Security Hub finding) shows asl_version null.
    asl_version: 'NULL',
    observables: observablesSql(),
  };
}

/**
 * DuckDB SQL selecting, from `from` (a relation with the `cloudtrail` table's columns, Athena's
 * names), the rows that belong to `kind` as that table's columns, in its order and types.
 */
export function cloudTrailToOcsf(kind: CloudTrailOcsfKind, from: string): string {
  const columns = columnSql();
  // Each level is one projection: the event's time, class and source kind; then the JSON
  // members its class maps (parsed once, only for those classes); then the lake's columns,
  // some built from others of the same level (type_name, observables).
  const selected = `SELECT *, TRY_CAST(eventtime AS TIMESTAMPTZ) AS __time, ${typeUidSql()} AS __type, ` +
    `regexp_full_match(sourceipaddress, ${IP_ADDRESS}) AS __ip FROM ${from} WHERE ${ROWS[kind]}`;
  const prepared = `SELECT *, ${extractFor('requestparameters', REQUEST_PATHS)} AS __request, ` +
    `${extractFor('responseelements', RESPONSE_PATHS)} AS __response, ` +
    `CASE WHEN __class = ${AUTHENTICATION.uid} AND json_valid(additionaleventdata) THEN ` +
    `json_extract_string(additionaleventdata, [${AUTHENTICATION_ADDITIONAL.map((k) => literal(`$.${k}`)).join(', ')}]) END AS __additional ` +
    `FROM (SELECT *, __type // 100 AS __class FROM (${selected}))`;
  // Built from other lake columns, one level later.
  const lateColumns = new Set(['type_name', 'observables']);
  const sqlOf = (name: string) => {
    const sql = columns[name];
    if (sql === undefined) throw new Error(`no mapping for OCSF column ${name}`);
    return sql;
  };
  const early = OCSF_COLUMNS[kind].filter((c) => !lateColumns.has(c.name));
  const late = OCSF_COLUMNS[kind].filter((c) => lateColumns.has(c.name));
  const mapped = `SELECT ${early.map((c) => `${sqlOf(c.name)} AS "${c.name}"`).join(', ')} FROM (${prepared}) AS e`;
  const completed = `SELECT *, ${late.map((c) => `${sqlOf(c.name)} AS "${c.name}"`).join(', ')} FROM (${mapped})`;
  // Lists are built a level before they are tested, so no list is computed twice.
  const finish: Readonly<Record<string, string>> = {
    unmapped: 'CASE WHEN len(unmapped) > 0 THEN map_from_entries(unmapped) END',
    observables: 'CASE WHEN len(observables) > 0 THEN observables END',
  };
  const final = OCSF_COLUMNS[kind].map((c) => `CAST(${finish[c.name] ?? `"${c.name}"`} AS ${duckdbType(c.glueType)}) AS "${c.name}"`);
  return `SELECT ${final.join(', ')} FROM (${completed})`;
}
