/**
 * Locking down an S3 bucket: deny every principal outside the account in the bucket policy,
 * keeping the statements that let the account itself work, and turn on Block Public Access.
 */

import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import { OptionError } from '../errors';
import { MissingPermissionError, TargetNotFoundError, TargetStateError } from './errors';
import { hasErrorName, readOptional } from './calls';
import { BUCKET_POLICY_MAX_BYTES, cutOffTable, isPublicStatement } from './bucket-principals';
import { makePlan, numberSteps, type ContainmentContext, type StepDraft } from './context';
import { partitionOf } from './guards';
import { policyText, samePolicy } from './policies';
import type { AwsCall, Json, Plan, PlanTable } from './types';

/** Sid of the statement that denies everyone outside the account. */
export const DENY_OUTSIDE_ACCOUNT_SID = 'IrbookDenyOutsideAccount';

type Draft = StepDraft;
type JsonObject = { readonly [key: string]: Json };

const BLOCK_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/** What was read: the policy as S3 returned it, and the Block Public Access settings. */
interface BucketState {
  readonly policyText: string | undefined;
  readonly policy: JsonObject | undefined;
  readonly block: PublicAccessBlockConfiguration | undefined;
}

/**
 * Plan the lockdown of an S3 bucket from its current state. Nothing is changed: `apply` runs
 * the plan.
 *
 * @throws OptionError when `bucket` is not a valid bucket name
 * @example
 * const plan = await planBucketLockdown(context, 'example-logs.prod');
 */
export async function planBucketLockdown(context: ContainmentContext, bucket: string): Promise<Plan> {
  checkBucketName(bucket);
  const account = context.caller.account;
  const arn = `arn:${partitionOf(context.caller)}:s3:::${bucket}`;
  // Taken before the first read, so the plan's age is never understated.
  const readAt = context.now();
  const state = await readBucket(context, bucket, account);
  // The policy goes first: with BlockPublicPolicy on, S3 rejects a policy that still holds a
  // public statement, so the new policy (and, undone in reverse, the old one) is written
  // while Block Public Access is as it was.
  const steps = numberSteps([policyStep(bucket, account, arn, state), blockStep(bucket, account, state.block)]);
  return makePlan(context, readAt, {
    kind: 's3-bucket',
    name: bucket,
    title: `Lock down S3 bucket ${bucket}`,
    account,
    target: arn,
    steps,
    tables: [statementsTable(state.policy), cutOffTable(statementsOf(state.policy), account), blockTable(state.block)],
    notes: bucketNotes(),
  });
}

/** S3's rules for general purpose bucket names. */
function checkBucketName(bucket: string): void {
  const valid =
    typeof bucket === 'string' &&
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) &&
    !bucket.includes('..') &&
    !/^\d{1,3}(\.\d{1,3}){3}$/.test(bucket);
  if (!valid) {
    throw new OptionError(
      'bucket',
      bucket,
      `bucket must be an S3 bucket name (3–63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit), not '${String(bucket)}'`,
    );
  }
}

/**
 * Read the bucket's state. Every request names the expected owner, so a bucket of another
 * account (names are global) is refused rather than locked to the wrong account.
 */
async function readBucket(context: ContainmentContext, bucket: string, account: string): Promise<BucketState> {
  const s3 = await import('@aws-sdk/client-s3');
  const input = { Bucket: bucket, ExpectedBucketOwner: account };
  try {
    const policy = await readOptional(() => context.clients.s3.send(new s3.GetBucketPolicyCommand(input)), 'NoSuchBucketPolicy');
    const block = await readOptional(
      () => context.clients.s3.send(new s3.GetPublicAccessBlockCommand(input)),
      'NoSuchPublicAccessBlockConfiguration',
    );
    const text = policy?.Policy;
    return { policyText: text, policy: parsePolicy(bucket, text), block: block?.PublicAccessBlockConfiguration };
  } catch (error) {
    throw readError(error, bucket, account);
  }
}

