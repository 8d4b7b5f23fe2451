import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample, parseLogPath, type SampleManifest } from '../../lib/sample';
import { tempDir } from '../support/cloudtrail-fixtures';
import {
  isDocumentationAttacker,
  isInternal,
  isServiceName,
  readSample,
  type ParsedFile,
  type ParsedRecord,
} from '../support/sample-reader';

const EVENTS = 12_000;
const FIVE_MINUTES = 5 * 60 * 1000;

const { path: dir, cleanup } = tempDir('irbook-sample-');
let manifest: SampleManifest;
let files: ParsedFile[];
let records: ParsedRecord[];
const progress: [number, number][] = [];

beforeAll(async () => {
  manifest = await generateSample({ out: dir, events: EVENTS, seed: 7, lake: false, onProgress: (w, t) => progress.push([w, t]) });
  files = readSample(dir);
  records = files.flatMap((f) => f.records);
});

afterAll(cleanup);

describe('the files', () => {
  it('hold exactly the requested number of records, as the manifest says', () => {
    expect(records).toHaveLength(EVENTS);
    expect(manifest.events).toBe(EVENTS);
    expect(manifest.files).toBe(files.length);
    expect(manifest.counts.scripted + manifest.counts.background).toBe(EVENTS);
  });

  it('follow the S3 delivery layout, one file per account, region and 5-minute window', () => {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const f of files) {
      const info = parseLogPath(f.path);
      if (!info) {
        problems.push(`bad path ${f.path}`);
        continue;
      }
      const key = `${info.account}|${info.region}|${info.windowStart}`;
      if (seen.has(key)) problems.push(`two files for ${key}`);
      seen.add(key);
      if (!['111122223333', '444455556666'].includes(info.account)) problems.push(`account ${f.path}`);
      if (!['us-east-1', 'us-west-2', 'eu-west-1'].includes(info.region)) problems.push(`region ${f.path}`);
      if (f.records.length === 0) problems.push(`empty ${f.path}`);
      let previous = '';
      for (const r of f.records) {
        const t = Date.parse(r.eventTime);
        if (r.recipientAccountId !== info.account) problems.push(`${r.eventID} account in ${f.path}`);
        if (r.awsRegion !== info.region) problems.push(`${r.eventID} region in ${f.path}`);
        if (t < info.windowStart || t >= info.windowStart + FIVE_MINUTES)
          problems.push(`${r.eventTime} outside ${f.path}`);
        if (r.eventTime < previous) problems.push(`unsorted ${f.path}`);
        previous = r.eventTime;
      }
    }
    expect(problems).toEqual([]);
  });

  it('is one gzipped JSON object on one line per file', () => {
    const body = readFileSync(join(dir, files[0].path));
    expect([body[0], body[1]]).toEqual([0x1f, 0x8b]);
    const text = gunzipSync(body).toString('utf8');
    expect(text).not.toContain('\n');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['Records']);
  });

  it('cover March 2024 in both accounts and all three regions', () => {
    const times = records.map((r) => r.eventTime).sort();
    expect(times[0] >= '2024-03-01T00:00:00Z').toBe(true);
    expect(times[times.length - 1] < '2024-04-01T00:00:00Z').toBe(true);
    expect(new Set(records.map((r) => r.recipientAccountId))).toEqual(new Set(['111122223333', '444455556666']));
    expect(new Set(records.map((r) => r.awsRegion))).toEqual(new Set(['us-east-1', 'us-west-2', 'eu-west-1']));
  });

  it('reports progress up to the total', () => {
    expect(progress.length).toBe(files.length);
    expect(progress[progress.length - 1]).toEqual([EVENTS, EVENTS]);
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThan(progress[i - 1][0]);
  });

  it('writes manifest.json equal to the returned manifest', () => {
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
  });
});

