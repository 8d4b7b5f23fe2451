/** The AWS SDK clients the Athena engine uses, created on first use. */

import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';

const CONNECT_TIMEOUT_MS = 5_000;
const IDLE_TIMEOUT_MS = 30_000;

/** Athena for queries, S3 for large results, STS for who is calling. */
export interface AthenaClients {
  readonly athena: AthenaClient;
  readonly s3: S3Client;
  readonly sts: STSClient;
}

/**
 * Clients for a region, with credentials from the SDK's default chain (environment, SSO and
 * profiles, the SageMaker instance role): nothing reads ~/.aws by hand. The SDK modules load
 * here, on first use, so a notebook on the local engine never pays for them.
 *
 * An S3 endpoint set through AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (a local S3 such as
 * s3rver or MinIO) is addressed by path, as such servers expect.
 */
export async function createClients(region: string | undefined, given: Partial<AthenaClients> = {}): Promise<AthenaClients> {
  // On Node 20 the SDK warns on stderr that releases after January 2027 need Node 22: in a
  // notebook that lands under the first Athena cell of every run. The README says it instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Every call goes through retryThrottled (throttling, 5xx and network errors, one backoff),
  // so the SDK tries once: its own retries would multiply the engine's. A connection that
  // goes quiet for 30 s is abandoned (TimeoutError, retried) instead of hanging the cell.
  const config = {
    ...(region === undefined ? {} : { region }),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: IDLE_TIMEOUT_MS },
  };
  const athena = given.athena ?? new (await import('@aws-sdk/client-athena')).AthenaClient(config);
  const customS3 = Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);
  const s3 = given.s3 ?? new (await import('@aws-sdk/client-s3')).S3Client({ ...config, forcePathStyle: customS3 });
  const sts = given.sts ?? new (await import('@aws-sdk/client-sts')).STSClient(config);
  return { athena, s3, sts };
}
