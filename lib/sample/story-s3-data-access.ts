/**
 * Story 2 (AWS Security Blog, "Accelerate incident response with Amazon Security Lake –
 * Part 2"): unintended data access in S3. `Service_Backup`, an IAM user an administrator made
 * a week earlier with far too much IAM power, is used from outside: it creates users and roles,
 * gives one user AdministratorAccess and a key, copies card data, suspends the bucket's
 * versioning and access logging, deletes the data, leaves a ransom note in a new bucket and fails
 * to start EC2 instances. The new admin user's key is then used: a console password, a sign-in
 * without MFA, and an attempt to share a volume snapshot with the intruder's own account.
 */

import { Rng } from './prng';
import { at } from './clock';
import { runInstances } from './ec2-calls';
import { api, consoleLogin, sessionKey, sessionStart } from './api';
import { createAccessKey, createRole, createUser, getCallerIdentity, iam } from './iam-calls';
import { s3Bucket, s3Object } from './s3-calls';
import { PRODUCTION, accessKeyId, assumedRole, iamUser, iamUserConsole, ssoRole } from './identities';
import { VICTIM_BUCKET } from './inventory';
import { Timeline, type ScriptedEvent } from './timeline';
import type { Actor, JsonObject } from './record';

/** The unfamiliar IAM user. */
export const BACKUP_USER = 'Service_Backup';
/** Its access key. */
export const BACKUP_KEY = accessKeyId('AKIA', PRODUCTION, BACKUP_USER);
/** Its ARN. */
export const BACKUP_ARN = `arn:aws:iam::${PRODUCTION}:user/${BACKUP_USER}`;
/** Where it is used from. */
export const INTRUDER_IP = '198.51.100.45';
/** The intruder's CLI. */
export const INTRUDER_AGENT = 'aws-cli/2.15.24 Python/3.11.8 Linux/6.5.0-1015-aws exe/x86_64.ubuntu.22 prompt/off';
/** Users the intruder creates; the first gets AdministratorAccess and a key. */
export const NEW_USERS = ['backup-admin', 'svc-sync'] as const;
/** The administrator user's ARN. */
export const BACKUP_ADMIN_ARN = `arn:aws:iam::${PRODUCTION}:user/${NEW_USERS[0]}`;
/** Roles the intruder creates, with the policy attached to each. */
export const NEW_ROLES = [
  ['ec2-backup-role', 'arn:aws:iam::aws:policy/AmazonS3FullAccess', 'ec2.amazonaws.com'],
  ['sync-automation-role', 'arn:aws:iam::aws:policy/AdministratorAccess', 'lambda.amazonaws.com'],
] as const;
/** The policy that makes the new user an administrator. */
export const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';
/** The bucket created for the ransom note. */
export const RANSOM_BUCKET = 'breach.notify';
/** The ransom note's key. */
export const RANSOM_OBJECT = 'data-locked-xxx.txt';
/** Where the intruder signs in to the console as the new administrator. */
export const INTRUDER_BROWSER =
  'Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0';
/** The account the intruder tries to share a volume snapshot with. */
export const INTRUDER_ACCOUNT = '999988887777';
const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
/** The administrator who created Service_Backup a week before. */
export const CREATOR_EMAIL = 'erin@example.com';
/** The policies the administrator attached to Service_Backup (far too much IAM power). */
export const BACKUP_POLICIES = [
  'arn:aws:iam::aws:policy/AmazonS3FullAccess',
  'arn:aws:iam::aws:policy/IAMFullAccess',
] as const;

function origin(rng: Rng): ScriptedEvent[] {
  const t0 = at(5, 15, 22, rng.below(60));
  const slot = sessionStart(t0, 4);
  const identity = assumedRole(
    ssoRole(PRODUCTION, 'AdministratorAccess'),
    CREATOR_EMAIL,
    sessionKey('erin' + PRODUCTION, slot),
    slot + 600_000,
  );
  const erin: Actor = { identity, sourceIPAddress: '192.0.2.11', userAgent: 'AWS Internal', console: true };
  const tl = new Timeline(rng, PRODUCTION, t0);
  tl.call(erin, createUser(PRODUCTION, BACKUP_USER, tl.time)).pause(20, 60);
  for (const policyArn of BACKUP_POLICIES)
    tl.call(erin, iam('AttachUserPolicy', false, { userName: BACKUP_USER, policyArn })).pause(5, 30);
  tl.call(erin, createAccessKey(BACKUP_USER, BACKUP_KEY, tl.time));
  return tl.events;
}

