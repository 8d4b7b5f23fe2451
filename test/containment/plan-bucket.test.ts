import { GetBucketPolicyCommand, GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { planBucketLockdown } from '../../lib/containment/plan-bucket';
import type { AwsCall, Plan, PlanStep } from '../../lib/containment/types';
import { IrbookError, OptionError } from '../../lib/errors';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

const BUCKET = 'example-evidence';
const ARN = `arn:aws:s3:::${BUCKET}`;

const deny = (arn = ARN) => ({
  Sid: 'IrbookDenyOutsideAccount',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [arn, `${arn}/*`],
  Condition: {
    StringNotEqualsIfExists: { 'aws:PrincipalAccount': ACCOUNT },
    BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
  },
});

const allOn = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

function notFound(name: string): Error {
  return Object.assign(new Error(name), { name });
}

function stub(policy: string | undefined, block: Record<string, boolean> | undefined): MockedAws {
  const aws = mockedAws();
  if (policy === undefined) aws.s3.on(GetBucketPolicyCommand).rejects(notFound('NoSuchBucketPolicy'));
  else aws.s3.on(GetBucketPolicyCommand).resolves({ Policy: policy });
  if (block === undefined) aws.s3.on(GetPublicAccessBlockCommand).rejects(notFound('NoSuchPublicAccessBlockConfiguration'));
  else aws.s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: block });
  return aws;
}

const step = (plan: Plan, id: string): PlanStep => plan.steps.find((s) => s.id === id) as PlanStep;
const undoCalls = (s: PlanStep): readonly AwsCall[] => ('calls' in s.undo ? s.undo.calls : []);
const policyOf = (s: PlanStep): unknown => JSON.parse(String(s.call?.input.Policy));

