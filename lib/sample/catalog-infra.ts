/**
 * Background calls people make against infrastructure: EC2, S3 bucket settings and IAM.
 * Mostly reads, as in any real account.
 */

import { act, apiAction, type Action, type Ctx } from './action';
import { api, shared } from './api';
import { iam } from './iam-calls';
import { s3Bucket } from './s3-calls';
import { REGIONS } from './identities';
import { bucketsOf, INSTANCES, SECURITY_GROUPS } from './inventory';
import { ingress, instanceState } from './ec2-calls';
import type { JsonObject } from './record';

const EC2 = 'ec2.amazonaws.com';
const S3 = 's3.amazonaws.com';
const IAM = 'iam.amazonaws.com';
const SELF = { items: [{ owner: 'self' }] };

const EC2_DESCRIBES: readonly (readonly [string, number, JsonObject])[] = [
  ['DescribeInstances', 10, { instancesSet: {}, filterSet: {} }],
  ['DescribeSecurityGroups', 5, { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} }],
  ['DescribeVpcs', 3, { vpcSet: {}, filterSet: {} }],
  ['DescribeSubnets', 3, { subnetSet: {}, filterSet: {} }],
  ['DescribeVolumes', 3, { volumeSet: {}, filterSet: {} }],
  ['DescribeInstanceStatus', 4, { instancesSet: {}, filterSet: {}, includeAllInstances: false }],
  ['DescribeRegions', 1, { regionSet: {} }],
  ['DescribeAddresses', 1, { publicIpsSet: {}, allocationIdsSet: {}, filterSet: {} }],
  ['DescribeNetworkInterfaces', 2, { networkInterfaceIdSet: {}, filterSet: {} }],
  ['DescribeSnapshots', 1, { snapshotSet: {}, ownersSet: SELF, sharedUsersSet: {}, filterSet: {} }],
  ['DescribeImages', 1, { executableBySet: {}, imagesSet: {}, ownersSet: SELF, filterSet: {} }],
  ['DescribeLaunchTemplates', 1, { DescribeLaunchTemplatesRequest: '' }],
];

/** EC2 Describe* calls, as consoles, CLIs and inventory tools make them. */
export const EC2_READS: readonly Action[] = EC2_DESCRIBES.map(([name, w, params]) => {
  const calls = new Map(REGIONS.map((r) => [r, shared(api(EC2, name, r, true, params))]));
  return act(w, EC2, (c) => calls.get(c.region) ?? api(EC2, name, c.region, true, params));
});

function instanceIn(c: Ctx): string {
  return c.rng.pick(c.region === 'us-west-2' ? INSTANCES['us-west-2'] : INSTANCES['us-east-1']);
}

/** EC2 changes an operator makes by hand: tags, start/stop, security group rules. */
export const EC2_OPS: readonly Action[] = [
  act(3, EC2, (c) => {
    const request = {
      resourcesSet: { items: [{ resourceId: instanceIn(c) }] },
      tagSet: { items: [{ key: 'Owner', value: c.rng.pick(['platform', 'payments', 'web']) }] },
    };
    return api(EC2, 'CreateTags', c.region, false, request, { requestId: c.rng.uuid(), _return: true });
  }),
  act(1, EC2, (c) =>
    c.rng.chance(0.5)
      ? instanceState(c.rng, 'StartInstances', c.region, instanceIn(c), ['stopped', 'pending'])
      : instanceState(c.rng, 'StopInstances', c.region, instanceIn(c), ['running', 'stopping']),
  ),
  act(1, EC2, (c) => ingress(c.rng, 'Authorize', c.region, c.rng.pick(SECURITY_GROUPS), 443, '10.0.0.0/16')),
  act(1, EC2, (c) => ingress(c.rng, 'Revoke', c.region, c.rng.pick(SECURITY_GROUPS), 22, '10.8.0.0/16'), {
    error: {
      p: 0.2,
      code: 'Client.InvalidPermission.NotFound',
      message: 'The specified rule does not exist in this security group.',
    },
  }),
];

type BucketRead = readonly [string, number, JsonObject, { p: number; code: string; message: string }?];

const BUCKET_READS: readonly BucketRead[] = [
  ['GetBucketLocation', 4, { location: '' }],
  ['GetBucketAcl', 3, { acl: '' }],
  [
    'GetBucketPolicy',
    3,
    { policy: '' },
    { p: 0.35, code: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist' },
  ],
  ['GetBucketVersioning', 2, { versioning: '' }],
  ['GetBucketEncryption', 2, { encryption: '' }],
  ['GetBucketPublicAccessBlock', 2, { publicAccessBlock: '' }],
  ['GetBucketTagging', 1, { tagging: '' }, { p: 0.3, code: 'NoSuchTagSet', message: 'The TagSet does not exist' }],
];

/**
 * S3 bucket-level reads in one account (the console's bucket list fires these in bursts).
 *
 * @example
 * const reads = s3BucketReads(PRODUCTION);
 */
export function s3BucketReads(account: string): Action[] {
  const buckets = bucketsOf(account);
  const lists = new Map(REGIONS.map((r) => [r, shared(s3Bucket('ListBuckets', r, account))]));
  return [
    act(6, S3, (c) => lists.get(c.region) ?? s3Bucket('ListBuckets', c.region, account)),
    ...BUCKET_READS.map(([name, w, params, error]) => {
      const calls = buckets.map((b) => shared(s3Bucket(name, b.region, account, b.name, params)));
      return act(w, S3, (c) => c.rng.pick(calls), { error });
    }),
  ];
}

const ROLES = [
  'WebAppInstanceRole',
  'PaymentsBatchRole',
  'invoice-processor-role',
  'SecurityAuditRole',
  'GitHubActionsDeployRole',
];
const USERS = ['bob', 'ci-deployer', 'reporting-svc'];
const aRole = (c: Ctx) => ({ roleName: c.rng.pick(ROLES) });
const aUser = (c: Ctx) => ({ userName: c.rng.pick(USERS) });

/** IAM reads: who exists, what they may do. */
export const IAM_READS: readonly Action[] = [
  apiAction(3, IAM, 'ListUsers', true),
  apiAction(4, IAM, 'ListRoles', true),
  apiAction(4, IAM, 'GetRole', true, aRole),
  apiAction(2, IAM, 'GetUser', true, aUser),
  apiAction(3, IAM, 'ListAttachedRolePolicies', true, aRole),
  apiAction(2, IAM, 'ListRolePolicies', true, aRole),
  apiAction(1, IAM, 'ListPolicies', true, () => ({ scope: 'Local', onlyAttached: false })),
  apiAction(1, IAM, 'GetAccountSummary', true),
  apiAction(2, IAM, 'ListAccessKeys', true, aUser),
  apiAction(1, IAM, 'ListMFADevices', true, aUser),
];

const S3_READ_POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::app-config-prod/*"}]}';

/** IAM changes an administrator makes now and then. */
export const IAM_ADMIN: readonly Action[] = [
  act(2, IAM, (c) => iam('TagRole', false, { ...aRole(c), tags: [{ key: 'CostCenter', value: 'cc-1042' }] })),
  act(1, IAM, (c) =>
    iam('PutRolePolicy', false, { ...aRole(c), policyName: 'inline-s3-read', policyDocument: S3_READ_POLICY }),
  ),
];
