/**
 * The manifest: the ground truth of a generated sample, counted from the records as they were
 * written. Tests and playbooks compare their findings against it.
 */

/** What one principal did in a story, as its records show it. */
export interface PrincipalActivity {
  /** `userIdentity.arn` of every record counted here. */
  readonly principalArn: string;
  /** The IAM user name, or the role session name for an assumed role. */
  readonly userName: string;
  /** The account the principal belongs to (and whose trail recorded it). */
  readonly accountId: string;
  /** Distinct `userIdentity.accessKeyId` values, sorted. */
  readonly accessKeyIds: readonly string[];
  /** Distinct `sourceIPAddress` values, sorted. */
  readonly sourceIps: readonly string[];
  /** Distinct `userAgent` values as written (S3 wraps them in brackets), sorted. */
  readonly userAgents: readonly string[];
  /** Earliest and latest `eventTime`; null when no record was written. */
  readonly window: { readonly first: string | null; readonly last: string | null };
  /** Records written. */
  readonly events: number;
  /** Records with an `errorCode`. */
  readonly failures: number;
  /** Failed records per `errorCode`. */
  readonly failuresByErrorCode: Readonly<Record<string, number>>;
  /** Distinct `eventSource` values, sorted. */
  readonly services: readonly string[];
  /** Distinct `eventName` values, sorted (the article's "DISTINCT api.operation"). */
  readonly eventNames: readonly string[];
  /** Distinct `awsRegion` values, sorted. */
  readonly regions: readonly string[];
}

/**
 * Story 1: a leaked IAM user access key used from outside, and stolen instance credentials.
 * The activity fields count only the user's records from the attacker's addresses.
 */
export interface CredentialCompromiseStory extends PrincipalActivity {
  readonly kind: 'credential-compromise';
  /** The article the story follows. */
  readonly article: string;
  /** The same user's normal activity (internal address, its usual client). */
  readonly baseline: PrincipalActivity;
  /** An EC2 instance role's credentials used from outside; its ARN has no "iam" in it. */
  readonly stolenRoleSession: PrincipalActivity & {
    readonly roleName: string;
    readonly roleArn: string;
    readonly instanceId: string;
  };
}

/** Who created the story 2 user, before the incident. */
export interface UserOrigin {
  readonly userName: string;
  readonly createdByArn: string;
  readonly createdAt: string;
  readonly sourceIp: string;
  /** Policies the creator attached to the user. */
  readonly attachedPolicyArns: readonly string[];
}

/** A role created during story 2 and the policies attached to it. */
export interface CreatedRole {
  readonly roleName: string;
  readonly policyArns: readonly string[];
}

/**
 * Story 2: Service_Backup's privilege escalation, data theft and ransom note. The activity
 * fields count every record of Service_Backup.
 */
export interface S3DataAccessStory extends PrincipalActivity {
  readonly kind: 's3-data-access';
  /** The article the story follows. */
  readonly article: string;
  /** How the user came to exist. */
  readonly origin: UserOrigin;
  /** Users created by the intruder's principals, in order. */
  readonly createdUsers: readonly string[];
  /** Roles created by the intruder's principals, in order. */
  readonly createdRoles: readonly CreatedRole[];
  /** Access keys created by the intruder's principals, in order. */
  readonly createdAccessKeyIds: readonly string[];
  /** The user given AdministratorAccess and the policy ARN. */
  readonly adminUserName: string;
  readonly attachedPolicyArn: string;
  /** The bucket created for the ransom note, and the note's key. */
  readonly ransomBucket: string;
  readonly ransomObject: string;
  /** The bucket read and deleted from. */
  readonly victimBucket: string;
  /** Keys read with GetObject, in order. */
  readonly objectsRead: readonly string[];
  /** Keys deleted with DeleteObject, in order. */
  readonly objectsDeleted: readonly string[];
  /** RunInstances calls that failed. */
  readonly failedRunInstances: number;
  /** The created admin user's key in use afterwards. */
  readonly followOn: PrincipalActivity;
}

/** Record counts of the whole sample. */
export interface SampleCounts {
  readonly byAccount: Readonly<Record<string, number>>;
  readonly byRegion: Readonly<Record<string, number>>;
  readonly byEventCategory: { readonly Management: number; readonly Data: number };
  /** Records from the stories and fixtures; the background filled the rest. */
  readonly scripted: number;
  readonly background: number;
}