function readError(error: unknown, bucket: string, account: string): unknown {
  if (hasErrorName(error, 'NoSuchBucket')) return new TargetNotFoundError(`bucket ${bucket}`, 'it does not exist', { cause: error });
  // S3 answers 405 to GetBucketPolicy from another account, 403 when the owner is not the expected one.
  if (hasErrorName(error, 'AccessDenied', 'Forbidden', 'MethodNotAllowed')) {
    return new MissingPermissionError(
      '-',
      `bucket ${bucket}`,
      's3:GetBucketPolicy, s3:GetBucketPublicAccessBlock',
      `${(error as Error).name}: the credentials lack them, or the bucket is not owned by account ${account} (irbook locks down only buckets of the credentials' account)`,
    );
  }
  return error;
}

function parsePolicy(bucket: string, text: string | undefined): JsonObject | undefined {
  if (text === undefined || text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TargetStateError(`bucket ${bucket}`, `its policy is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TargetStateError(`bucket ${bucket}`, 'its policy is not a JSON object');
  }
  return parsed as JsonObject;
}

/** A policy's statements as a list: IAM grammar allows a single statement object. */
function statementsOf(policy: JsonObject | undefined): JsonObject[] {
  const statement = policy?.Statement;
  if (statement === undefined || statement === null) return [];
  const list = Array.isArray(statement) ? statement : [statement];
  return list.filter((s): s is JsonObject => s !== null && typeof s === 'object' && !Array.isArray(s));
}

/**
 * Deny every request from outside the account. Service principals are exempt so log
 * delivery (CloudTrail, access logs) into the bucket goes on; `IfExists` makes anonymous
 * requests, which carry no account, denied too.
 */
function denyOutsideAccount(arn: string, account: string): JsonObject {
  return {
    Sid: DENY_OUTSIDE_ACCOUNT_SID,
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [arn, `${arn}/*`],
    Condition: {
      StringNotEqualsIfExists: { 'aws:PrincipalAccount': account },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    },
  };
}

function s3Call(command: string, input: { readonly [key: string]: Json }): AwsCall {
  return { service: 's3', command, input };
}

function policyStep(bucket: string, account: string, arn: string, state: BucketState): Draft {
  const deny = denyOutsideAccount(arn, account);
  const statements = statementsOf(state.policy);
  const index = statements.findIndex((s) => s.Sid === DENY_OUTSIDE_ACCOUNT_SID);
  const target = `bucket ${bucket}`;
  const kind = 'bucket-policy' as const;
  const action = 'Deny access from outside the account';
  const before = state.policyText ? state.policyText : null;
  const current = state.policy ? `bucket policy with ${statements.length} statement(s)` : 'no bucket policy';
  if (index >= 0 && samePolicy(statements[index] as Json, deny)) {
    return { kind, action, target, current, change: `none: the policy already has statement ${DENY_OUTSIDE_ACCOUNT_SID}`, before };
  }
  // The old statements stay, so principals of the account keep the access they had; public ones
  // go: S3 rejects a policy keeping one while BlockPublicPolicy is on (bucket or account).
  const dropped = statements.filter((s, i) => i !== index && isPublicStatement(s));
  const replaced = index >= 0 ? statements.map((s, i) => (i === index ? deny : s)) : [...statements, deny];
  const kept = replaced.filter((s) => !dropped.includes(s));
  const document: JsonObject = { Version: '2012-10-17', ...state.policy, Statement: kept };
  const text = policyText(document);
  if (Buffer.byteLength(text, 'utf8') > BUCKET_POLICY_MAX_BYTES) {
    throw new TargetStateError(
      target,
      `the policy with the deny would be ${Buffer.byteLength(text, 'utf8')} bytes, over S3's ${BUCKET_POLICY_MAX_BYTES}-byte limit: shorten the bucket policy first`,
    );
  }
  const owner = { Bucket: bucket, ExpectedBucketOwner: account };
  const removed = dropped.length > 0 ? `; public statement(s) removed: ${dropped.map((s, i) => (typeof s.Sid === 'string' ? s.Sid : `#${i + 1}`)).join(', ')}` : '';
  const change = `${index >= 0 ? 'replace' : 'add'} statement ${DENY_OUTSIDE_ACCOUNT_SID}: deny every principal outside account ${account} (AWS services excepted); the other statements are kept${removed}`;
  return { kind, action, target, current, change, before, call: s3Call('PutBucketPolicy', { ...owner, Policy: text }) };
}

function blockSettings(block: PublicAccessBlockConfiguration | undefined): Record<(typeof BLOCK_SETTINGS)[number], boolean> {
  return {
    BlockPublicAcls: block?.BlockPublicAcls === true,
    IgnorePublicAcls: block?.IgnorePublicAcls === true,
    BlockPublicPolicy: block?.BlockPublicPolicy === true,
    RestrictPublicBuckets: block?.RestrictPublicBuckets === true,
  };
}

function describeBlock(block: PublicAccessBlockConfiguration | undefined): string {
  if (!block) return 'no Block Public Access configuration on the bucket';
  const settings = blockSettings(block);
  const on = BLOCK_SETTINGS.filter((name) => settings[name]);
  return on.length === 0 ? 'Block Public Access: all four settings off' : `Block Public Access: ${on.join(', ')} on`;
}

function blockStep(bucket: string, account: string, block: PublicAccessBlockConfiguration | undefined): Draft {
  const owner = { Bucket: bucket, ExpectedBucketOwner: account };
  const settings = blockSettings(block);
  const base = {
    kind: 'bucket-public-access-block' as const,
    action: 'Turn on Block Public Access',
    target: `bucket ${bucket}`,
    current: describeBlock(block),
    before: block ? { ...settings } : null,
  };
  if (BLOCK_SETTINGS.every((name) => settings[name])) {
    return { ...base, change: 'none: all four Block Public Access settings are already on' };
  }
  const allOn = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
  return {
    ...base,
    change: 'turn on all four Block Public Access settings: public ACLs and public policies are ignored and refused',
    call: s3Call('PutPublicAccessBlock', { ...owner, PublicAccessBlockConfiguration: allOn }),
  };
}

/** A policy element as short text: `AWS: arn1, arn2`, `s3:GetObject, s3:PutObject`. */
function compact(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item: Json) => compact(item)).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as JsonObject)
      .map(([key, item]) => `${key}: ${typeof item === 'object' && item !== null && !Array.isArray(item) ? JSON.stringify(item) : compact(item)}`)
      .join('; ');
  }
  return String(value);
}