describe('planBucketLockdown', () => {
  it('plans a deny-outside-account policy and Block Public Access for a bucket with neither, sending no change', async () => {
    const aws = stub(undefined, undefined);
    const plan = await planBucketLockdown(aws.context, BUCKET);

    const owner = { Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT };
    expect(aws.sent()).toEqual([
      { service: 's3', command: 'GetBucketPolicy', input: owner },
      { service: 's3', command: 'GetPublicAccessBlock', input: owner },
    ]);
    expect(aws.changes()).toEqual([]);

    expect(plan.steps.map((s) => [s.id, s.call?.service, s.call?.command])).toEqual([
      ['1', 's3', 'PutBucketPolicy'],
      ['2', 's3', 'PutPublicAccessBlock'],
    ]);
    expect(step(plan, '1').call?.input).toEqual({ ...owner, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [deny()] }) });
    expect(step(plan, '1').before).toBeNull();
    expect(step(plan, '1').undo).toEqual({ calls: [{ service: 's3', command: 'DeleteBucketPolicy', input: owner }] });
    expect(step(plan, '2').call?.input).toEqual({ ...owner, PublicAccessBlockConfiguration: allOn });
    expect(step(plan, '2').before).toBeNull();
    expect(step(plan, '2').undo).toEqual({ calls: [{ service: 's3', command: 'DeletePublicAccessBlock', input: owner }] });

    expect(plan).toMatchObject({ kind: 's3-bucket', account: ACCOUNT, target: ARN, incident: 'IR-2024-0319' });
    expect(plan.id).toMatch(/^s3-bucket\/example-evidence\//);
    expect(plan.tables.map((t) => t.title)).toEqual(['Bucket policy now', 'Principals this lock-down cuts off (from the bucket policy)', 'Block Public Access (bucket)']);
    expect(plan.tables[0]!.rows).toEqual([]);
    expect(plan.tables[2]!.rows[0]).toEqual(['BlockPublicAcls', 'not set (off)', 'on']);
    expect(plan.notes.join('\n')).toMatch(/log-archive[\s\S]*Security Lake subscribers/);
    expect(plan.notes.join('\n')).toMatch(/cannot be recalled[\s\S]*Presigned URLs[\s\S]*replication or access points/);
  });

  it('keeps the existing statements, adds the deny, and undoes to the exact old policy text', async () => {
    const old = {
      Version: '2012-10-17',
      Id: 'ExamplePolicy',
      Statement: [
        { Sid: 'AllowCiRole', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ci` }, Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ARN}/*` },
        { Sid: 'PartnerRead', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 's3:GetObject', Resource: `${ARN}/*` },
      ],
    };
    // Whitespace as a person wrote it: the undo must restore this text, not a re-serialisation.
    const oldText = JSON.stringify(old, null, 4);
    const partial = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false };
    const aws = stub(oldText, partial);
    const plan = await planBucketLockdown(aws.context, BUCKET);

    const policy = step(plan, '1');
    expect(policyOf(policy)).toEqual({ ...old, Statement: [...old.Statement, deny()] });
    expect(policy.before).toBe(oldText);
    expect(undoCalls(policy)).toEqual([{ service: 's3', command: 'PutBucketPolicy', input: { Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT, Policy: oldText } }]);

    const block = step(plan, '2');
    expect(block.before).toEqual(partial);
    expect(undoCalls(block)).toEqual([
      { service: 's3', command: 'PutPublicAccessBlock', input: { Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT, PublicAccessBlockConfiguration: partial } },
    ]);

    expect(plan.tables[0]!.rows).toEqual([
      ['AllowCiRole', 'Allow', `AWS: arn:aws:iam::${ACCOUNT}:role/ci`, 's3:GetObject, s3:PutObject', `${ARN}/*`, ''],
      ['PartnerRead', 'Allow', 'AWS: arn:aws:iam::444455556666:root', 's3:GetObject', `${ARN}/*`, ''],
    ]);
    expect(plan.tables[1]!.rows).toEqual([['AWS: arn:aws:iam::444455556666:root', 'PartnerRead', 'account 444455556666']]);
    expect(plan.tables[2]!.rows.map((r) => r[1])).toEqual(['on', 'on', 'off', 'off']);
    expect(aws.changes()).toEqual([]);
  });

  it('keeps a policy whose Statement is a single object', async () => {
    const single = { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: `${ARN}/*` } };
    const plan = await planBucketLockdown(stub(JSON.stringify(single), allOn).context, BUCKET);
    expect(policyOf(step(plan, '1'))).toEqual({ Version: '2012-10-17', Statement: [single.Statement, deny()] });
  });

  it('removes a public statement (S3 would reject it under BlockPublicPolicy), lists who is cut off, keeps a limited one', async () => {
    const pub = { Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/*` };
    const vpcOnly = { Sid: 'VpcRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/*`, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } };
    const aws = stub(JSON.stringify({ Version: '2012-10-17', Statement: [pub, vpcOnly] }), { ...allOn, BlockPublicPolicy: true });
    const plan = await planBucketLockdown(aws.context, BUCKET);
    expect(policyOf(step(plan, '1'))).toEqual({ Version: '2012-10-17', Statement: [vpcOnly, deny()] });
    expect(step(plan, '1').change).toContain('public statement(s) removed: PublicRead');
    expect(plan.tables[1]!.rows.map((r) => [r[0], r[1]])).toEqual([['*', 'PublicRead'], ['*', 'VpcRead']]);
    expect(plan.tables[1]!.rows[0]![2]).toMatch(/public/);
  });

  it("refuses a policy that would pass S3's 20 KB limit with the deny", async () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app-${i}` }, Action: 's3:GetObject', Resource: `${ARN}/prefix-${i}/*` }));
    const text = JSON.stringify({ Version: '2012-10-17', Statement: many });
    const withDeny = JSON.stringify({ Version: '2012-10-17', Statement: [...many, deny()] });
    expect(text.length).toBeLessThanOrEqual(20480);
    expect(withDeny.length).toBeGreaterThan(20480);
    const error = await planBucketLockdown(stub(text, allOn).context, BUCKET).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TargetStateError', reason: expect.stringContaining(`${withDeny.length} bytes, over S3's 20480-byte limit`) });
  });

  it('plans no call for a bucket already locked down (same statement, other key order)', async () => {
    const d = deny();
    const reordered = { Condition: d.Condition, Resource: d.Resource, Action: d.Action, Principal: d.Principal, Effect: d.Effect, Sid: d.Sid };
    const aws = stub(JSON.stringify({ Version: '2012-10-17', Statement: [reordered] }), allOn);
    const plan = await planBucketLockdown(aws.context, BUCKET);
    expect(plan.steps.map((s) => s.call)).toEqual([undefined, undefined]);
    expect(plan.steps.map((s) => s.change)).toEqual([expect.stringMatching(/^none: /), expect.stringMatching(/^none: /)]);
    expect(plan.steps.map((s) => s.undo)).toEqual([{ calls: [] }, { calls: [] }]);
  });

  it('replaces a statement with the Sid but other content, in place', async () => {
    const stale = { ...deny(), Condition: { StringNotEquals: { 'aws:PrincipalAccount': '999999999999' } } };
    const keep = { Sid: 'Keep', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:*', Resource: ARN };
    const plan = await planBucketLockdown(stub(JSON.stringify({ Version: '2012-10-17', Statement: [stale, keep] }), allOn).context, BUCKET);
    expect(policyOf(step(plan, '1'))).toEqual({ Version: '2012-10-17', Statement: [deny(), keep] });
    expect(step(plan, '1').change).toMatch(/^replace statement/);
  });

  it('passes a bucket name with dots through untouched', async () => {
    const dotted = 'logs.example.com';
    const aws = stub(undefined, undefined);
    const plan = await planBucketLockdown(aws.context, dotted);
    expect(aws.sent().map((c) => c.input)).toEqual([
      { Bucket: dotted, ExpectedBucketOwner: ACCOUNT },
      { Bucket: dotted, ExpectedBucketOwner: ACCOUNT },
    ]);
    expect(plan.target).toBe('arn:aws:s3:::logs.example.com');
    expect(plan.steps.map((s) => s.call?.input.Bucket)).toEqual([dotted, dotted]);
    expect(policyOf(step(plan, '1'))).toEqual({ Version: '2012-10-17', Statement: [deny('arn:aws:s3:::logs.example.com')] });
  });

  it.each(['ab', 'Upper-Case', 'under_score', 'a..b', '-leading', 'trailing.', '192.168.1.10', 'x'.repeat(64), 'arn:aws:s3:::b'])(
    'refuses the invalid bucket name %j before reading',
    async (bad) => {
      const aws = stub(undefined, undefined);
      const error = await planBucketLockdown(aws.context, bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OptionError);
      expect(error).toMatchObject({ option: 'bucket', value: bad });
      expect(aws.sent()).toEqual([]);
    },
  );

  it('says the bucket does not exist', async () => {
    const aws = mockedAws();
    aws.s3.on(GetBucketPolicyCommand).rejects(notFound('NoSuchBucket'));
    const error = await planBucketLockdown(aws.context, BUCKET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IrbookError);
    expect(error).toMatchObject({ name: 'TargetNotFoundError', target: `bucket ${BUCKET}`, reason: 'it does not exist' });
  });

  it('explains access denied as missing permission or another owner', async () => {
    const aws = mockedAws();
    aws.s3.on(GetBucketPolicyCommand).rejects(notFound('AccessDenied'));
    const error = await planBucketLockdown(aws.context, BUCKET).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`not owned by account ${ACCOUNT}`));
  });
});
