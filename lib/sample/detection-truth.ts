/**
 * The manifest's `detections`: for each Sigma rule the stories are made to fire, the story
 * events that must be among its hits. Each expectation picks its events by what the story did
 * (who, which call, on what), from the records as they are written; no rule is run here, so
 * a detection engine can be checked against it.
 */

import type { CloudTrailRecord, JsonValue } from './record';
import type { ExpectedDetection } from './manifest';
import { ATTACKER_AGENTS, ATTACKER_IP, CI_ARN, STOLEN_ARN, STOLEN_IP } from './compromise-cast';
import { ADMIN_POLICY, BACKUP_ADMIN_ARN, BACKUP_ARN, NEW_USERS, RANSOM_BUCKET } from './story-s3-data-access';
import { VICTIM_BUCKET } from './inventory';

type Story = ExpectedDetection['story'];

/** One picked record, with what the refinements below look at. */
interface Picked {
  readonly time: string;
  readonly id: string;
  readonly arn: string;
  readonly eventName: string;
  readonly key: string | undefined;
}

/** How an expectation picks its records, and how it narrows them once all are seen. */
interface Expectation {
  readonly pack: ExpectedDetection['pack'];
  readonly id: string;
  readonly title: string;
  readonly story: Story;
  readonly step: string;
  readonly picks: (r: CloudTrailRecord) => boolean;
  /** Applied to the picked records in time order (files do not arrive in time order). */
  readonly narrow?: (picked: readonly Picked[]) => Picked[];
}

/** Only each principal's earliest second: the first call from a new address. */
function firstOfEachPrincipal(picked: readonly Picked[]): Picked[] {
  const first = new Map<string, string>();
  for (const p of picked) if (!first.has(p.arn)) first.set(p.arn, p.time);
  return picked.filter((p) => first.get(p.arn) === p.time);
}

/** Reads of keys deleted later, and deletions of keys read before. */
function readThenDeleted(picked: readonly Picked[]): Picked[] {
  const firstRead = new Map<string, string>();
  const lastDelete = new Map<string, string>();
  for (const p of picked) {
    if (p.key === undefined) continue;
    if (p.eventName === 'GetObject' && !firstRead.has(p.key)) firstRead.set(p.key, p.time);
    if (p.eventName === 'DeleteObject') lastDelete.set(p.key, p.time);
  }
  return picked.filter((p) => {
    const read = p.key === undefined ? undefined : firstRead.get(p.key);
    const deleted = p.key === undefined ? undefined : lastDelete.get(p.key);
    if (read === undefined || deleted === undefined || !(read < deleted)) return false;
    return p.eventName === 'GetObject' ? p.time < deleted : p.time > read;
  });
}

const AUTH_FAILURES = new Set(['AccessDenied', 'AccessDeniedException', 'Client.UnauthorizedOperation']);

function param(r: CloudTrailRecord, key: string): JsonValue | undefined {
  return r.requestParameters?.[key];
}
const ok = (r: CloudTrailRecord): boolean => r.errorCode === undefined;
const leakedKey = (r: CloudTrailRecord): boolean => r.userIdentity.arn === CI_ARN && r.sourceIPAddress === ATTACKER_IP;
const stolenSession = (r: CloudTrailRecord): boolean =>
  r.userIdentity.arn === STOLEN_ARN && r.sourceIPAddress === STOLEN_IP;
const backupUser = (r: CloudTrailRecord): boolean => r.userIdentity.arn === BACKUP_ARN;
const backupAdmin = (r: CloudTrailRecord): boolean => r.userIdentity.arn === BACKUP_ADMIN_ARN;
const onVictimObject = (r: CloudTrailRecord): boolean =>
  param(r, 'bucketName') === VICTIM_BUCKET && typeof param(r, 'key') === 'string';
const [ADMIN_USER, SYNC_USER] = NEW_USERS;

const CREDENTIAL_COMPROMISE: Story = 'credentialCompromise';
const S3_DATA_ACCESS: Story = 's3DataAccess';

