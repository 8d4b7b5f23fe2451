/**
 * Calls AWS services make for the accounts: EC2 and Lambda handing out role credentials,
 * AWS Config recording, CloudTrail checking its bucket, AWS Backup's nightly jobs and Auto
 * Scaling replacing instances.
 */

import { act, type Action } from './action';
import { api, sessionKey, sessionStart } from './api';
import { assumeRole } from './iam-calls';
import { s3Bucket } from './s3-calls';
import { INSTANCES, bucketsOf } from './inventory';
import { PRODUCTION, SECURITY, role } from './identities';
import { iamDate } from './clock';
import { runInstances } from './ec2-calls';

const EC2 = 'ec2.amazonaws.com';

/**
 * EC2 or Lambda assuming an instance's or function's role for it (an `AWSService` caller).
 *
 * @example
 * const actions = roleDelivery('ec2');
 */
export function roleDelivery(service: 'ec2' | 'lambda'): Action[] {
  const hours = service === 'ec2' ? 6 : 12;
  return [
    act(
      1,
      'sts.amazonaws.com',
      (c) => {
        const west = c.region === 'us-west-2';
        const session =
          service === 'ec2' ? c.rng.pick(INSTANCES[west ? 'us-west-2' : 'us-east-1']) : 'invoice-processor';
        const name =
          service === 'lambda' ? 'invoice-processor-role' : west ? 'PaymentsBatchRole' : 'WebAppInstanceRole';
        const key = sessionKey(session, sessionStart(c.t, hours));
        return assumeRole(c.rng, role(PRODUCTION, name), session, c.t, c.region, key, hours * 3600);
      },
      { deniable: false },
    ),
  ];
}

const DESCRIBE_INSTANCES = { instancesSet: {}, filterSet: {} };
const DESCRIBE_GROUPS = { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} };

/** AWS Config recording resource configuration through its service-linked role. */
export const CONFIG_RECORDER: readonly Action[] = [
  act(4, EC2, (c) => api(EC2, 'DescribeInstances', c.region, true, DESCRIBE_INSTANCES), { deniable: false }),
  act(2, EC2, (c) => api(EC2, 'DescribeSecurityGroups', c.region, true, DESCRIBE_GROUPS), { deniable: false }),
  act(
    1,
    'iam.amazonaws.com',
    (c) =>
      api('iam.amazonaws.com', 'GetAccountAuthorizationDetails', c.region, true, {
        filter: ['Role', 'User', 'LocalManagedPolicy'],
      }),
    { deniable: false },
  ),
  act(
    2,
    's3.amazonaws.com',
    (c) => {
      const own = bucketsOf(c.account);
      const here = own.filter((x) => x.region === c.region);
      const b = c.rng.pick(here.length > 0 ? here : own);
      return s3Bucket('GetBucketAcl', b.region, b.account, b.name, { acl: '' });
    },
    { deniable: false },
  ),
];

/** CloudTrail checking it may still write to the log archive bucket. */
export const TRAIL_BUCKET_CHECK: readonly Action[] = [
  act(
    1,
    's3.amazonaws.com',
    () => s3Bucket('GetBucketAcl', 'us-east-1', SECURITY, `aws-cloudtrail-logs-${SECURITY}-org`, { acl: '' }),
    { deniable: false },
  ),
];

/** AWS Backup's nightly job results (service events). */
export const BACKUP_JOBS: readonly Action[] = [
  act(
    1,
    'backup.amazonaws.com',
    (c) => ({
      eventSource: 'backup.amazonaws.com',
      eventName: 'BackupJobCompleted',
      region: c.region,
      readOnly: true,
      requestParameters: null,
      responseElements: null,
      eventType: 'AwsServiceEvent',
      serviceEventDetails: {
        backupJobId: c.rng.uuid().toUpperCase(),
        backupVaultName: 'Default',
        resourceType: 'EBS',
        resourceArn: `arn:aws:ec2:${c.region}:${c.account}:volume/vol-0${c.rng.hex(16)}`,
        state: 'COMPLETED',
        completionDate: iamDate(c.t),
        backupSizeInBytes: c.rng.int(1, 80) * 1_073_741_824,
      },
    }),
    { deniable: false },
  ),
];

/** The Backup service's role taking EBS snapshots. */
export const BACKUP_SNAPSHOTS: readonly Action[] = [
  act(
    1,
    EC2,
    (c) => {
      const request = {
        volumeId: `vol-0${c.rng.hex(16)}`,
        description: 'This snapshot is created by the AWS Backup service.',
      };
      const response = {
        requestId: c.rng.uuid(),
        snapshotId: `snap-0${c.rng.hex(16)}`,
        status: 'pending',
        encrypted: true,
      };
      return api(EC2, 'CreateSnapshot', c.region, false, request, response);
    },
    { deniable: false },
  ),
];

/** Auto Scaling replacing web instances (a successful RunInstances now and then). */
export const AUTOSCALING: readonly Action[] = [
  act(
    1,
    EC2,
    (c) => {
      const call = runInstances(c.rng, c.region, { imageId: 'ami-0a1b2c3d4e5f67890', instanceType: 'm6i.large' });
      const instance = { instanceId: `i-0${c.rng.hex(16)}`, instanceType: 'm6i.large' };
      return { ...call, responseElements: { requestId: c.rng.uuid(), instancesSet: { items: [instance] } } };
    },
    { deniable: false },
  ),
  act(
    3,
    EC2,
    (c) =>
      api(EC2, 'DescribeInstanceStatus', c.region, true, {
        instancesSet: {},
        filterSet: {},
        includeAllInstances: false,
      }),
    { deniable: false },
  ),
];