/** A Security Hub finding of the sample's lake, as its `sh_findings` row holds it. */
export interface LakeFinding {
  /** `finding_info.uid` (the ASFF `Id`). */
  readonly uid: string;
  /** `metadata.product.name`. */
  readonly product: 'Macie' | 'GuardDuty' | 'Security Hub';
  /** `cloud.account.uid`. */
  readonly accountId: string;
  /** `cloud.region`. */
  readonly region: string;
  /** `time_dt` (the finding's UpdatedAt), ISO 8601 UTC with milliseconds. */
  readonly time: string;
  /** `finding_info.title`. */
  readonly title: string;
  /** `finding_info.types`. */
  readonly types: readonly string[];
  /** `resources[].type` and `resources[].uid`, in order (a bucket before its object). */
  readonly resources: readonly { readonly type: string; readonly uid: string }[];
}

/** A Macie finding the article's query returns: the card file it reports. */
export interface MacieObjectFinding {
  readonly uid: string;
  readonly time: string;
  readonly bucket: string;
  readonly key: string;
}

/**
 * The sample's Security Lake (source version 2, OCSF 1.1): the CloudTrail records mapped to
 * OCSF and Security Hub's findings, as Parquet in the lake's bucket layout.
 */
export interface SecurityLakeSample {
  /** The path template of the data files, relative to the sample folder. */
  readonly layout: string;
  /** The lake's region: its tables are named after it and hold every region's rows. */
  readonly homeRegion: string;
  /** Parquet files written. */
  readonly files: number;
  /** Bytes of the Parquet files. */
  readonly bytes: number;
  /** Rows per source: management events, S3 data events, Security Hub findings. */
  readonly rows: { readonly cloudTrailMgmt: number; readonly s3Data: number; readonly shFindings: number };
  readonly findings: {
    readonly byProduct: Readonly<Record<LakeFinding['product'], number>>;
    readonly byAccount: Readonly<Record<string, number>>;
    /**
     * The article's Macie query (`cloud.account.uid`, `lower(metadata.product.name) = 'macie'`,
     * `time_dt BETWEEN` the two TIMESTAMP literals) and the findings it returns, in time order:
     * one per `cc-data-*.csv` object story 2 reads or deletes.
     */
    readonly macieQuery: {
      readonly accountId: string;
      readonly start: string;
      readonly end: string;
      readonly findings: readonly MacieObjectFinding[];
    };
    /** The GuardDuty finding on Service_Backup that starts the article's investigation. */
    readonly trigger: LakeFinding;
    /** Every finding, in time order. */
    readonly all: readonly LakeFinding[];
  };
}

/**
 * A Sigma rule the sample is made to fire: irbook's own pack (`rules/`) or SigmaHQ's CloudTrail
 * rules (which irbook does not ship), the story step that fires it, and the events of that step.
 * The events are picked by what the story did, from the records written, not by running the rule.
 */
export interface ExpectedDetection {
  readonly pack: 'irbook' | 'sigmahq';
  /** The rule's `id`. */
  readonly id: string;
  /** The rule's `title`. */
  readonly title: string;
  /** The story (a key of the manifest's `stories`). */
  readonly story: 'credentialCompromise' | 's3DataAccess';
  /** What the attacker does there. */
  readonly step: string;
  /** `eventID`s that must be among the rule's hits, in time order (the hits may hold more). */
  readonly eventIds: readonly string[];
}

/**
 * The ground truth of a generated sample (`<out>/manifest.json`).
 *
 * @example
 * const m = await generateSample({ out: '/tmp/ct' });
 * m.stories.credentialCompromise.principalArn; // 'arn:aws:iam::111122223333:user/ci-deployer'
 */
export interface SampleManifest {
  readonly generator: { readonly name: string; readonly version: string };
  readonly seed: number;
  /** Records written in all files. */
  readonly events: number;
  /** Log files written. */
  readonly files: number;
  /** Compressed bytes written (log files only). */
  readonly bytes: number;
  /** Start (inclusive) and end (exclusive) of the sample, ISO 8601 UTC. */
  readonly period: { readonly start: string; readonly end: string };
  readonly accounts: readonly { readonly id: string; readonly name: string }[];
  readonly regions: readonly string[];
  /** The path template of the log files. */
  readonly layout: string;
  readonly counts: SampleCounts;
  readonly stories: {
    readonly credentialCompromise: CredentialCompromiseStory;
    readonly s3DataAccess: S3DataAccessStory;
  };
  /**
   * Rules the stories fire (every rule of irbook's pack and at least eight of SigmaHQ's), with
   * the story events each must report. The background fires none of irbook's pack.
   */
  readonly detections: readonly ExpectedDetection[];
  /**
   * A window over which every rule of `detections` reports its events: from the day of the
   * first listed event to the end of the sample, ISO 8601 UTC, end exclusive. irbook's
   * new-address rule needs the days before it as history.
   */
  readonly detectionWindow: { readonly start: string; readonly end: string };
  /** The sample's Security Lake; null when it was written without one (`lake: false`). */
  readonly securityLake: SecurityLakeSample | null;
}
