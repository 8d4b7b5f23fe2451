/**
 * AWS services acting in the accounts: EC2 and Lambda fetching role credentials, AWS Config
 * in every region of both accounts, CloudTrail checking its bucket, AWS Backup at night and
 * Auto Scaling.
 */

import { PRODUCTION, SECURITY, role, serviceEvent } from './identities';
import { machine, type Persona } from './persona';
import { service, serviceRole } from './callers';
import {
  AUTOSCALING,
  BACKUP_JOBS,
  BACKUP_SNAPSHOTS,
  CONFIG_RECORDER,
  TRAIL_BUCKET_CHECK,
  roleDelivery,
} from './catalog-services';

const BACKUP = 'backup.amazonaws.com';
const NIGHT_REGIONS = { 'us-east-1': 0.6, 'us-west-2': 0.4 };

/** The AWS service personas. */
export const SERVICES: readonly Persona[] = [
  machine({
    key: 'ec2-credentials',
    account: PRODUCTION,
    regions: { 'us-east-1': 0.7, 'us-west-2': 0.3 },
    rhythm: 'steady',
    weight: 0.6,
    actions: roleDelivery('ec2'),
    caller: service('ec2.amazonaws.com'),
  }),
  machine({
    key: 'lambda-credentials',
    account: PRODUCTION,
    regions: { 'us-east-1': 1 },
    rhythm: 'steady',
    weight: 0.3,
    actions: roleDelivery('lambda'),
    caller: service('lambda.amazonaws.com'),
  }),
  ...[PRODUCTION, SECURITY].map((account) =>
    machine({
      key: `config-${account}`,
      account,
      regions: { 'us-east-1': 1, 'us-west-2': 1, 'eu-west-1': 1 },
      rhythm: 'steady',
      weight: 1.5,
      actions: CONFIG_RECORDER,
      caller: serviceRole(
        role(account, 'AWSServiceRoleForConfig', '/aws-service-role/config.amazonaws.com/'),
        'AWSConfig-Describe',
        'config.amazonaws.com',
      ),
    }),
  ),
  machine({
    key: 'cloudtrail',
    account: SECURITY,
    regions: { 'us-east-1': 1 },
    rhythm: 'steady',
    weight: 0.5,
    actions: TRAIL_BUCKET_CHECK,
    caller: service('cloudtrail.amazonaws.com'),
  }),
  machine({
    key: 'backup-events',
    account: PRODUCTION,
    regions: NIGHT_REGIONS,
    rhythm: 'nightly',
    weight: 2,
    actions: BACKUP_JOBS,
    caller: service(BACKUP, serviceEvent(PRODUCTION, BACKUP)),
  }),
  machine({
    key: 'backup-snapshots',
    account: PRODUCTION,
    regions: NIGHT_REGIONS,
    rhythm: 'nightly',
    weight: 2,
    actions: BACKUP_SNAPSHOTS,
    caller: serviceRole(
      role(PRODUCTION, 'AWSBackupDefaultServiceRole', '/service-role/'),
      'AWSBackup-AWSBackupDefaultServiceRole',
      BACKUP,
    ),
  }),
  machine({
    key: 'autoscaling',
    account: PRODUCTION,
    regions: { 'us-east-1': 1 },
    rhythm: 'steady',
    weight: 0.8,
    actions: AUTOSCALING,
    caller: serviceRole(
      role(PRODUCTION, 'AWSServiceRoleForAutoScaling', '/aws-service-role/autoscaling.amazonaws.com/'),
      'AutoScaling',
      'autoscaling.amazonaws.com',
    ),
  }),
];
