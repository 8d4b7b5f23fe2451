/**
 * The generic API call builder and what every call needs: where it is logged (global services
 * land in us-east-1), its TLS host, session keys, and authorization failures worded as each
 * service words them.
 */

import type { Rng } from './prng';
import type { Call, Failure, JsonObject } from './record';
import { accessKeyId } from './identities';

/** Services whose API is global: CloudTrail records their calls in us-east-1. */
export const GLOBAL_SOURCES: ReadonlySet<string> = new Set([
  'iam.amazonaws.com',
  'organizations.amazonaws.com',
  'signin.amazonaws.com',
]);

/**
 * The TLS host header a client sends for a service in a region.
 *
 * @example
 * hostFor('ec2.amazonaws.com', 'us-west-2'); // 'ec2.us-west-2.amazonaws.com'
 */
export function hostFor(source: string, region: string): string {
  const service = source.slice(0, source.indexOf('.'));
  if (GLOBAL_SOURCES.has(source)) return `${service}.amazonaws.com`;
  return `${service}.${region}.amazonaws.com`;
}

/**
 * A management-event API call. Global services are moved to us-east-1, as CloudTrail does.
 *
 * @example
 * api('ec2.amazonaws.com', 'DescribeVpcs', 'us-west-2', true, { vpcSet: {}, filterSet: {} });
 */
export function api(
  source: string,
  eventName: string,
  region: string,
  readOnly: boolean,
  requestParameters: JsonObject | null = null,
  responseElements: JsonObject | null = null,
  extra: Partial<Call> = {},
): Call {
  const where = GLOBAL_SOURCES.has(source) ? 'us-east-1' : region;
  return {
    eventSource: source,
    eventName,
    region: where,
    readOnly,
    requestParameters,
    responseElements,
    host: hostFor(source, where),
    ...extra,
  };
}

/**
 * A successful console sign-in. It is logged in us-east-1 without a TLS host (it does not go
 * through the public API); `mfa` is for IAM and root users, whose record names the device and
 * the page signed in to (`state` is its opaque tail). IAM Identity Center sign-ins have none.
 *
 * @example
 * consoleLogin({ device: `arn:aws:iam::${SECURITY}:mfa/root-account-mfa-device`, state: '0f1e2d3c4b5a6978' });
 */
export function consoleLogin(mfa?: { readonly device: string; readonly state: string }): Call {
  return {
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    region: 'us-east-1',
    readOnly: false,
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: mfa
      ? {
          LoginTo: `https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_${mfa.state}`,
          MobileVersion: 'No',
          MFAIdentifier: mfa.device,
          MFAUsed: 'Yes',
        }
      : { MobileVersion: 'No', MFAUsed: 'No' },
    eventType: 'AwsConsoleSignIn',
  };
}

/**
 * Freezes a call and its parts so it can be reused for many records: the serializer keeps the
 * JSON text of frozen parts instead of producing it again.
 *
 * @example
 * const list = shared(s3Bucket('ListBuckets', 'us-east-1', PRODUCTION));
 */
export function shared(call: Call): Call {
  for (const part of [call.requestParameters, call.responseElements, call.additionalEventData, call.resources]) {
    if (part) Object.freeze(part);
  }
  return Object.freeze(call);
}

/**
 * A session's temporary key, stable for (principal, session start).
 *
 * @example
 * sessionKey('i-0a3f9c2e7b1d45e68', sessionStart(t, 6)); // 'ASIA' + 16 base32 characters
 */
export function sessionKey(principal: string, startMs: number): string {
  return accessKeyId('ASIA', principal, startMs);
}

/**
 * When the credentials in use at `ms` were issued, for credentials renewed every `hours`
 * (instance profiles, Lambda, SSO sessions).
 *
 * @example
 * sessionStart(Date.UTC(2024, 2, 5, 13, 20), 6); // Date.UTC(2024, 2, 5, 12)
 */
export function sessionStart(ms: number, hours: number): number {
  const period = hours * 3_600_000;
  return Math.floor(ms / period) * period;
}

const IAM_PREFIX: Readonly<Record<string, string>> = { monitoring: 'cloudwatch' };

/**
 * The error a service records when `principalArn` may not make `call`: EC2's
 * `Client.UnauthorizedOperation`, Organizations' `AccessDeniedException`, S3's bare
 * "Access Denied", SNS's `AuthorizationError` (name `resource`, the topic ARN), and IAM's
 * "User: … is not authorized to perform: …" for the rest.
 *
 * @example
 * denied(rng, iam('ListUsers', true), 'arn:aws:iam::111122223333:user/ci-deployer').errorCode; // 'AccessDenied'
 */
export function denied(rng: Rng, call: Call, principalArn: string, resource?: string): Failure {
  const service = call.eventSource.slice(0, call.eventSource.indexOf('.'));
  const action = `${IAM_PREFIX[service] ?? service}:${call.action ?? call.eventName}`;
  const because = `because no identity-based policy allows the ${action} action`;
  if (service === 'ec2') {
    if (!call.readOnly) {
      const blob = rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 120);
      return {
        errorCode: 'Client.UnauthorizedOperation',
        errorMessage: `You are not authorized to perform this operation. Encoded authorization failure message: ${blob}`,
      };
    }
    return {
      errorCode: 'Client.UnauthorizedOperation',
      errorMessage: `You are not authorized to perform this operation. User: ${principalArn} is not authorized to perform: ${action} ${because}`,
    };
  }
  if (service === 's3') return { errorCode: 'AccessDenied', errorMessage: 'Access Denied' };
  if (service === 'organizations') {
    return { errorCode: 'AccessDeniedException', errorMessage: "You don't have permissions to access this resource." };
  }
  const on = resource ? ` on resource: ${resource}` : '';
  if (service === 'sns') {
    const message = `User: ${principalArn} is not authorized to perform: SNS:${call.action ?? call.eventName}${on}`;
    return { errorCode: 'AuthorizationError', errorMessage: message };
  }
  return {
    errorCode: 'AccessDenied',
    errorMessage: `User: ${principalArn} is not authorized to perform: ${action}${on} ${because}`,
  };
}