/** Privilege: CreateUser >> AttachUserPolicy >> CreateAccessKey, a second user, two roles. */
function escalate(tl: Timeline, me: Actor): void {
  const [admin, sync] = NEW_USERS;
  tl.call(me, createUser(PRODUCTION, admin, tl.time)).pause(10, 30);
  tl.call(me, iam('AttachUserPolicy', false, { userName: admin, policyArn: ADMIN_POLICY })).pause(10, 30);
  tl.call(me, createAccessKey(admin, accessKeyId('AKIA', PRODUCTION, admin), tl.time)).pause(30, 70);
  tl.call(me, createUser(PRODUCTION, sync, tl.time)).pause(30, 70);
  for (const [roleName, policyArn, service] of NEW_ROLES) {
    tl.call(me, createRole(PRODUCTION, roleName, service, tl.time)).pause(8, 25);
    tl.call(me, iam('AttachRolePolicy', false, { roleName, policyArn })).pause(20, 60);
  }
}

/** A bucket for the note, then compute that is not allowed. */
function prepare(tl: Timeline, rng: Rng, me: Actor): void {
  const location = { LocationConstraint: 'us-west-2', xmlns: S3_XMLNS };
  tl.call(
    me,
    s3Bucket('CreateBucket', 'us-west-2', PRODUCTION, RANSOM_BUCKET, { CreateBucketConfiguration: location }),
  );
  tl.pause(40, 90);
  const images = { executableBySet: {}, imagesSet: {}, ownersSet: { items: [{ owner: 'amazon' }] }, filterSet: {} };
  tl.deny(me, api('ec2.amazonaws.com', 'DescribeImages', 'us-west-2', true, images)).pause(15, 40);
  for (const instanceType of ['p3.8xlarge', 'c5.4xlarge', 'c5.2xlarge']) {
    const launch = { imageId: 'ami-0b20a6f09484773af', instanceType, maxCount: 4, profile: NEW_ROLES[0][0] };
    tl.deny(me, runInstances(rng, 'us-west-2', launch)).pause(10, 40);
  }
}

/** The data: list, copy out, delete, leave the note. */
function ransom(tl: Timeline, rng: Rng, me: Actor): void {
  const readCount = 6 + rng.below(4);
  const deleteCount = readCount + 2 + rng.below(3);
  const object = (eventName: string, key: string, bytesOut = 0) =>
    s3Object(rng, eventName, 'us-west-2', PRODUCTION, VICTIM_BUCKET, key, { bytesOut });
  const listing = { 'list-type': '2', prefix: '', 'encoding-type': 'url' };
  tl.pause(120, 300);
  tl.call(me, s3Bucket('ListObjects', 'us-west-2', PRODUCTION, VICTIM_BUCKET, listing)).pause(20, 60);
  for (let i = 1; i <= readCount; i++) {
    tl.call(me, object('GetObject', `cc-data-${i}.csv`, rng.int(2_000_000, 40_000_000))).pause(15, 60);
  }
  tl.pause(90, 240);
  // No old versions to restore and no access log of what follows.
  const bucketCall = (eventName: string, params: JsonObject) =>
    s3Bucket(eventName, 'us-west-2', PRODUCTION, VICTIM_BUCKET, params);
  tl.call(me, bucketCall('GetBucketVersioning', { versioning: '' })).pause(10, 30);
  const suspended = { Status: 'Suspended', xmlns: S3_XMLNS };
  tl.call(me, bucketCall('PutBucketVersioning', { versioning: '', VersioningConfiguration: suspended })).pause(10, 40);
  tl.call(me, bucketCall('PutBucketLogging', { logging: '', BucketLoggingStatus: { xmlns: S3_XMLNS } })).pause(30, 90);
  for (let i = 1; i <= deleteCount; i++) tl.call(me, object('DeleteObject', `cc-data-${i}.csv`)).pause(3, 15);
  tl.pause(60, 180);
  const note = { bytesIn: 1337, response: { 'x-amz-server-side-encryption': 'AES256' } };
  tl.call(me, s3Object(rng, 'PutObject', 'us-west-2', PRODUCTION, RANSOM_BUCKET, RANSOM_OBJECT, note)).pause(20, 60);
}

