/**
 * CloudTrail records: their JSON shape and the one function that assembles them. Keys are
 * added in CloudTrail's own order and only when CloudTrail writes them, so the output reads
 * like a real trail's files.
 */

import type { Rng } from './prng';
import { eventTime } from './clock';
import { Memo } from './memo';

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object, as in `requestParameters`. */
export type JsonObject = { [key: string]: JsonValue };

/** `userIdentity.sessionContext`. */
export interface SessionContext {
  sessionIssuer?: { type: string; principalId: string; arn: string; accountId: string; userName: string };
  webIdFederationData?: JsonObject;
  attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  ec2RoleDelivery?: string;
}

/** `userIdentity`, with the members CloudTrail writes for each identity type. */
export interface UserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  identityProvider?: string;
  sessionContext?: SessionContext;
  invokedBy?: string;
}

/** One entry of `resources`. */
export interface TrailResource {
  type?: string;
  ARN: string;
  accountId?: string;
}

/** One CloudTrail record as written in a log file. */
export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject;
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  resources?: TrailResource[];
  eventType: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  managementEvent: boolean;
  recipientAccountId: string;
  serviceEventDetails?: JsonObject;
  sharedEventID?: string;
  vpcEndpointId?: string;
  eventCategory: 'Management' | 'Data';
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
  sessionCredentialFromConsole?: 'true';
}

/** Who makes a call, from where and with what client. */
export interface Actor {
  readonly identity: UserIdentity;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  /** Set when the call travels through an interface VPC endpoint. */
  readonly vpcEndpointId?: string;
  /** The session came from the console (`sessionCredentialFromConsole`). */
  readonly console?: boolean;
}

/** What is called: everything about the request that does not depend on who calls it. */
export interface Call {
  readonly eventSource: string;
  readonly eventName: string;
  readonly region: string;
  readonly readOnly: boolean;
  readonly requestParameters: JsonObject | null;
  readonly responseElements: JsonObject | null;
  readonly additionalEventData?: JsonObject;
  readonly resources?: TrailResource[];
  readonly eventType?: CloudTrailRecord['eventType'];
  readonly category?: 'Management' | 'Data';
  readonly serviceEventDetails?: JsonObject;
  readonly sharedEventID?: string;
  /** The TLS host header; absent when the call does not travel over the public API (sign-in). */
  readonly host?: string;
  /** The IAM action when it differs from the event name (`ListFunctions20150331`). */
  readonly action?: string;
}

/** An error CloudTrail records on a failed call. */
export interface Failure {
  readonly errorCode: string;
  readonly errorMessage: string;
}

type TlsDetails = NonNullable<CloudTrailRecord['tlsDetails']>;
const TLS_13 = { version: 'TLSv1.3', suite: 'TLS_AES_128_GCM_SHA256' };
const TLS_12 = { version: 'TLSv1.2', suite: 'ECDHE-RSA-AES128-GCM-SHA256' };
const tlsByHost = new Memo<TlsDetails>();

function requestId(rng: Rng, source: string): string {
  if (source === 's3.amazonaws.com') return rng.hex(16).toUpperCase();
  return rng.uuid();
}

function isServiceCaller(ip: string): boolean {
  return ip.endsWith('.amazonaws.com') || ip === 'AWS Internal';
}

/**
 * Assembles one CloudTrail record. `failure` turns it into a failed call: `errorCode` and
 * `errorMessage` are written and `responseElements` is null, as CloudTrail does.
 *
 * @example
 * const rec = buildRecord(rng, Date.UTC(2024, 2, 12, 10, 4, 31), actor, call, '111122223333');
 * rec.eventTime; // '2024-03-12T10:04:31Z'
 */
export function buildRecord(
  rng: Rng,
  ms: number,
  actor: Actor,
  call: Call,
  recipient: string,
  failure?: Failure,
): CloudTrailRecord {
  const source = call.eventSource;
  const serviceCaller = isServiceCaller(actor.sourceIPAddress);
  // S3 writes the client's user agent in brackets; service callers keep their bare name.
  const userAgent =
    source === 's3.amazonaws.com' && !serviceCaller && actor.userAgent !== 'AWS Internal'
      ? `[${actor.userAgent}]`
      : actor.userAgent;
  const eventType = call.eventType ?? 'AwsApiCall';
  // Assigned one by one, in CloudTrail's key order: JSON.stringify keeps insertion order.
  const rec: Partial<CloudTrailRecord> = {};
  rec.eventVersion = '1.09';
  rec.userIdentity = actor.identity;
  rec.eventTime = eventTime(ms);
  rec.eventSource = source;
  rec.eventName = call.eventName;
  rec.awsRegion = call.region;
  rec.sourceIPAddress = actor.sourceIPAddress;
  rec.userAgent = userAgent;
  if (failure) {
    rec.errorCode = failure.errorCode;
    rec.errorMessage = failure.errorMessage;
  }
  rec.requestParameters = call.requestParameters;
  rec.responseElements = failure ? null : call.responseElements;
  if (call.additionalEventData) rec.additionalEventData = call.additionalEventData;
  if (eventType !== 'AwsServiceEvent') rec.requestID = requestId(rng, source);
  rec.eventID = rng.uuid();
  rec.readOnly = call.readOnly;
  if (call.resources) rec.resources = call.resources;
  rec.eventType = eventType;
  rec.managementEvent = call.category !== 'Data';
  rec.recipientAccountId = recipient;
  if (call.serviceEventDetails) rec.serviceEventDetails = call.serviceEventDetails;
  if (call.sharedEventID) rec.sharedEventID = call.sharedEventID;
  if (actor.vpcEndpointId) rec.vpcEndpointId = actor.vpcEndpointId;
  rec.eventCategory = call.category ?? 'Management';
  if (call.host && !serviceCaller && eventType === 'AwsApiCall') {
    const tls = actor.console || (rng.next() & 3) !== 0 ? TLS_13 : TLS_12;
    const host = call.host;
    rec.tlsDetails = tlsByHost.get(`${tls.version}|${host}`, () => ({
      tlsVersion: tls.version,
      cipherSuite: tls.suite,
      clientProvidedHostHeader: host,
    }));
  }
  if (actor.console && eventType === 'AwsApiCall') rec.sessionCredentialFromConsole = 'true';
  return rec as CloudTrailRecord;
}