/** An element or its `Not` form (`NotPrincipal`, `NotAction`), which a reader must not miss. */
function element(statement: JsonObject, name: string): string {
  if (statement[name] !== undefined) return compact(statement[name]);
  const negated = statement[`Not${name}`];
  return negated === undefined ? '' : `NOT ${compact(negated)}`;
}

function statementsTable(policy: JsonObject | undefined): PlanTable {
  const rows = statementsOf(policy).map((s) => [
    typeof s.Sid === 'string' ? s.Sid : '',
    compact(s.Effect),
    element(s, 'Principal'),
    element(s, 'Action'),
    element(s, 'Resource'),
    compact(s.Condition),
  ]);
  return { title: 'Bucket policy now', columns: ['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition'], rows };
}

function blockTable(block: PublicAccessBlockConfiguration | undefined): PlanTable {
  const settings = blockSettings(block);
  const rows = BLOCK_SETTINGS.map((name) => [name, block ? (settings[name] ? 'on' : 'off') : 'not set (off)', 'on']);
  return { title: 'Block Public Access (bucket)', columns: ['Setting', 'Now', 'After'], rows };
}

function bucketNotes(): string[] {
  return [
    'Objects already copied out of the bucket cannot be recalled: look for reads from outside the account in CloudTrail data events or server access logs.',
    "Presigned URLs made by principals of the account keep working until they expire (up to 7 days): deactivate the signer's keys or revoke its sessions to end them.",
    'AWS service principals are not denied, so log delivery goes on, and so does a CloudFront distribution with origin access control: check the distributions that serve this bucket.',
    'If the bucket uses replication or access points, check them: copies already replicated to other buckets are not covered by this policy.',
    'Every reader outside the account is cut off, not only the attacker: the table lists the ones the policy names, but readers that get in another way are cut off too and not listed: a log-archive or security account reading CloudTrail or Config logs, Amazon Security Lake subscribers, cross-account replication roles, access points of other accounts. Tell their owners, or add their accounts to the deny\'s aws:PrincipalAccount condition.',
    "A public statement is removed from the policy, since S3 rejects a policy keeping one while BlockPublicPolicy is on for the bucket or the account. Undo puts the old policy back after restoring the bucket's Block Public Access settings; with BlockPublicPolicy on for the whole account, S3 refuses that too.",
  ];
}
