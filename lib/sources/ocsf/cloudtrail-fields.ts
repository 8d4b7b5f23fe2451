/**
 * Where each CloudTrail field is found in the lake's OCSF tables: `cloudtrail-mapping.ts`
 * read backwards. A Sigma rule names CloudTrail's fields (`userIdentity.arn`); on the OCSF
 * tables that value is in `actor.user.uid`. Every entry restates one line of the mapping,
 * and a test holds the two together by running both over the same records.
 *
 * Values are SQL over one row of a lake table (columns unqualified), as text the way the
 * `cloudtrail` table holds them: a boolean the mapping parsed is turned back into
 * `'true'`/`'false'`, a timestamp into CloudTrail's `YYYY-MM-DDTHH:MM:SSZ`.
 */
import { sqlLiteral } from '../../sql';
import { AUTHENTICATION } from './cloudtrail-classes';

/** CloudTrail's UTC time text, from a lake timestamp. */
const cloudTrailTime = (column: string) => `date_format(${column}, '%Y-%m-%dT%H:%i:%sZ')`;
/** `unmapped['<key>']` as text over a lake row. */
export const unmapped = (key: string): string => `element_at(unmapped, ${sqlLiteral(key)})`;

/**
 * Fields that Sigma rules name, that CloudTrail records lack and OCSF has, by name:
 * - `status`: SigmaHQ's "AWS SAML Provider Deletion Activity" tests `status: success`. OCSF's
 *   `status` is Success or Failure. On the `cloudtrail` table it is derived as
 *   `cloudtrail-mapping.ts` derives it: a console sign-in's `responseElements.ConsoleLogin`,
 *   else Failure with an errorCode, else Success.
 */
export const OCSF_DERIVED_FIELDS: Readonly<Record<string, { readonly cloudtrail: string; readonly ocsf: string }>> = {
  status: {
    cloudtrail: "CASE WHEN eventsource = 'signin.amazonaws.com' AND json_extract_scalar(responseelements, '$.ConsoleLogin') IN ('Success', 'Failure') " +
      "THEN json_extract_scalar(responseelements, '$.ConsoleLogin') WHEN errorcode IS NOT NULL THEN 'Failure' ELSE 'Success' END",
    ocsf: 'status',
  },
};

/**
 * CloudTrail fields (the `cloudtrail` table's keys, `.` between struct levels) kept in an
 * OCSF attribute or in `unmapped`, as SQL text over a lake row.
 */
