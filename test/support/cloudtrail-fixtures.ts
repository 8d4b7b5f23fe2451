/**
 * Small CloudTrail events and writers for every file shape the local engine reads. Tests
 * compute their expected answers from these same objects in plain JS.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export type Event = Record<string, unknown> & {
  eventTime: string;
  eventName: string;
  awsRegion: string;
  recipientAccountId: string;
  userIdentity: Record<string, unknown>;
};

const USERS = ['alice', 'bob', 'carol', 'mallory'];
const NAMES = ['GetObject', 'ListBuckets', 'DescribeInstances', 'CreateUser', 'AssumeRole'];
const ERRORS = [undefined, undefined, 'AccessDenied', undefined, 'Client.UnauthorizedOperation'];

/** A deterministic event; `i` varies user, name, error and time. */
export function makeEvent(i: number, overrides: Partial<Event> = {}): Event {
  const user = USERS[i % USERS.length]!;
  const error = ERRORS[(i * 3) % ERRORS.length];
  const event: Event = {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDA${user.toUpperCase()}`,
      arn: `arn:aws:iam::111122223333:user/${user}`,
      accountId: '111122223333',
      accessKeyId: `AKIA${user.toUpperCase()}0001`,
      userName: user,
      sessionContext: {
        sessionIssuer: {},
        attributes: { creationDate: '2024-03-12T08:00:00Z', mfaAuthenticated: i % 2 === 0 ? 'true' : 'false' },
      },
    },
    eventTime: new Date(Date.UTC(2024, 2, 12, 10, 0, 0) + i * 61_000).toISOString().replace('.000', ''),
    eventSource: 's3.amazonaws.com',
    eventName: NAMES[i % NAMES.length]!,
    awsRegion: 'us-east-1',
    sourceIPAddress: i % 3 === 0 ? '203.0.113.7' : `10.0.0.${i % 250}`,
    userAgent: 'aws-cli/2.15.0',
    requestParameters: { bucketName: 'logs', key: `k${i}`, nested: { list: [1, 2] } },
    responseElements: null,
    requestID: `req-${i}`,
    eventID: `evt-${i}`,
    readOnly: i % 2 === 0,
    resources: [{ ARN: `arn:aws:s3:::logs/k${i}`, accountId: '111122223333', type: 'AWS::S3::Object' }],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: '111122223333',
    eventCategory: 'Data',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 's3.amazonaws.com' },
    ...overrides,
  };
  if (error) {
    event.errorCode = error;
    event.errorMessage = 'denied';
  }
  return event;
}

/** A temporary folder removed by `cleanup()`. */
export function tempDir(prefix = 'irbook-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes a file, creating its folders. */
export function writeFile(path: string, content: string | Buffer): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** CloudTrail's delivery format: gzip of `{"Records":[…]}` on one line. */
export function deliveryFile(events: readonly object[]): Buffer {
  return gzipSync(JSON.stringify({ Records: events }));
}

/** The S3 key CloudTrail writes for an account, region and day (`org` for organization trails). */
export function deliveryPath(root: string, account: string, region: string, day: string, n: number, org?: string): string {
  const [y, m, d] = day.split('-');
  const prefix = org ? join(root, 'AWSLogs', org, account) : join(root, 'AWSLogs', account);
  return join(prefix, 'CloudTrail', region, y!, m!, d!, `${account}_CloudTrail_${region}_${y}${m}${d}T1000Z_${String(n).padStart(16, 'a')}.json.gz`);
}
