/** The AWS SDK clients containment uses, created on first use or injected. */

import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { STSClient } from '@aws-sdk/client-sts';

/**
 * IAM and STS for identities, EC2 for instances, S3 for buckets and the audit log, Auto Scaling
 * for an instance's group, and IAM Identity Center's admin API (`sso`) for permission sets.
 */
export interface ContainmentClients {
  readonly iam: IAMClient;
  readonly ec2: EC2Client;
  readonly s3: S3Client;
  readonly sts: STSClient;
  readonly autoscaling: AutoScalingClient;
  /**
   * Identity Center lives in the organization's management (or delegated administrator)
   * account and one home region: give a client with that account's credentials and region to
   * contain its sessions.
   */
  readonly sso: SSOAdminClient;
}

/**
 * Clients for a region, with credentials from the SDK's default chain. A client given in
 * `given` is used as it is (tests, a custom endpoint, another profile's credentials).
 * The SDK modules load here, so a notebook that never contains anything never loads them.
 */
export async function createContainmentClients(
  region: string | undefined,
  given: Partial<ContainmentClients> = {},
): Promise<ContainmentClients> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = region === undefined ? {} : { region };
  const iam = given.iam ?? new (await import('@aws-sdk/client-iam')).IAMClient(config);
  const ec2 = given.ec2 ?? new (await import('@aws-sdk/client-ec2')).EC2Client(config);
  // A bucket in another region answers with a redirect; follow it rather than fail.
  const s3 = given.s3 ?? new (await import('@aws-sdk/client-s3')).S3Client({ ...config, followRegionRedirects: true });
  const sts = given.sts ?? new (await import('@aws-sdk/client-sts')).STSClient(config);
  const autoscaling = given.autoscaling ?? new (await import('@aws-sdk/client-auto-scaling')).AutoScalingClient(config);
  const sso = given.sso ?? new (await import('@aws-sdk/client-sso-admin')).SSOAdminClient(config);
  return { iam, ec2, s3, sts, autoscaling, sso };
}