export const OCSF_FIELDS: Readonly<Record<string, string>> = {
  eventVersion: 'metadata.product.version',
  eventTime: cloudTrailTime('time_dt'),
  eventSource: 'api.service.name',
  eventName: 'api.operation',
  awsRegion: 'cloud.region',
  // The mapping splits it: an address goes to ip, a service name (`AWS Internal`) to domain.
  sourceIPAddress: 'coalesce(src_endpoint.ip, src_endpoint.domain)',
  userAgent: 'http_request.user_agent',
  errorCode: 'api.response.error',
  errorMessage: 'api.response.message',
  requestParameters: 'api.request.data',
  responseElements: 'api.response.data',
  requestID: 'api.request.uid',
  eventID: 'metadata.uid',
  eventType: 'metadata.event_code',
  apiVersion: 'api.version',
  eventCategory: 'metadata.product.feature.name',
  vpcEndpointId: 'src_endpoint.uid',
  readOnly: unmapped('readOnly'),
  recipientAccountId: unmapped('recipientAccountId'),
  sharedEventID: unmapped('sharedEventID'),
  vpcEndpointAccountId: unmapped('vpcEndpointAccountId'),
  sessionCredentialFromConsole: unmapped('sessionCredentialFromConsole'),
  'userIdentity.type': 'actor.user.type',
  'userIdentity.principalId': 'actor.user.uid_alt',
  'userIdentity.arn': 'actor.user.uid',
  'userIdentity.accountId': 'actor.user.account.uid',
  'userIdentity.invokedBy': 'actor.invoked_by',
  'userIdentity.accessKeyId': 'actor.user.credential_uid',
  'userIdentity.userName': 'actor.user.name',
  'userIdentity.onBehalfOf.userId': unmapped('userIdentity.onBehalfOf.userId'),
  'userIdentity.onBehalfOf.identityStoreArn': unmapped('userIdentity.onBehalfOf.identityStoreArn'),
  'userIdentity.sessionContext.attributes.mfaAuthenticated':
    `CASE actor.session.is_mfa WHEN true THEN 'true' WHEN false THEN 'false' END`,
  'userIdentity.sessionContext.attributes.creationDate': cloudTrailTime('actor.session.created_time_dt'),
  'userIdentity.sessionContext.sessionIssuer.type': unmapped('userIdentity.sessionContext.sessionIssuer.type'),
  'userIdentity.sessionContext.sessionIssuer.principalId': unmapped('userIdentity.sessionContext.sessionIssuer.principalId'),
  'userIdentity.sessionContext.sessionIssuer.arn': 'actor.session.issuer',
  'userIdentity.sessionContext.sessionIssuer.accountId': unmapped('userIdentity.sessionContext.sessionIssuer.accountId'),
  'userIdentity.sessionContext.sessionIssuer.userName': unmapped('userIdentity.sessionContext.sessionIssuer.userName'),
  'userIdentity.sessionContext.ec2RoleDelivery': unmapped('userIdentity.sessionContext.ec2RoleDelivery'),
  'userIdentity.sessionContext.webIdFederationData.federatedProvider': 'actor.idp.name',
  'addendum.reason': unmapped('addendum.reason'),
  'addendum.updatedFields': unmapped('addendum.updatedFields'),
  'addendum.originalRequestID': unmapped('addendum.originalRequestID'),
  'addendum.originalEventID': unmapped('addendum.originalEventID'),
  'tlsDetails.tlsVersion': unmapped('tlsDetails.tlsVersion'),
  'tlsDetails.cipherSuite': unmapped('tlsDetails.cipherSuite'),
  'tlsDetails.clientProvidedHostHeader': unmapped('tlsDetails.clientProvidedHostHeader'),
};

/**
 * JSON-text columns the mapping flattens one level into `unmapped` (`additionalEventData.X`),
 * nested members staying JSON text under their first-level key.
 */
export const OCSF_FLATTENED_JSON_COLUMNS: readonly string[] = ['additionalEventData', 'serviceEventDetails', 'edgeDeviceDetails'];

/** Map columns the mapping spreads into `unmapped`, one key per entry. */
export const OCSF_FLATTENED_MAPS: readonly string[] = ['userIdentity.sessionContext.webIdFederationData.attributes'];

/**
 * additionalEventData members that Authentication rows keep in an OCSF attribute instead of
 * `unmapped` (the Authentication dossier's LoginTo and MFAUsed).
 */
const AUTHENTICATION_MEMBERS: Readonly<Record<string, string>> = {
  LoginTo: 'dst_endpoint.svc_name',
  // The mapping turns exactly 'Yes'/'No' into is_mfa; that is all it keeps.
  MFAUsed: `CASE is_mfa WHEN true THEN 'Yes' WHEN false THEN 'No' END`,
};

/** `unmapped['<column>.<member>']` as text over a lake row (or the attribute that keeps it). */
export function ocsfFlattenedMember(column: string, member: string): string {
  const inUnmapped = unmapped(`${column}.${member}`);
  const kept = column === 'additionalEventData' && Object.hasOwn(AUTHENTICATION_MEMBERS, member) ? AUTHENTICATION_MEMBERS[member] : undefined;
  return kept === undefined ? inUnmapped : `CASE WHEN class_uid = ${AUTHENTICATION.uid} THEN ${kept} ELSE ${inUnmapped} END`;
}
