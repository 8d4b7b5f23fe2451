/**
 * How the leaked key is probed in story 1: first a few careful calls by hand (who am I, what
 * may I do, which buckets are there), then an enumeration script that tries a long list of
 * read calls in every region. Most are refused; that spike is what the article's queries find.
 */

import type { Rng } from './prng';
import { api } from './api';
import { getCallerIdentity, iam } from './iam-calls';
import { s3Bucket } from './s3-calls';
import { PRODUCTION, REGIONS } from './identities';
import { bucketsOf } from './inventory';
import { CI_ARN, CI_USER } from './compromise-cast';
import type { Timeline } from './timeline';
import type { Actor, JsonObject } from './record';

/** EC2 reads an enumeration tool tries; the CI user may make none of them. */
export const EC2_PROBES = [
  'DescribeInstances',
  'DescribeSecurityGroups',
  'DescribeVpcs',
  'DescribeSubnets',
  'DescribeVolumes',
  'DescribeSnapshots',
  'DescribeImages',
  'DescribeKeyPairs',
  'DescribeAddresses',
  'DescribeNetworkInterfaces',
  'DescribeRouteTables',
  'DescribeInternetGateways',
  'DescribeNatGateways',
  'DescribeLaunchTemplates',
] as const;

/** A regional read: service, event name, the IAM action when it differs, allowed for the CI user. */
type Probe = readonly [service: string, eventName: string, action: string | undefined, allowed: boolean];

const REGIONAL_PROBES: readonly Probe[] = [
  ...EC2_PROBES.map((name): Probe => ['ec2', name, undefined, false]),
  ['secretsmanager', 'ListSecrets', undefined, false],
  ['kms', 'ListKeys', undefined, false],
  ['kms', 'ListAliases', undefined, false],
  ['rds', 'DescribeDBInstances', undefined, false],
  ['rds', 'DescribeDBClusters', undefined, false],
  ['dynamodb', 'ListTables', undefined, false],
  ['guardduty', 'ListDetectors', undefined, false],
  ['logs', 'DescribeLogGroups', undefined, false],
  ['ssm', 'DescribeParameters', undefined, false],
  ['elasticloadbalancing', 'DescribeLoadBalancers', undefined, false],
  ['autoscaling', 'DescribeAutoScalingGroups', undefined, false],
  ['sns', 'ListTopics', undefined, false],
  ['lambda', 'ListFunctions20150331', 'ListFunctions', true],
  ['ecr', 'DescribeRepositories', undefined, true],
  ['cloudformation', 'ListStacks', undefined, true],
];

/** IAM reads; the last four are what a person asks first about their own user. */
const IAM_PROBES: readonly (readonly [string, JsonObject | null])[] = [
  ['ListUsers', null],
  ['ListRoles', null],
  ['ListGroups', null],
  ['ListPolicies', { scope: 'Local' }],
  ['GetAccountAuthorizationDetails', null],
  ['GetAccountSummary', null],
  ['GetAccountPasswordPolicy', null],
  ['ListAccessKeys', null],
  ['ListMFADevices', null],
  ['ListInstanceProfiles', null],
  ['ListSAMLProviders', null],
  ['ListOpenIDConnectProviders', null],
  ['ListVirtualMFADevices', { assignmentStatus: 'Any' }],
  ['ListServerCertificates', null],
  ['GetUser', null],
  ['ListAttachedUserPolicies', { userName: CI_USER }],
  ['ListUserPolicies', { userName: CI_USER }],
  ['ListGroupsForUser', { userName: CI_USER }],
];

/** Buckets the CI user may read the settings of (it deploys to them). */
const CI_BUCKETS: ReadonlySet<string> = new Set(['web-assets-prod', `tf-state-${PRODUCTION}`]);

/**
 * The first careful calls by hand: identity, own permissions, the bucket list and each
 * bucket's ACL and policy.
 *
 * @example
 * recon(tl, cli);
 */
export function recon(tl: Timeline, cli: Actor): void {
  tl.call(cli, getCallerIdentity('us-east-1')).pause(8, 30);
  for (const [name, params] of IAM_PROBES.slice(-4)) tl.deny(cli, iam(name, true, params), CI_ARN).pause(3, 15);
  tl.call(cli, s3Bucket('ListBuckets', 'us-east-1', PRODUCTION)).pause(5, 20);
  for (const b of bucketsOf(PRODUCTION)) {
    for (const [name, params] of [
      ['GetBucketAcl', { acl: '' }],
      ['GetBucketPolicy', { policy: '' }],
    ] as const) {
      const call = s3Bucket(name, b.region, PRODUCTION, b.name, params);
      if (CI_BUCKETS.has(b.name)) tl.call(cli, call);
      else tl.deny(cli, call);
      tl.pause(2, 9);
    }
  }
}

function probe(tl: Timeline, rng: Rng, actor: Actor, region: string, [service, name, action, allowed]: Probe): void {
  const call = api(`${service}.amazonaws.com`, name, region, true, null, null, action ? { action } : {});
  if (allowed) tl.call(actor, call);
  else tl.deny(actor, call, service === 'sns' ? `arn:aws:sns:${region}:${PRODUCTION}:*` : undefined);
  tl.pause(0, rng.chance(0.1) ? 4 : 1);
}

/**
 * The script's sweep of regional reads through every region; `shuffle` varies the order as a
 * second run of a tool would.
 *
 * @example
 * sweep(tl, rng, script, false);
 */
export function sweep(tl: Timeline, rng: Rng, actor: Actor, shuffle: boolean): void {
  const regions = shuffle ? [...REGIONS].reverse() : [...REGIONS];
  for (const region of regions) {
    const probes = [...REGIONAL_PROBES];
    if (shuffle) {
      for (let i = probes.length - 1; i > 0; i--) {
        const j = rng.below(i + 1);
        [probes[i], probes[j]] = [probes[j], probes[i]];
      }
    }
    for (const p of probes) probe(tl, rng, actor, region, p);
    tl.pause(20, 90);
  }
}

/**
 * The script's first run: every IAM and Organizations read, then a sweep of the regions.
 *
 * @example
 * enumerate(tl, rng, script);
 */
export function enumerate(tl: Timeline, rng: Rng, script: Actor): void {
  for (const [name, params] of IAM_PROBES) {
    tl.deny(script, iam(name, true, params), `arn:aws:iam::${PRODUCTION}:user/`).pause(0, 1);
  }
  for (const name of ['DescribeOrganization', 'ListAccounts', 'ListRoots']) {
    tl.deny(script, api('organizations.amazonaws.com', name, 'us-east-1', true)).pause(0, 1);
  }
  sweep(tl, rng, script, false);
}