/** The rules, the story step that fires each, and how to find that step's records. */
const EXPECTATIONS: readonly Expectation[] = [
  // irbook's own pack (rules/).
  {
    pack: 'irbook',
    id: '0ee37378-0b13-45b0-9aee-7c27a152949e',
    title: 'AWS IAM User Created, Made Administrator and Given an Access Key',
    story: S3_DATA_ACCESS,
    step: `Service_Backup creates ${ADMIN_USER}, attaches AdministratorAccess to it and creates its access key`,
    picks: (r) =>
      backupUser(r) &&
      ok(r) &&
      param(r, 'userName') === ADMIN_USER &&
      (r.eventName === 'CreateUser' ||
        r.eventName === 'CreateAccessKey' ||
        (r.eventName === 'AttachUserPolicy' && param(r, 'policyArn') === ADMIN_POLICY)),
  },
  {
    pack: 'irbook',
    id: '139e216c-a019-4103-9807-5f752ea09e3c',
    title: 'AWS Burst Of Authorization Failures From One Principal',
    story: CREDENTIAL_COMPROMISE,
    step: "the leaked key's enumeration script is refused dozens of times a minute; so are the stolen instance credentials' EC2 probes",
    picks: (r) =>
      r.errorCode !== undefined &&
      AUTH_FAILURES.has(r.errorCode) &&
      ((leakedKey(r) && r.userAgent === ATTACKER_AGENTS[1]) ||
        (stolenSession(r) && r.eventSource === 'ec2.amazonaws.com')),
  },
  {
    pack: 'irbook',
    id: 'cf82075c-3c67-4119-a891-41ff5b74c147',
    title: 'AWS S3 Objects Read Then Deleted By The Same Principal',
    story: S3_DATA_ACCESS,
    step: 'Service_Backup reads card-data files, then deletes them',
    picks: (r) =>
      backupUser(r) && ok(r) && onVictimObject(r) && (r.eventName === 'GetObject' || r.eventName === 'DeleteObject'),
    narrow: readThenDeleted,
  },
  {
    pack: 'irbook',
    id: '89045b06-ef55-4d16-a885-0ec9b2323fd4',
    title: 'AWS S3 Bucket Created With A Ransom-Note Name',
    story: S3_DATA_ACCESS,
    step: `Service_Backup creates ${RANSOM_BUCKET} for the ransom note`,
    picks: (r) => backupUser(r) && ok(r) && r.eventName === 'CreateBucket' && param(r, 'bucketName') === RANSOM_BUCKET,
  },
  {
    pack: 'irbook',
    id: '740b17e7-7062-49d5-b80c-dbed87c20d30',
    title: 'AWS Console Sign-In Of An IAM User Or Root Without MFA',
    story: S3_DATA_ACCESS,
    step: `the intruder signs in to the console as ${ADMIN_USER} with the password just created, without MFA`,
    picks: (r) => backupAdmin(r) && r.eventName === 'ConsoleLogin',
  },
  {
    pack: 'irbook',
    id: 'afb20256-92f4-4c9f-bb96-0bf243514131',
    title: 'AWS Principal Calling From An Address It Has Not Used Before',
    story: CREDENTIAL_COMPROMISE,
    step: "the first call of the leaked CI key from the attacker's address, and of the stolen instance credentials from outside",
    picks: (r) => leakedKey(r) || stolenSession(r),
    narrow: firstOfEachPrincipal,
  },
  // SigmaHQ's CloudTrail rules (DRL 1.1; not shipped, see ../shared/reference/sigma-cloudtrail).
  {
    pack: 'sigmahq',
    id: '4db60cc0-36fb-42b7-9b58-a5b53019fb74',
    title: 'AWS CloudTrail Important Change',
    story: CREDENTIAL_COMPROMISE,
    step: 'the leaked key tries to stop and delete the trail (refused)',
    picks: (r) => leakedKey(r) && (r.eventName === 'StopLogging' || r.eventName === 'DeleteTrail'),
  },
  {
    pack: 'sigmahq',
    id: '6fb77778-040f-4015-9440-572aa9b6b580',
    title: 'Ingress/Egress Security Group Modification',
    story: CREDENTIAL_COMPROMISE,
    step: 'the leaked key opens SSH to the attacker and tries to revoke the VPN rules',
    picks: (r) =>
      leakedKey(r) && (r.eventName === 'AuthorizeSecurityGroupIngress' || r.eventName === 'RevokeSecurityGroupIngress'),
  },
  {
    pack: 'sigmahq',
    id: 'b45ab1d2-712f-4f01-a751-df3826969807',
    title: 'AWS STS GetSessionToken Misuse',
    story: CREDENTIAL_COMPROMISE,
    step: 'the leaked key gets a 36-hour session token that outlives the key',
    picks: (r) => leakedKey(r) && r.eventName === 'GetSessionToken',
  },
  {
    pack: 'sigmahq',
    id: '905d389b-b853-46d0-9d3d-dea0d3a3cd49',
    title: 'AWS STS AssumeRole Misuse',
    story: CREDENTIAL_COMPROMISE,
    step: "the stolen instance role credentials are used from outside AWS",
    picks: (r) => stolenSession(r),
  },
  {
    pack: 'sigmahq',
    id: 'f305fd62-beca-47da-ad95-7690a0620084',
    title: 'Potential Bucket Enumeration on AWS',
    story: S3_DATA_ACCESS,
    step: `Service_Backup and then ${ADMIN_USER} list the account's buckets (so does the leaked CI key)`,
    picks: (r) => (backupUser(r) || backupAdmin(r) || leakedKey(r)) && ok(r) && r.eventName === 'ListBuckets',
  },
  {
    pack: 'sigmahq',
    id: '0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2',
    title: 'AWS IAM Backdoor Users Keys',
    story: S3_DATA_ACCESS,
    step: `Service_Backup creates a key for ${ADMIN_USER}; ${ADMIN_USER} creates one for ${SYNC_USER}`,
    picks: (r) =>
      ok(r) &&
      r.eventName === 'CreateAccessKey' &&
      ((backupUser(r) && param(r, 'userName') === ADMIN_USER) ||
        (backupAdmin(r) && param(r, 'userName') === SYNC_USER)),
  },
  {
    pack: 'sigmahq',
    id: 'a136ac98-b2bc-4189-a14d-f0d0388e57a7',
    title: 'AWS S3 Bucket Versioning Disable',
    story: S3_DATA_ACCESS,
    step: "Service_Backup suspends the victim bucket's versioning before deleting",
    picks: (r) => backupUser(r) && r.eventName === 'PutBucketVersioning' && param(r, 'bucketName') === VICTIM_BUCKET,
  },
  {
    pack: 'sigmahq',
    id: '78b3756a-7804-4ef7-8555-7b9024a02e2d',
    title: 'AWS S3 Data Management Tampering',
    story: S3_DATA_ACCESS,
    step: "Service_Backup turns off the victim bucket's server access logging",
    picks: (r) => backupUser(r) && r.eventName === 'PutBucketLogging' && param(r, 'bucketName') === VICTIM_BUCKET,
  },
  {
    pack: 'sigmahq',
    id: '77caf516-34e5-4df9-b4db-20744fea0a60',
    title: 'AWS Successful Console Login Without MFA',
    story: S3_DATA_ACCESS,
    step: `the intruder signs in to the console as ${ADMIN_USER} without MFA`,
    picks: (r) => backupAdmin(r) && r.eventName === 'ConsoleLogin',
  },
  {
    pack: 'sigmahq',
    id: 'abae8fec-57bd-4f87-aff6-6e3db989843d',
    title: 'AWS Snapshot Backup Exfiltration',
    story: S3_DATA_ACCESS,
    step: `${ADMIN_USER} tries to share a volume snapshot with the intruder's account (refused: default-key encryption)`,
    picks: (r) => backupAdmin(r) && r.eventName === 'ModifySnapshotAttribute',
  },
];

