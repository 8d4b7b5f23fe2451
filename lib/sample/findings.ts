/**
 * The Security Hub findings of the sample, as Security Hub holds them (a subset of the AWS
 * Security Finding Format): Macie's sensitive-data findings for the card files story 2 reads
 * and deletes, the GuardDuty finding that starts the article's investigation, and unrelated
 * findings that the article's Macie query must leave out — other products, another account,
 * other days — so that each of its filters has something to exclude.
 *
 * Every time and name comes from the story's own records, so the findings stay consistent
 * with the CloudTrail sample whatever the seed.
 */

import { Rng } from './prng';
import { at } from './clock';
import { PRODUCTION, SECURITY } from './identities';
import { BUCKETS, STOLEN_INSTANCE, VICTIM_BUCKET } from './inventory';
import { BACKUP_ARN, BACKUP_KEY, BACKUP_USER, NEW_USERS, RANSOM_BUCKET } from './story-s3-data-access';
import { STOLEN_ARN, STOLEN_IP, STOLEN_ROLE } from './compromise-cast';
import type { ScriptedEvent } from './timeline';

/** The products whose findings the sample holds, as ASFF's `ProductName`. */
export type FindingProduct = 'Macie' | 'GuardDuty' | 'Security Hub';

/** ASFF `Resources[]` entry. */
export interface FindingResource {
  readonly Type: string;
  readonly Id: string;
  readonly Region: string;
}

/** The ASFF fields the sample's findings carry. */
export interface AsffFinding {
  readonly Id: string;
  readonly ProductArn: string;
  readonly ProductName: FindingProduct;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Region: string;
  readonly Types: readonly string[];
  /** Epoch milliseconds (ASFF has ISO 8601 text). */
  readonly FirstObservedAt: number;
  readonly CreatedAt: number;
  readonly UpdatedAt: number;
  readonly Severity: { readonly Label: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' };
  readonly Title: string;
  readonly Description: string;
  readonly Resources: readonly FindingResource[];
  /** Security Hub control findings only. */
  readonly Compliance?: { readonly Status: 'FAILED' | 'PASSED'; readonly SecurityControlId: string; readonly Standard: string };
  readonly Remediation?: { readonly Text: string; readonly Url: string };
}

const MINUTE = 60_000;
const FSBP = 'standards/aws-foundational-security-best-practices/v/1.0.0';

const bucket = (name: string, region: string): FindingResource => ({ Type: 'AwsS3Bucket', Id: `arn:aws:s3:::${name}`, Region: region });
const object = (name: string, key: string, region: string): FindingResource => ({
  Type: 'AwsS3Object',
  Id: `arn:aws:s3:::${name}/${key}`,
  Region: region,
});

/** What the findings need to know of the stories, read from their records. */
interface StoryFacts {
  readonly ransomBucketCreated: number;
  readonly cardObjects: readonly string[];
  readonly discoveryCalls: number;
  readonly stolenCredentialsUsed: number;
}

function storyFacts(scripted: readonly ScriptedEvent[]): StoryFacts {
  let ransomBucketCreated: number | undefined;
  let discoveryCalls: number | undefined;
  let stolenCredentialsUsed: number | undefined;
  const cardObjects: string[] = [];
  for (const { t, record: r } of scripted) {
    const arn = r.userIdentity.arn;
    const req = r.requestParameters;
    if (arn === STOLEN_ARN && r.sourceIPAddress === STOLEN_IP) stolenCredentialsUsed ??= t;
    if (arn !== BACKUP_ARN || r.errorCode !== undefined) continue;
    if (r.eventName === 'ListRoles') discoveryCalls ??= t;
    if (r.eventName === 'CreateBucket' && req?.bucketName === RANSOM_BUCKET) ransomBucketCreated ??= t;
    const key = req?.key;
    const onVictim = req?.bucketName === VICTIM_BUCKET && typeof key === 'string' && /^cc-data-\d+\.csv$/.test(key);
    if (onVictim && (r.eventName === 'GetObject' || r.eventName === 'DeleteObject') && !cardObjects.includes(key)) {
      cardObjects.push(key);
    }
  }
  if (ransomBucketCreated === undefined || discoveryCalls === undefined || stolenCredentialsUsed === undefined || cardObjects.length === 0) {
    throw new Error('the story records lack the events the Security Hub findings are timed by');
  }
  return { ransomBucketCreated, cardObjects, discoveryCalls, stolenCredentialsUsed };
}

/** Builds findings with seeded ids; each product names its findings as it does in ASFF. */
class FindingMaker {
  readonly findings: AsffFinding[] = [];
  constructor(private readonly rng: Rng) {}

