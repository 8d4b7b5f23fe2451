/**
 * What exists in the two accounts: buckets, instances, functions, secrets, keys, stacks. The
 * background touches these names, so an analyst sees the same resources day after day.
 */

import { hash32, hashChars, type Rng } from './prng';
import { Memo } from './memo';
import { PRODUCTION, SECURITY, type Region } from './identities';

/** An S3 bucket and where it lives. */
export interface Bucket {
  readonly name: string;
  readonly account: string;
  readonly region: Region;
  /** Makes an object key typical of this bucket for a given day. */
  readonly key: (rng: Rng, day: number) => string;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The bucket story 2 reads from and deletes in; the background only writes dated exports there. */
export const VICTIM_BUCKET = 'customer-payments-prod';

/** Every bucket of the sample. */
export const BUCKETS: readonly Bucket[] = [
  {
    name: VICTIM_BUCKET,
    account: PRODUCTION,
    region: 'us-west-2',
    key: (rng, day) => `exports/2024/03/${pad(day)}/settlement-${pad(rng.int(0, 23))}${pad(rng.below(60))}.csv.gz`,
  },
  {
    name: 'invoice-archive-prod',
    account: PRODUCTION,
    region: 'us-east-1',
    key: (rng) => `invoices/2024-03/INV-${pad(rng.int(1000, 99999), 6)}.pdf`,
  },
  {
    name: 'web-assets-prod',
    account: PRODUCTION,
    region: 'us-east-1',
    key: (rng) =>
      rng.pick(['static/js/app.', 'static/css/site.', 'img/hero-', 'img/logo-']) +
      rng.hex(8) +
      rng.pick(['.js', '.css', '.png']),
  },
  {
    name: 'app-config-prod',
    account: PRODUCTION,
    region: 'us-east-1',
    key: (rng) => rng.pick(['web/settings.json', 'web/feature-flags.json', 'batch/schedule.yaml', 'web/routes.json']),
  },
  {
    name: `tf-state-${PRODUCTION}`,
    account: PRODUCTION,
    region: 'us-east-1',
    key: (rng) => rng.pick(['network/terraform.tfstate', 'app/terraform.tfstate', 'data/terraform.tfstate']),
  },
  {
    name: 'eu-analytics-exports',
    account: PRODUCTION,
    region: 'eu-west-1',
    key: (rng, day) => `daily/2024-03-${pad(day)}/part-${pad(rng.below(16), 5)}.parquet`,
  },
  {
    name: `aws-cloudtrail-logs-${SECURITY}-org`,
    account: SECURITY,
    region: 'us-east-1',
    key: (rng, day) =>
      `AWSLogs/${rng.pick([PRODUCTION, SECURITY])}/CloudTrail/${rng.pick(['us-east-1', 'us-west-2', 'eu-west-1'])}/2024/03/${pad(day)}/`,
  },
  {
    name: `athena-results-${SECURITY}`,
    account: SECURITY,
    region: 'us-east-1',
    key: (rng) => `notebooks/${rng.uuid()}.csv`,
  },
  {
    name: 'security-tooling-artifacts',
    account: SECURITY,
    region: 'us-west-2',
    key: (rng) =>
      rng.pick(['lambda/guardduty-forwarder.zip', 'playbooks/credential-compromise.ipynb', 'ir/forensics-ami.json']),
  },
];

/**
 * Buckets of one account.
 *
 * @example
 * bucketsOf(SECURITY).map((b) => b.name); // the log archive, Athena results, tooling
 */
export function bucketsOf(account: string): readonly Bucket[] {
  return BUCKETS.filter((b) => b.account === account);
}

/** The web application's instances (us-east-1) and the payment batch hosts (us-west-2). */
export const INSTANCES: Readonly<Record<'us-east-1' | 'us-west-2', readonly string[]>> = {
  'us-east-1': ['i-0a3f9c2e7b1d45e68', 'i-06c1d2e3f4a5b6c78', 'i-0b7e8d9c0a1f2e3d4', 'i-0e5d4c3b2a1f0e9d8'],
  'us-west-2': ['i-0f1e2d3c4b5a69788', 'i-03a4b5c6d7e8f9012'],
};

/**
 * An instance's private address in the production VPC (us-east-1 subnets 10.0.10–13.x,
 * us-west-2 subnets 10.0.40–41.x).
 *
 * @example
 * instanceAddress('i-0a3f9c2e7b1d45e68'); // '10.0.10.…'
 */
export function instanceAddress(instanceId: string): string {
  const east = INSTANCES['us-east-1'].indexOf(instanceId);
  const subnet = east >= 0 ? 10 + east : 40 + Math.max(0, INSTANCES['us-west-2'].indexOf(instanceId));
  return `10.0.${subnet}.${(hash32(instanceId) % 200) + 20}`;
}

/** The instance whose role credentials are stolen in story 1. */
export const STOLEN_INSTANCE = INSTANCES['us-east-1'][0];

/** Lambda functions of the production account. */
export const FUNCTIONS = ['invoice-processor', 'payment-webhook', 'nightly-reconcile', 'thumbnailer'] as const;

/** Secrets Manager secrets of the production account. */
export const SECRETS = [
  'prod/payments/db-credentials',
  'prod/web/stripe-api-key',
  'prod/web/session-signing-key',
] as const;

const keyArns = new Memo<string>();

/**
 * A KMS key ARN of an account and region, stable per alias.
 *
 * @example
 * kmsKeyArn(PRODUCTION, 'us-east-1', 'app'); // 'arn:aws:kms:us-east-1:111122223333:key/…'
 */
export function kmsKeyArn(account: string, region: string, alias: string): string {
  return keyArns.get(`${account}|${region}|${alias}`, () => {
    const h = hashChars('0123456789abcdef', 32, 'kms', account, region, alias);
    return `arn:aws:kms:${region}:${account}:key/${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  });
}

/** CloudFormation stacks the CI user deploys. */
export const STACKS = ['web-app-prod', 'payments-batch-prod', 'network-core', 'observability'] as const;

/** RDS instances. */
export const DATABASES = ['payments-db-prod', 'web-sessions-prod'] as const;

/** Security groups of the production VPC. */
export const SECURITY_GROUPS = ['sg-0a1b2c3d4e5f60718', 'sg-0123456789abcdef0', 'sg-0fedcba9876543210'] as const;