describe('the records', () => {
  it('use CloudTrail keys and value shapes', () => {
    const problems = new Set<string>();
    const check = (ok: boolean, what: string) => {
      if (!ok) problems.add(what);
    };
    for (const r of records) {
      const what = `${r.eventSource}:${r.eventName}`;
      check(r.eventVersion === '1.09', `eventVersion ${what}`);
      check(/^2024-03-\d\dT\d\d:\d\d:\d\dZ$/.test(r.eventTime), `eventTime ${r.eventTime}`);
      check(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(r.eventID),
        `eventID ${r.eventID}`,
      );
      check(['AwsApiCall', 'AwsConsoleSignIn', 'AwsServiceEvent'].includes(r.eventType), `eventType ${what}`);
      check(['Management', 'Data'].includes(r.eventCategory), `eventCategory ${what}`);
      check(r.managementEvent === (r.eventCategory === 'Management'), `managementEvent ${what}`);
      check(typeof r.readOnly === 'boolean', `readOnly ${what}`);
      check('requestParameters' in r && 'responseElements' in r, `request/response keys ${what}`);
      check('errorCode' in r === 'errorMessage' in r, `error keys ${what}`);
      if (r.errorCode) check(r.responseElements === null, `responseElements on failure ${what}`);
      for (const [k, v] of Object.entries(r)) {
        if (k !== 'requestParameters' && k !== 'responseElements') check(v !== null, `null ${k} ${what}`);
      }
      if (r.eventCategory === 'Data')
        check(!!r.resources?.some((x) => x.type === 'AWS::S3::Bucket'), `data resources ${what}`);
      if (r.eventType === 'AwsApiCall' && !isServiceName(r.sourceIPAddress))
        check(/^TLSv1\.[23]$/.test(r.tlsDetails?.tlsVersion ?? ''), `tls ${what}`);
      if (r.sessionCredentialFromConsole !== undefined)
        check(r.sessionCredentialFromConsole === 'true', `console flag ${what}`);
    }
    expect([...problems]).toEqual([]);
  });

  it('come from internal addresses, service names or the documentation ranges only', () => {
    const odd = new Set(
      records
        .map((r) => r.sourceIPAddress)
        .filter((ip) => !(isInternal(ip) || isServiceName(ip) || isDocumentationAttacker(ip))),
    );
    expect([...odd]).toEqual([]);
  });

  it('include every identity type, console sign-ins with MFA and role assumptions', () => {
    const types = new Set(records.map((r) => r.userIdentity.type));
    for (const t of ['IAMUser', 'AssumedRole', 'AWSService', 'Root', 'FederatedUser']) expect(types).toContain(t);
    const logins = records.filter((r) => r.eventName === 'ConsoleLogin');
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.some((r) => r.additionalEventData?.MFAUsed === 'Yes')).toBe(true);
    expect(records.some((r) => r.eventName === 'AssumeRoleWithSAML')).toBe(true);
    expect(records.some((r) => r.eventName === 'AssumeRole' && r.userIdentity.type === 'AWSService')).toBe(true);
    expect(
      records.some((r) =>
        (r.userIdentity.sessionContext?.sessionIssuer?.userName ?? '').startsWith('AWSReservedSSO_ReadOnly_'),
      ),
    ).toBe(true);
  });

  it('are mostly reads and busiest in office hours on weekdays', () => {
    const reads = records.filter((r) => r.readOnly).length;
    expect(reads / records.length).toBeGreaterThan(0.6);
    let office = 0;
    let night = 0;
    for (const r of records) {
      const d = new Date(r.eventTime);
      const weekday = d.getUTCDay() >= 1 && d.getUTCDay() <= 5;
      const h = d.getUTCHours();
      if (weekday && h >= 14 && h < 21) office += 1;
      else if (h >= 4 && h < 10) night += 1;
    }
    // Office hours in New York are 7 of 24 hours on 5 of 7 days; nights 6 hours every day.
    expect(office / (7 * 21)).toBeGreaterThan((3 * night) / (6 * 31));
  });
});

describe('counts', () => {
  it('match the records per account and per event category', () => {
    const byAccount: Record<string, number> = {};
    const byCategory: Record<string, number> = { Management: 0, Data: 0 };
    for (const r of records) {
      byAccount[r.recipientAccountId] = (byAccount[r.recipientAccountId] ?? 0) + 1;
      byCategory[r.eventCategory] += 1;
    }
    expect(manifest.counts.byAccount).toEqual(byAccount);
    expect(manifest.counts.byEventCategory).toEqual(byCategory);
  });
});