  macie(account: string, region: string, at: number, bucketName: string, key: string, kind: 'Financial' | 'Personal', detail: string): AsffFinding {
    const title = kind === 'Financial' ? 'The S3 object contains financial information.' : 'The S3 object contains personal information.';
    return this.add({
      Id: `arn:aws:macie2:${region}:${account}:finding/${this.rng.hex(32)}`,
      ProductArn: `arn:aws:securityhub:${region}::product/aws/macie`,
      ProductName: 'Macie',
      GeneratorId: `aws/macie/SensitiveData:S3Object/${kind}`,
      AwsAccountId: account,
      Region: region,
      Types: [`Sensitive Data Identifications/${kind === 'Financial' ? 'Financial/CreditCardNumber' : 'Personal/Name'}`],
      FirstObservedAt: at,
      CreatedAt: at,
      UpdatedAt: at + this.rng.int(5, 90) * 1000,
      Severity: { Label: kind === 'Financial' ? 'HIGH' : 'MEDIUM' },
      Title: title,
      Description: `${title.slice(0, -1)}: ${detail}.`,
      Resources: [bucket(bucketName, region), object(bucketName, key, region)],
    });
  }

  guardDuty(account: string, region: string, first: number, type: string, title: string, description: string, resource: FindingResource): AsffFinding {
    const detector = this.rng.hex(32);
    const updated = first + this.rng.int(5, 20) * MINUTE;
    return this.add({
      Id: `arn:aws:guardduty:${region}:${account}:detector/${detector}/finding/${this.rng.hex(32)}`,
      ProductArn: `arn:aws:securityhub:${region}::product/aws/guardduty`,
      ProductName: 'GuardDuty',
      GeneratorId: `arn:aws:guardduty:${region}:${account}:detector/${detector}`,
      AwsAccountId: account,
      Region: region,
      Types: [`TTPs/${type}`],
      FirstObservedAt: first,
      CreatedAt: updated,
      UpdatedAt: updated,
      Severity: { Label: 'MEDIUM' },
      Title: title,
      Description: description,
      Resources: [resource],
    });
  }

  control(account: string, region: string, updated: number, control: string, title: string, resource: FindingResource): AsffFinding {
    const created = updated - this.rng.int(1, 3) * 24 * 60 * MINUTE;
    return this.add({
      Id: `arn:aws:securityhub:${region}:${account}:security-control/${control}/finding/${this.rng.uuid()}`,
      ProductArn: `arn:aws:securityhub:${region}::product/aws/securityhub`,
      ProductName: 'Security Hub',
      GeneratorId: `security-control/${control}`,
      AwsAccountId: account,
      Region: region,
      Types: ['Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices'],
      FirstObservedAt: created,
      CreatedAt: created,
      UpdatedAt: updated,
      Severity: { Label: control.startsWith('IAM') ? 'LOW' : 'MEDIUM' },
      Title: title,
      Description: `This AWS control checks: ${title.charAt(0).toLowerCase()}${title.slice(1)}.`,
      Resources: [resource],
      Compliance: { Status: 'FAILED', SecurityControlId: control, Standard: FSBP },
      Remediation: {
        Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.',
        Url: `https://docs.aws.amazon.com/console/securityhub/${control}/remediation`,
      },
    });
  }

