/**
 * Reads a generated sample back the way a consumer would: every `.json.gz` under the folder,
 * gunzipped and parsed, with nothing taken from the generator's own code.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { PrincipalActivity } from '../../lib/sample';

/** A CloudTrail record as parsed from a file (only the fields the tests look at are typed). */
export interface ParsedRecord {
  eventVersion: string;
  userIdentity: {
    type?: string;
    arn?: string;
    accountId?: string;
    accessKeyId?: string;
    userName?: string;
    principalId?: string;
    invokedBy?: string;
    sessionContext?: {
      sessionIssuer?: { arn: string; userName: string };
      attributes: { mfaAuthenticated: string; creationDate: string };
    };
  };
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  resources?: { ARN: string; accountId?: string; type?: string }[];
  eventType: string;
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: string;
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
  sessionCredentialFromConsole?: string;
  vpcEndpointId?: string;
  sharedEventID?: string;
}

/** One log file: its path relative to the sample folder (forward slashes) and its records. */
export interface ParsedFile {
  path: string;
  records: ParsedRecord[];
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.name.endsWith('.json.gz')) yield full;
  }
}

/** Every log file under `root`, sorted by path. */
export function readSample(root: string): ParsedFile[] {
  const files: ParsedFile[] = [];
  for (const file of walk(root)) {
    const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: ParsedRecord[] };
    files.push({ path: relative(root, file).split(sep).join('/'), records: parsed.Records });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Raw bytes of every file under `root`, keyed by relative path. */
export function readBytes(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const file of walk(root)) out.set(relative(root, file).split(sep).join('/'), readFileSync(file));
  return out;
}

/** True for addresses the sample gives staff and workloads: RFC 1918 or the office's 192.0.2.0/24. */
export function isInternal(ip: string): boolean {
  if (ip.startsWith('10.') || ip.startsWith('192.168.') || ip.startsWith('192.0.2.')) return true;
  const m = /^172\.(\d+)\./.exec(ip);
  return m !== null && Number(m[1]) >= 16 && Number(m[1]) <= 31;
}

/** True for the documentation ranges attackers use in the sample. */
export function isDocumentationAttacker(ip: string): boolean {
  return ip.startsWith('203.0.113.') || ip.startsWith('198.51.100.');
}

/** True when the caller is an AWS service (its name is its address). */
export function isServiceName(ip: string): boolean {
  return ip.endsWith('.amazonaws.com') || ip === 'AWS Internal';
}

const AUTH_CODES = new Set(['AccessDenied', 'Client.UnauthorizedOperation']);

/** Failures with the article's error codes per ARN, among ARNs like '%iam%' (query 2.2). */
export function authFailuresByArn(all: readonly ParsedRecord[], iamOnly: boolean): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of all) {
    const arn = r.userIdentity.arn ?? '';
    if (!r.errorCode || !AUTH_CODES.has(r.errorCode) || (iamOnly && !arn.includes('iam'))) continue;
    counts.set(arn, (counts.get(arn) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** What `summarize` computes, named as in the manifest. */
export interface Summary {
  events: number;
  failures: number;
  failuresByErrorCode: Record<string, number>;
  window: { first: string | null; last: string | null };
  sourceIps: string[];
  userAgents: string[];
  accessKeyIds: string[];
  services: string[];
  eventNames: string[];
  regions: string[];
}

/** The activity summary a notebook would compute for a set of records. */
export function summarize(rs: readonly ParsedRecord[]): Summary {
  const byCode: Record<string, number> = {};
  for (const r of rs) if (r.errorCode) byCode[r.errorCode] = (byCode[r.errorCode] ?? 0) + 1;
  const times = rs.map((r) => r.eventTime).sort();
  const distinct = (f: (r: ParsedRecord) => string | undefined) =>
    [...new Set(rs.map(f).filter((v): v is string => !!v))].sort();
  return {
    events: rs.length,
    failures: rs.filter((r) => r.errorCode).length,
    failuresByErrorCode: byCode,
    window: { first: times.length > 0 ? times[0] : null, last: times.length > 0 ? times[times.length - 1] : null },
    sourceIps: distinct((r) => r.sourceIPAddress),
    userAgents: distinct((r) => r.userAgent),
    accessKeyIds: distinct((r) => r.userIdentity.accessKeyId),
    services: distinct((r) => r.eventSource),
    eventNames: distinct((r) => r.eventName),
    regions: distinct((r) => r.awsRegion),
  };
}

/** The fields of a manifest activity that `summarize` computes, for comparing the two. */
export function pick(activity: PrincipalActivity): Summary {
  const {
    events,
    failures,
    failuresByErrorCode,
    window,
    sourceIps,
    userAgents,
    accessKeyIds,
    services,
    eventNames,
    regions,
  } = activity;
  return {
    events,
    failures,
    failuresByErrorCode: { ...failuresByErrorCode },
    window: { ...window },
    sourceIps: [...sourceIps],
    userAgents: [...userAgents],
    accessKeyIds: [...accessKeyIds],
    services: [...services],
    eventNames: [...eventNames],
    regions: [...regions],
  };
}

/** Every file under a sample's `security-lake/`, relative to the sample folder (forward slashes), sorted; none without a lake. */
export function lakeFiles(root: string): string[] {
  const lake = join(root, 'security-lake');
  const out: string[] = [];
  if (!existsSync(lake)) return out;
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else out.push(relative(root, full).split(sep).join('/'));
    }
  };
  visit(lake);
  return out.sort();
}