function intrusion(rng: Rng): ScriptedEvent[] {
  const tl = new Timeline(rng, PRODUCTION, at(12, 9, 14, rng.below(30)));
  const identity = iamUser(PRODUCTION, BACKUP_USER, BACKUP_KEY);
  const me: Actor = { identity, sourceIPAddress: INTRUDER_IP, userAgent: INTRUDER_AGENT };
  tl.call(me, getCallerIdentity('us-west-2')).pause(20, 50);
  tl.call(me, iam('ListUsers', true)).pause(10, 30);
  tl.call(me, iam('ListRoles', true)).pause(10, 30);
  tl.call(me, s3Bucket('ListBuckets', 'us-west-2', PRODUCTION)).pause(60, 120);
  escalate(tl, me);
  prepare(tl, rng, me);
  ransom(tl, rng, me);
  tl.call(me, iam('ListAttachedUserPolicies', true, { userName: NEW_USERS[0] }));
  return tl.events;
}

function followOn(rng: Rng): ScriptedEvent[] {
  const [admin, sync] = NEW_USERS;
  const tl = new Timeline(rng, PRODUCTION, at(12, 10, 31, rng.below(60)));
  const a: Actor = {
    identity: iamUser(PRODUCTION, admin, accessKeyId('AKIA', PRODUCTION, admin)),
    sourceIPAddress: INTRUDER_IP,
    userAgent: INTRUDER_AGENT,
  };
  tl.call(a, getCallerIdentity('us-west-2')).pause(15, 40);
  tl.call(a, iam('ListAttachedUserPolicies', true, { userName: admin })).pause(15, 40);
  tl.call(a, s3Bucket('ListBuckets', 'us-west-2', PRODUCTION)).pause(30, 90);
  tl.call(a, createAccessKey(sync, accessKeyId('AKIA', PRODUCTION, sync), tl.time)).pause(30, 90);
  tl.call(a, api('ec2.amazonaws.com', 'DescribeRegions', 'us-west-2', true, { regionSet: {} })).pause(5, 20);
  tl.call(a, api('ec2.amazonaws.com', 'DescribeInstances', 'us-west-2', true, { instancesSet: {}, filterSet: {} }));
  tl.pause(20, 60);
  // A password for the console, used at once, without MFA.
  tl.call(a, iam('CreateLoginProfile', false, { userName: admin, passwordResetRequired: false })).pause(40, 120);
  const browser: Actor = {
    identity: iamUserConsole(PRODUCTION, admin),
    sourceIPAddress: INTRUDER_IP,
    userAgent: INTRUDER_BROWSER,
  };
  tl.call(browser, consoleLogin()).pause(60, 180);
  // A copy of the payments volume for an account of their own; encrypted with the default key, so refused.
  const self = { items: [{ owner: 'self' }] };
  const snapshots = { snapshotSet: {}, ownersSet: self, sharedUsersSet: {}, filterSet: {} };
  tl.call(a, api('ec2.amazonaws.com', 'DescribeSnapshots', 'us-west-2', true, snapshots)).pause(15, 45);
  const share = {
    snapshotId: `snap-0${rng.hex(16)}`,
    createVolumePermission: { add: { items: [{ userId: INTRUDER_ACCOUNT }] } },
    attributeType: 'CREATE_VOLUME_PERMISSION',
  };
  tl.fail(
    a,
    api('ec2.amazonaws.com', 'ModifySnapshotAttribute', 'us-west-2', false, share),
    'Client.OperationNotPermitted',
    'Encrypted snapshots with EBS default key cannot be shared',
  );
  return tl.events;
}

/**
 * Story 2's scripted events: Service_Backup's creation on 5 March, the intrusion on 12 March
 * (us-west-2; IAM calls are global and land in us-east-1) and the new admin user's first use.
 *
 * @example
 * const [origin, intrusion, followOn] = s3DataAccessEvents(1);
 */
export function s3DataAccessEvents(seed: number): ScriptedEvent[][] {
  return [
    origin(new Rng(seed, 'story2-origin')),
    intrusion(new Rng(seed, 'story2-intrusion')),
    followOn(new Rng(seed, 'story2-follow')),
  ];
}
