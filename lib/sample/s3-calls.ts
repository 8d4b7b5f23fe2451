/**
 * S3 calls as CloudTrail records them: object-level data events with the object and bucket in
 * `resources`, and bucket-level management calls; both carry S3's `additionalEventData`.
 */

import { BASE64, type Rng } from './prng';
import type { Call, JsonObject, TrailResource } from './record';

/** Options of an S3 object-level (data event) call. */
export interface ObjectCallOptions {
  readonly bytesOut?: number;
  readonly bytesIn?: number;
  readonly response?: JsonObject | null;
}

/** The host an SDK sends for a bucket: virtual-hosted style, path style when the name has a dot. */
function s3Host(region: string, bucket?: string): string {
  if (bucket === undefined || bucket.includes('.')) return `s3.${region}.amazonaws.com`;
  return `${bucket}.s3.${region}.amazonaws.com`;
}

/**
 * An S3 data event on one object (`GetObject`, `PutObject`, `DeleteObject`, `HeadObject`):
 * `eventCategory` "Data", the object and bucket in `resources`.
 *
 * @example
 * s3Object(rng, 'GetObject', 'us-west-2', PRODUCTION, 'customer-payments-prod', 'cc-data-1.csv');
 */
export function s3Object(
  rng: Rng,
  eventName: string,
  region: string,
  bucketAccount: string,
  bucket: string,
  key: string,
  options: ObjectCallOptions = {},
): Call {
  const host = s3Host(region, bucket);
  const resources: TrailResource[] = [
    { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
    { accountId: bucketAccount, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
  ];
  return {
    eventSource: 's3.amazonaws.com',
    eventName,
    region,
    readOnly: eventName === 'GetObject' || eventName === 'HeadObject',
    requestParameters: { bucketName: bucket, Host: host, key },
    responseElements: options.response ?? null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: options.bytesIn ?? 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': rng.chars(BASE64, 76),
      bytesTransferredOut: options.bytesOut ?? 0,
    },
    resources,
    category: 'Data',
    host,
  };
}

/**
 * An S3 bucket-level management call (`ListBuckets` with no bucket, `GetBucketPolicy`,
 * `CreateBucket`…).
 *
 * @example
 * s3Bucket('GetBucketAcl', 'us-east-1', PRODUCTION, 'web-assets-prod', { acl: '' });
 */
export function s3Bucket(
  eventName: string,
  region: string,
  bucketAccount: string,
  bucket?: string,
  params: JsonObject = {},
): Call {
  const host = s3Host(region, bucket);
  const call: Call = {
    eventSource: 's3.amazonaws.com',
    eventName,
    region,
    readOnly: /^(Get|List|Head)/.test(eventName),
    requestParameters: bucket === undefined ? { Host: host } : { bucketName: bucket, Host: host, ...params },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      bytesTransferredOut: 0,
    },
    host,
  };
  if (bucket === undefined) return call;
  return { ...call, resources: [{ accountId: bucketAccount, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }] };
}