  private add(f: AsffFinding): AsffFinding {
    this.findings.push(f);
    return f;
  }
}

/**
 * The sample's Security Hub findings, in time order of `UpdatedAt`.
 *
 * @example
 * const findings = securityHubFindings(1, scriptedEvents(1));
 * findings.filter((f) => f.ProductName === 'Macie').length; // one per card file, and three more
 */
export function securityHubFindings(seed: number, scripted: readonly ScriptedEvent[]): AsffFinding[] {
  const facts = storyFacts(scripted);
  const rng = new Rng(seed, 'security-hub-findings');
  const make = new FindingMaker(rng);
  const west = 'us-west-2';

  // Macie's sensitive-data discovery reports the card files while the intruder is at work,
  // a few minutes either side of the ransom bucket's creation.
  facts.cardObjects.forEach((key, i) => {
    const found = facts.ransomBucketCreated + (i * 3 - 10) * MINUTE + rng.int(0, 59) * 1000;
    make.macie(PRODUCTION, west, found, VICTIM_BUCKET, key, 'Financial', `${rng.int(200, 5000)} credit card numbers (CREDIT_CARD_NUMBER)`);
  });
  // Macie findings the article's query must not return: earlier in March, after its window,
  // and in the other account.
  const invoices = BUCKETS.find((b) => b.name === 'invoice-archive-prod')!;
  make.macie(PRODUCTION, invoices.region, at(4, 16, 2, 41), invoices.name, 'invoices/2024-03/INV-004711.pdf', 'Personal', '12 names (NAME) and 3 postal addresses (ADDRESS)');
  make.macie(PRODUCTION, 'eu-west-1', at(21, 8, 47, 12), 'eu-analytics-exports', 'daily/2024-03-20/part-00003.parquet', 'Personal', '540 names (NAME)');
  const results = `athena-results-${SECURITY}`;
  make.macie(SECURITY, 'us-east-1', facts.ransomBucketCreated + 95 * MINUTE, results, `notebooks/${rng.uuid()}.csv`, 'Financial', '37 credit card numbers (CREDIT_CARD_NUMBER)');

  // The GuardDuty finding the security team was alerted to, and others around it.
  make.guardDuty(PRODUCTION, west, facts.discoveryCalls, 'Discovery:IAMUser/AnomalousBehavior',
    `Anomalous API ListRoles was invoked by IAM user ${BACKUP_USER}.`,
    `APIs commonly used in Discovery tactics were invoked by user IAMUser : ${BACKUP_USER}, under anomalous circumstances. Such activity is not typically seen from this user.`,
    { Type: 'AwsIamAccessKey', Id: BACKUP_KEY, Region: west });
  make.guardDuty(PRODUCTION, 'us-east-1', facts.stolenCredentialsUsed, 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
    `Credentials for instance role ${STOLEN_ROLE} used from external IP address.`,
    `Credentials created exclusively for an EC2 instance using instance role ${STOLEN_ROLE} have been used from external IP address ${STOLEN_IP}.`,
    { Type: 'AwsEc2Instance', Id: `arn:aws:ec2:us-east-1:${PRODUCTION}:instance/${STOLEN_INSTANCE}`, Region: 'us-east-1' });
  make.guardDuty(SECURITY, 'us-east-1', at(13, 3, 12, 5), 'Recon:IAMUser/MaliciousIPCaller',
    'Reconnaissance API GetBucketAcl was invoked from a known malicious IP address.',
    'API GetBucketAcl, commonly used in reconnaissance attacks, was invoked from an IP address on a custom threat list.',
    { Type: 'AwsIamAccessKey', Id: `ASIA${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`, Region: 'us-east-1' });

  // Security Hub's own control checks, about the story's resources and others, in and out of the window.
  make.control(PRODUCTION, west, facts.ransomBucketCreated + 40 * MINUTE, 'S3.8', 'S3 general purpose buckets should block public access', bucket(RANSOM_BUCKET, west));
  make.control(PRODUCTION, west, at(12, 21, 4, 33), 'S3.14', 'S3 general purpose buckets should have versioning enabled', bucket(VICTIM_BUCKET, west));
  make.control(PRODUCTION, 'us-east-1', at(6, 2, 17, 9), 'IAM.2', 'IAM users should not have IAM policies attached',
    { Type: 'AwsIamUser', Id: `arn:aws:iam::${PRODUCTION}:user/${BACKUP_USER}`, Region: 'us-east-1' });
  make.control(PRODUCTION, 'us-east-1', at(13, 2, 25, 51), 'IAM.2', 'IAM users should not have IAM policies attached',
    { Type: 'AwsIamUser', Id: `arn:aws:iam::${PRODUCTION}:user/${NEW_USERS[0]}`, Region: 'us-east-1' });
  make.control(SECURITY, 'us-east-1', at(27, 14, 0, 7), 'S3.5', 'S3 general purpose buckets should require requests to use SSL', bucket(results, 'us-east-1'));

  return make.findings.sort((a, b) => a.UpdatedAt - b.UpdatedAt);
}