/**
 * Collects each expectation's records as they are written, in any order of files.
 *
 * @example
 * const truth = new DetectionTruth();
 * for (const r of records) truth.observe(r);
 * truth.result(); // one entry per rule, event ids in time order
 */
export class DetectionTruth {
  private readonly picked = EXPECTATIONS.map((): Picked[] => []);

  /** Looks at one written record. */
  observe(r: CloudTrailRecord): void {
    for (let i = 0; i < EXPECTATIONS.length; i++) {
      if (!EXPECTATIONS[i].picks(r)) continue;
      const key = param(r, 'key');
      this.picked[i].push({
        time: r.eventTime,
        id: r.eventID,
        arn: r.userIdentity.arn ?? '',
        eventName: r.eventName,
        key: typeof key === 'string' ? key : undefined,
      });
    }
  }

  /**
   * The manifest's `detectionWindow`: from the start (UTC midnight) of the day of the earliest
   * event listed to `end`. Every principal whose new address is listed has history in the
   * lookback before that day.
   */
  window(end: string): { start: string; end: string } {
    const times = this.picked.flat().map((p) => p.time);
    if (times.length === 0) throw new Error('no story event of the expected detections was written');
    const earliest = times.reduce((a, b) => (b < a ? b : a));
    return { start: `${earliest.slice(0, 10)}T00:00:00Z`, end };
  }

  /** The manifest's `detections`, event ids in time order. */
  result(): ExpectedDetection[] {
    return EXPECTATIONS.map((e, i) => {
      // Stable sort: records of one second keep the order they were written in.
      const inOrder = [...this.picked[i]].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      const events = e.narrow ? e.narrow(inOrder) : inOrder;
      return { pack: e.pack, id: e.id, title: e.title, story: e.story, step: e.step, eventIds: events.map((p) => p.id) };
    });
  }
}
