/**
 * The ten people of the sample. Most reach AWS through IAM Identity Center (roles named
 * `AWSReservedSSO_<set>_…`, sessions named by email); two still have IAM users. Most work in
 * New York, two in Dublin.
 */

import type { Zone } from './clock';
import { scaled } from './action';
import { PRODUCTION, SECURITY, type Region } from './identities';
import { EC2_OPS, EC2_READS, IAM_ADMIN, IAM_READS, s3BucketReads } from './catalog-infra';
import { CFN_READS, LAMBDA_READS, MONITORING_READS, RDS_READS } from './catalog-deploy';
import { s3Traffic, SECURITY_ANALYST } from './catalog-apps';
import { CLIS, person } from './person';
import type { Persona } from './persona';

const EAST: Partial<Record<Region, number>> = { 'us-east-1': 0.65, 'us-west-2': 0.3, 'eu-west-1': 0.05 };
const NY: Zone = 'America/New_York';
const DUBLIN: Zone = 'Europe/Dublin';

const OPS = [...scaled(EC2_READS, 1), ...scaled(MONITORING_READS, 2), ...scaled(RDS_READS, 1)];
const P_BUCKETS = s3BucketReads(PRODUCTION);
const S_BUCKETS = s3BucketReads(SECURITY);

/** The people of the sample, one persona per person and account. */
export const PEOPLE: readonly Persona[] = [
  person({
    key: 'alice',
    email: 'alice@example.com',
    account: PRODUCTION,
    access: { sso: 'AdministratorAccess' },
    zone: NY,
    regions: EAST,
    weight: 10,
    console: 0.5,
    cli: CLIS.mac,
    actions: [
      ...scaled(EC2_READS, 3),
      ...EC2_OPS,
      ...P_BUCKETS,
      ...IAM_READS,
      ...scaled(IAM_ADMIN, 0.5),
      ...LAMBDA_READS,
      ...CFN_READS,
      ...OPS,
    ],
  }),
  person({
    key: 'bob',
    email: 'bob@example.com',
    account: PRODUCTION,
    access: { iamUser: 'bob' },
    zone: NY,
    regions: EAST,
    weight: 6,
    console: 0.7,
    cli: CLIS.linux,
    actions: [...OPS, ...scaled(EC2_OPS, 0.5), ...P_BUCKETS],
  }),
  person({
    key: 'carol',
    email: 'carol@example.com',
    account: PRODUCTION,
    access: { sso: 'ReadOnly' },
    zone: NY,
    regions: EAST,
    weight: 7,
    console: 0.25,
    cli: CLIS.mac,
    actions: [
      ...scaled(LAMBDA_READS, 3),
      ...MONITORING_READS,
      ...CFN_READS,
      ...EC2_READS,
      ...s3Traffic(['app-config-prod'], 2, 0),
    ],
  }),
  person({
    key: 'dave',
    email: 'dave@example.com',
    account: PRODUCTION,
    access: { sso: 'AdministratorAccess' },
    zone: NY,
    regions: EAST,
    weight: 8,
    console: 0.1,
    cli: CLIS.terraform,
    actions: [
      ...scaled(EC2_READS, 2),
      ...IAM_READS,
      ...P_BUCKETS,
      ...RDS_READS,
      ...CFN_READS,
      ...s3Traffic([`tf-state-${PRODUCTION}`], 2, 1),
    ],
  }),
  person({
    key: 'erin',
    email: 'erin@example.com',
    account: PRODUCTION,
    access: { sso: 'AdministratorAccess' },
    zone: NY,
    regions: EAST,
    weight: 4,
    console: 0.85,
    cli: CLIS.mac,
    actions: [...scaled(IAM_READS, 2), ...IAM_ADMIN, ...P_BUCKETS, ...EC2_READS],
  }),
  person({
    key: 'frank',
    email: 'frank@example.com',
    account: PRODUCTION,
    access: { sso: 'ReadOnly' },
    zone: DUBLIN,
    regions: { 'eu-west-1': 0.8, 'us-east-1': 0.2 },
    weight: 5,
    console: 0.4,
    cli: CLIS.linux,
    actions: [...s3Traffic(['eu-analytics-exports'], 4, 0), ...MONITORING_READS, ...EC2_READS],
  }),
  person({
    key: 'grace',
    email: 'grace@example.com',
    account: SECURITY,
    access: { sso: 'AdministratorAccess' },
    zone: NY,
    regions: { 'us-east-1': 0.8, 'us-west-2': 0.2 },
    weight: 5,
    console: 0.5,
    cli: CLIS.jupyter,
    actions: [...SECURITY_ANALYST, ...S_BUCKETS],
  }),
  person({
    key: 'grace-prod',
    email: 'grace@example.com',
    account: PRODUCTION,
    access: { sso: 'ReadOnly' },
    zone: NY,
    regions: EAST,
    weight: 2,
    console: 0.6,
    cli: CLIS.mac,
    actions: [...IAM_READS, ...EC2_READS, ...P_BUCKETS],
  }),
  person({
    key: 'heidi',
    email: 'heidi@example.com',
    account: SECURITY,
    access: { iamUser: 'heidi' },
    zone: NY,
    regions: { 'us-east-1': 0.9, 'us-west-2': 0.1 },
    weight: 3,
    console: 0.8,
    cli: CLIS.linux,
    actions: [...S_BUCKETS, ...IAM_READS, ...SECURITY_ANALYST],
  }),
  person({
    key: 'ivan',
    email: 'ivan@example.com',
    account: SECURITY,
    access: { sso: 'AdministratorAccess' },
    zone: DUBLIN,
    regions: { 'us-east-1': 0.7, 'eu-west-1': 0.3 },
    weight: 5,
    console: 0.3,
    cli: CLIS.jupyter,
    actions: [...scaled(SECURITY_ANALYST, 2), ...S_BUCKETS],
  }),
  person({
    key: 'judy',
    email: 'judy@example.com',
    account: PRODUCTION,
    access: { sso: 'ReadOnly' },
    zone: NY,
    regions: EAST,
    weight: 3,
    console: 0.9,
    cli: CLIS.mac,
    actions: [...OPS, ...P_BUCKETS],
  }),
];
