import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { tempDir } from '../support/cloudtrail-fixtures';
import {
  authFailuresByArn,
  isDocumentationAttacker,
  isInternal,
  pick,
  readSample,
  summarize,
  type ParsedRecord,
} from '../support/sample-reader';

const { path: dir, cleanup } = tempDir('irbook-sample-stories-');
let manifest: SampleManifest;
let records: ParsedRecord[];

beforeAll(async () => {
  // The CloudTrail stories only: the lake's own tests are in lake.test.ts.
  manifest = await generateSample({ out: dir, events: 8000, seed: 2, lake: false });
  records = readSample(dir).flatMap((f) => f.records);
});

afterAll(cleanup);

describe('story 1: credential compromise', () => {
  const story = () => manifest.stories.credentialCompromise;

  it('makes the leaked user the top principal by AccessDenied/UnauthorizedOperation among %iam% ARNs, by far', () => {
    const ranking = authFailuresByArn(records, true);
    expect(ranking[0][0]).toBe(story().principalArn);
    expect(ranking[0][1]).toBeGreaterThan(3 * (ranking[1]?.[1] ?? 0));
  });

  it('hides the stolen role session from a %iam% query but not from an all-ARN one', () => {
    const stolen = story().stolenRoleSession;
    expect(stolen.principalArn).not.toContain('iam');
    expect(authFailuresByArn(records, true).map(([arn]) => arn)).not.toContain(stolen.principalArn);
    const all = authFailuresByArn(records, false);
    expect(all[0][0]).toBe(story().principalArn);
    expect(all[1][0]).toBe(stolen.principalArn);
  });

  it("matches what the records say about the key's use from outside", () => {
    const s = story();
    const mine = records.filter((r) => r.userIdentity.arn === s.principalArn);
    const outside = mine.filter((r) => !isInternal(r.sourceIPAddress));
    expect(pick(s)).toEqual(summarize(outside));
    expect(pick(s.baseline)).toEqual(summarize(mine.filter((r) => isInternal(r.sourceIPAddress))));
    expect(s.sourceIps.every(isDocumentationAttacker)).toBe(true);
    expect(s.failuresByErrorCode['Client.InvalidPermission.NotFound']).toBeGreaterThan(0);
    expect(s.failuresByErrorCode['Client.OperationNotPermitted']).toBeGreaterThan(0);
    for (const name of ['GetCallerIdentity', 'ListBuckets']) {
      expect(outside.some((r) => r.eventName === name && !r.errorCode)).toBe(true);
    }
    for (const svc of ['iam', 's3', 'ec2', 'lambda', 'secretsmanager', 'kms', 'rds', 'organizations']) {
      expect(s.services).toContain(`${svc}.amazonaws.com`);
    }
  });

  it('happens at night, with a different client than the normal daytime runs earlier in the month', () => {
    const s = story();
    expect(s.baseline.events).toBeGreaterThan(0);
    expect(s.baseline.window.first! < s.window.first!).toBe(true);
    expect(s.userAgents.some((ua) => s.baseline.userAgents.includes(ua))).toBe(false);
    const hours = new Set(
      records
        .filter((r) => r.userIdentity.arn === s.principalArn && !isInternal(r.sourceIPAddress))
        .map((r) => new Date(r.eventTime).getUTCHours()),
    );
    for (const h of hours) expect(h >= 4 && h < 10).toBe(true);
  });

  it('matches what the records say about the stolen instance credentials', () => {
    const s = story().stolenRoleSession;
    const outside = records.filter((r) => r.userIdentity.arn === s.principalArn && !isInternal(r.sourceIPAddress));
    expect(pick(s)).toEqual(summarize(outside));
    expect(s.principalArn).toBe(`arn:aws:sts::111122223333:assumed-role/${s.roleName}/${s.instanceId}`);
    expect(s.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    // The same session is in normal use from inside the VPC.
    expect(records.some((r) => r.userIdentity.arn === s.principalArn && isInternal(r.sourceIPAddress))).toBe(true);
  });
});

describe('story 2: unintended S3 data access', () => {
  const story = () => manifest.stories.s3DataAccess;
  const by = (user: string) =>
    records.filter((r) => r.userIdentity.userName === user).sort((a, b) => (a.eventTime < b.eventTime ? -1 : 1));

  it("matches what the records say about Service_Backup and the new admin's key", () => {
    const s = story();
    expect(s.userName).toBe('Service_Backup');
    expect(pick(s)).toEqual(summarize(by('Service_Backup')));
    expect(pick(s.followOn)).toEqual(summarize(by(s.adminUserName)));
    expect(s.window.first!.startsWith('2024-03-12')).toBe(true);
    expect(s.sourceIps.every(isDocumentationAttacker)).toBe(true);
  });

  it('escalates: CreateUser, then AttachUserPolicy(AdministratorAccess), then CreateAccessKey, for the same user', () => {
    const rs = by('Service_Backup').filter((r) => !r.errorCode);
    const created = rs.findIndex((r) => r.eventName === 'CreateUser');
    const user = rs[created].requestParameters?.userName;
    const attached = rs.findIndex((r) => r.eventName === 'AttachUserPolicy' && r.requestParameters?.userName === user);
    const key = rs.findIndex((r) => r.eventName === 'CreateAccessKey' && r.requestParameters?.userName === user);
    expect(created).toBeGreaterThanOrEqual(0);
    expect(attached).toBeGreaterThan(created);
    expect(key).toBeGreaterThan(attached);
    expect(rs[attached].requestParameters?.policyArn).toBe('arn:aws:iam::aws:policy/AdministratorAccess');
    expect(user).toBe(story().adminUserName);
    expect(story().attachedPolicyArn).toBe('arn:aws:iam::aws:policy/AdministratorAccess');
    const keyId = (rs[key].responseElements?.accessKey as { accessKeyId: string }).accessKeyId;
    expect(story().createdAccessKeyIds[0]).toBe(keyId);
    expect(story().followOn.accessKeyIds).toEqual([keyId]);
    expect(rs.every((r) => r.eventSource !== 'iam.amazonaws.com' || r.awsRegion === 'us-east-1')).toBe(true);
  });

  it('lists the users, roles and keys the intruders created', () => {
    const s = story();
    const mine = [...by('Service_Backup'), ...by(s.adminUserName)].filter((r) => !r.errorCode);
    const ordered = mine.sort((a, b) => (a.eventTime < b.eventTime ? -1 : 1));
    expect(s.createdUsers).toEqual(
      ordered.filter((r) => r.eventName === 'CreateUser').map((r) => r.requestParameters?.userName),
    );
    expect(s.createdUsers).toHaveLength(2);
    expect(s.createdRoles.map((r) => r.roleName)).toEqual(
      ordered.filter((r) => r.eventName === 'CreateRole').map((r) => r.requestParameters?.roleName),
    );
    expect(s.createdRoles).toHaveLength(2);
    for (const r of s.createdRoles) {
      expect(r.policyArns).toEqual(
        ordered
          .filter((x) => x.eventName === 'AttachRolePolicy' && x.requestParameters?.roleName === r.roleName)
          .map((x) => x.requestParameters?.policyArn),
      );
    }
    expect(s.createdAccessKeyIds).toEqual(
      ordered
        .filter((r) => r.eventName === 'CreateAccessKey')
        .map((r) => (r.responseElements?.accessKey as { accessKeyId: string }).accessKeyId),
    );
  });

  it('creates breach.notify and puts the note in it', () => {
    const s = story();
    const rs = by('Service_Backup');
    expect(s.ransomBucket).toBe('breach.notify');
    expect(s.ransomObject).toMatch(/^data-locked-.*\.txt$/);
    expect(
      rs.some(
        (r) => r.eventName === 'CreateBucket' && r.requestParameters?.bucketName === 'breach.notify' && !r.errorCode,
      ),
    ).toBe(true);
    const put = rs.find((r) => r.eventName === 'PutObject' && r.requestParameters?.bucketName === 'breach.notify');
    expect(put?.requestParameters?.key).toBe(s.ransomObject);
    expect(put?.eventCategory).toBe('Data');
    expect(put?.resources?.map((x) => x.ARN)).toEqual([
      `arn:aws:s3:::breach.notify/${s.ransomObject}`,
      'arn:aws:s3:::breach.notify',
    ]);
  });

  it('reads cc-data files before deleting them, and deletes a few more', () => {
    const s = story();
    const rs = by('Service_Backup').filter(
      (r) => r.eventCategory === 'Data' && r.requestParameters?.bucketName === s.victimBucket,
    );
    const gets = rs.filter((r) => r.eventName === 'GetObject');
    const deletes = rs.filter((r) => r.eventName === 'DeleteObject');
    expect(gets.map((r) => r.requestParameters?.key)).toEqual(s.objectsRead);
    expect(deletes.map((r) => r.requestParameters?.key)).toEqual(s.objectsDeleted);
    expect(s.objectsRead.every((k) => /^cc-data-\d+\.csv$/.test(k))).toBe(true);
    expect(s.objectsDeleted.length).toBeGreaterThan(s.objectsRead.length);
    for (const key of s.objectsRead) {
      const get = gets.find((r) => r.requestParameters?.key === key)!;
      const del = deletes.find((r) => r.requestParameters?.key === key);
      expect(del, key).toBeDefined();
      expect(get.eventTime < del!.eventTime).toBe(true);
      expect(get.resources?.[0]).toEqual({ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${s.victimBucket}/${key}` });
    }
  });

  it('fails to start EC2 instances', () => {
    const failed = by('Service_Backup').filter((r) => r.eventName === 'RunInstances');
    expect(failed.length).toBe(story().failedRunInstances);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.errorCode === 'Client.UnauthorizedOperation')).toBe(true);
  });

  it('names who created Service_Backup, and with which policies', () => {
    const o = story().origin;
    const create = records.find(
      (r) => r.eventName === 'CreateUser' && r.requestParameters?.userName === 'Service_Backup',
    );
    expect(create?.userIdentity.arn).toBe(o.createdByArn);
    expect(create?.eventTime).toBe(o.createdAt);
    expect(o.createdAt < story().window.first!).toBe(true);
    expect(o.attachedPolicyArns).toEqual(
      records
        .filter((r) => r.eventName === 'AttachUserPolicy' && r.requestParameters?.userName === 'Service_Backup')
        .map((r) => r.requestParameters?.policyArn),
    );
  });
});
