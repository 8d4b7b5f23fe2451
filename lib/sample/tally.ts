/**
 * Counts what is written, record by record, and turns the counts into the manifest. Nothing
 * in the manifest is copied from the story scripts: every number and name is read back from
 * the records that went into the files.
 */

import type { CloudTrailRecord, JsonValue } from './record';
import type { CreatedRole, PrincipalActivity, SampleCounts, SampleManifest } from './manifest';
import { PRODUCTION, role } from './identities';
import { STOLEN_INSTANCE } from './inventory';
import { ATTACKER_IP, CI_ARN, CI_USER, STOLEN_ARN, STOLEN_IP, STOLEN_ROLE } from './compromise-cast';
import { BACKUP_ADMIN_ARN, BACKUP_ARN, BACKUP_USER, NEW_USERS } from './story-s3-data-access';
import { DetectionTruth } from './detection-truth';

const sorted = (s: Set<string>): string[] => [...s].sort();

/** Accumulates one principal's records. */
class ActivityCounter {
  private events = 0;
  private failures = 0;
  private readonly byCode = new Map<string, number>();
  private readonly keys = new Set<string>();
  private readonly ips = new Set<string>();
  private readonly agents = new Set<string>();
  private readonly services = new Set<string>();
  private readonly names = new Set<string>();
  private readonly regions = new Set<string>();
  private first: string | null = null;
  private last: string | null = null;

  constructor(
    private readonly arn: string,
    private readonly userName: string,
    private readonly account: string,
  ) {}

  add(r: CloudTrailRecord): void {
    this.events += 1;
    if (r.errorCode !== undefined) {
      this.failures += 1;
      this.byCode.set(r.errorCode, (this.byCode.get(r.errorCode) ?? 0) + 1);
    }
    if (r.userIdentity.accessKeyId) this.keys.add(r.userIdentity.accessKeyId);
    this.ips.add(r.sourceIPAddress);
    this.agents.add(r.userAgent);
    this.services.add(r.eventSource);
    this.names.add(r.eventName);
    this.regions.add(r.awsRegion);
    if (this.first === null || r.eventTime < this.first) this.first = r.eventTime;
    if (this.last === null || r.eventTime > this.last) this.last = r.eventTime;
  }

  result(): PrincipalActivity {
    return {
      principalArn: this.arn,
      userName: this.userName,
      accountId: this.account,
      accessKeyIds: sorted(this.keys),
      sourceIps: sorted(this.ips),
      userAgents: sorted(this.agents),
      window: { first: this.first, last: this.last },
      events: this.events,
      failures: this.failures,
      failuresByErrorCode: Object.fromEntries([...this.byCode].sort(([a], [b]) => (a < b ? -1 : 1))),
      services: sorted(this.services),
      eventNames: sorted(this.names),
      regions: sorted(this.regions),
    };
  }
}

function str(obj: { [key: string]: JsonValue } | null | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** Values seen with their time, so lists come out in time order whichever file came first. */
class Timed<T = string> {
  private readonly items: [string, number, T][] = [];
  add(time: string, value: T): void {
    this.items.push([time, this.items.length, value]);
  }
  values(): T[] {
    return [...this.items].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])).map((x) => x[2]);
  }
}

/** Everything the manifest needs besides the counts. */
export type ManifestMeta = Omit<SampleManifest, 'events' | 'counts' | 'stories' | 'detections' | 'detectionWindow' | 'securityLake'> & { readonly scripted: number };

/**
 * Observes every written record and builds the manifest from them.
 *
 * @example
 * const tally = new Tally();
 * for (const r of records) tally.observe(r);
 * const manifest = tally.manifest(meta);
 */
export class Tally {
  private total = 0;
  private readonly byAccount: Record<string, number> = {};
  private readonly byRegion: Record<string, number> = {};
  private readonly byCategory = { Management: 0, Data: 0 };
  private readonly leak = new ActivityCounter(CI_ARN, CI_USER, PRODUCTION);
  private readonly baseline = new ActivityCounter(CI_ARN, CI_USER, PRODUCTION);
  private readonly stolen = new ActivityCounter(STOLEN_ARN, STOLEN_INSTANCE, PRODUCTION);
  private readonly intrusion = new ActivityCounter(BACKUP_ARN, BACKUP_USER, PRODUCTION);
  private readonly followOn = new ActivityCounter(BACKUP_ADMIN_ARN, NEW_USERS[0], PRODUCTION);
  private readonly users = new Timed();
  private readonly roles = new Timed();
  private readonly rolePolicies = new Map<string, string[]>();
  private readonly keys = new Timed();
  private readonly read = new Timed();
  private readonly deleted = new Timed();
  private readonly adminGrants = new Timed<{ userName: string; policyArn: string }>();
  private readonly ransomBuckets = new Timed();
  private readonly ransomObjects = new Timed<{ bucket: string; key: string }>();
  private readonly victims = new Set<string>();
  private failedRunInstances = 0;
  private origin: { arn: string; at: string; ip: string } | undefined;
  private readonly originPolicies: string[] = [];
  private readonly detections = new DetectionTruth();

  /** Counts one record. */
  observe(r: CloudTrailRecord): void {
    this.total += 1;
    this.byAccount[r.recipientAccountId] = (this.byAccount[r.recipientAccountId] ?? 0) + 1;
    this.byRegion[r.awsRegion] = (this.byRegion[r.awsRegion] ?? 0) + 1;
    this.byCategory[r.eventCategory] += 1;
    this.detections.observe(r);
    const arn = r.userIdentity.arn;
    if (arn === CI_ARN) (r.sourceIPAddress === ATTACKER_IP ? this.leak : this.baseline).add(r);
    else if (arn === STOLEN_ARN && r.sourceIPAddress === STOLEN_IP) this.stolen.add(r);
    else if (arn === BACKUP_ARN || arn === BACKUP_ADMIN_ARN) this.intruder(r, arn === BACKUP_ARN);
    else if (r.eventName === 'CreateUser' || r.eventName === 'AttachUserPolicy') this.creator(r);
  }

  private creator(r: CloudTrailRecord): void {
    if (r.errorCode !== undefined || str(r.requestParameters, 'userName') !== BACKUP_USER) return;
    if (r.eventName === 'CreateUser')
      this.origin = { arn: r.userIdentity.arn ?? '', at: r.eventTime, ip: r.sourceIPAddress };
    else this.originPolicies.push(str(r.requestParameters, 'policyArn') ?? '');
  }

  private intruder(r: CloudTrailRecord, isBackupUser: boolean): void {
    (isBackupUser ? this.intrusion : this.followOn).add(r);
    const req = r.requestParameters;
    if (r.errorCode !== undefined) {
      if (r.eventName === 'RunInstances' && isBackupUser) this.failedRunInstances += 1;
      return;
    }
    const t = r.eventTime;
    switch (r.eventName) {
      case 'CreateUser':
        this.users.add(t, str(req, 'userName') ?? '');
        break;
      case 'CreateRole':
        this.roles.add(t, str(req, 'roleName') ?? '');
        break;
      case 'AttachRolePolicy': {
        const name = str(req, 'roleName') ?? '';
        this.rolePolicies.set(name, [...(this.rolePolicies.get(name) ?? []), str(req, 'policyArn') ?? '']);
        break;
      }
      case 'AttachUserPolicy':
        this.adminGrants.add(t, { userName: str(req, 'userName') ?? '', policyArn: str(req, 'policyArn') ?? '' });
        break;
      case 'CreateAccessKey': {
        const key = r.responseElements?.accessKey;
        if (key && typeof key === 'object' && !Array.isArray(key)) this.keys.add(t, str(key, 'accessKeyId') ?? '');
        break;
      }
      case 'CreateBucket':
        this.ransomBuckets.add(t, str(req, 'bucketName') ?? '');
        break;
      case 'PutObject':
        this.ransomObjects.add(t, { bucket: str(req, 'bucketName') ?? '', key: str(req, 'key') ?? '' });
        break;
      case 'GetObject':
        this.victims.add(str(req, 'bucketName') ?? '');
        this.read.add(t, str(req, 'key') ?? '');
        break;
      case 'DeleteObject':
        this.deleted.add(t, str(req, 'key') ?? '');
        break;
    }
  }

  /** The manifest for what has been observed, but for the Security Lake section. */
  manifest(meta: ManifestMeta): Omit<SampleManifest, 'securityLake'> {
    const counts: SampleCounts = {
      byAccount: { ...this.byAccount },
      byRegion: { ...this.byRegion },
      byEventCategory: { ...this.byCategory },
      scripted: meta.scripted,
      background: this.total - meta.scripted,
    };
    const [grant] = this.adminGrants.values();
    const [ransomBucket = ''] = this.ransomBuckets.values();
    const note = this.ransomObjects.values().find((o) => o.bucket === ransomBucket);
    const createdRoles: CreatedRole[] = this.roles
      .values()
      .map((roleName) => ({ roleName, policyArns: this.rolePolicies.get(roleName) ?? [] }));
    const stolenRole = role(PRODUCTION, STOLEN_ROLE);
    return {
      generator: meta.generator,
      seed: meta.seed,
      events: this.total,
      files: meta.files,
      bytes: meta.bytes,
      period: meta.period,
      accounts: meta.accounts,
      regions: meta.regions,
      layout: meta.layout,
      counts,
      stories: {
        credentialCompromise: {
          kind: 'credential-compromise',
          article:
            'How to improve your security incident response processes with Jupyter notebooks (AWS Security Blog)',
          ...this.leak.result(),
          baseline: this.baseline.result(),
          stolenRoleSession: {
            ...this.stolen.result(),
            roleName: STOLEN_ROLE,
            roleArn: stolenRole.arn,
            instanceId: STOLEN_INSTANCE,
          },
        },
        s3DataAccess: {
          kind: 's3-data-access',
          article: 'Accelerate incident response with Amazon Security Lake - Part 2 (AWS Security Blog)',
          ...this.intrusion.result(),
          origin: {
            userName: BACKUP_USER,
            createdByArn: this.origin?.arn ?? '',
            createdAt: this.origin?.at ?? '',
            sourceIp: this.origin?.ip ?? '',
            attachedPolicyArns: [...this.originPolicies],
          },
          createdUsers: this.users.values(),
          createdRoles,
          createdAccessKeyIds: this.keys.values(),
          adminUserName: grant?.userName ?? '',
          attachedPolicyArn: grant?.policyArn ?? '',
          ransomBucket,
          ransomObject: note?.key ?? '',
          victimBucket: [...this.victims].sort().join(','),
          objectsRead: this.read.values(),
          objectsDeleted: this.deleted.values(),
          failedRunInstances: this.failedRunInstances,
          followOn: this.followOn.result(),
        },
      },
      detections: this.detections.result(),
      detectionWindow: this.detections.window(meta.period.end),
    };
  }
}
