/**
 * Story 1 (AWS Security Blog, "How to improve your security incident response processes with
 * Jupyter notebooks"): a spike of authorization failures. The CI user's long-term access key
 * leaks and is used at night from outside to probe what it can reach; a few days later an EC2
 * instance's role credentials are used from outside as well (a role session, so a query over
 * `useridentity.arn LIKE '%iam%'` does not see it).
 */

import { Rng } from './prng';
import { at } from './clock';
import { api, sessionKey, sessionStart } from './api';
import { getCallerIdentity, getSessionToken, iam } from './iam-calls';
import { s3Bucket, s3Object } from './s3-calls';
import { PRODUCTION, REGIONS, accessKeyId, assumedRole, role } from './identities';
import { INSTANCES, SECURITY_GROUPS, STACKS, STOLEN_INSTANCE, VICTIM_BUCKET } from './inventory';
import { ingress, instanceState, runInstances } from './ec2-calls';
import { EC2_PROBES, enumerate, recon, sweep } from './compromise-probing';
import { Timeline, type ScriptedEvent } from './timeline';
import type { Actor } from './record';
import {
  ATTACKER_AGENTS,
  ATTACKER_IP,
  CI_ACTOR,
  CI_ARN,
  CI_USER,
  STOLEN_AGENT,
  STOLEN_IP,
  STOLEN_ROLE,
} from './compromise-cast';

const CFN = 'cloudformation.amazonaws.com';
const SECRETS = 'secretsmanager.amazonaws.com';
const TRAIL = 'cloudtrail.amazonaws.com';

function baseline(rng: Rng): ScriptedEvent[] {
  const tl = new Timeline(rng, PRODUCTION, at(1, 0, 0));
  for (const day of [4, 6, 7, 11, 13, 14, 15]) {
    tl.jump(at(day, 14 + rng.below(6), rng.below(60), rng.below(60)));
    tl.call(CI_ACTOR, api(CFN, 'DescribeStacks', 'us-east-1', true, { stackName: rng.pick(STACKS) })).pause(2, 20);
    tl.call(CI_ACTOR, api('ecr.amazonaws.com', 'GetAuthorizationToken', 'us-east-1', true)).pause(5, 40);
  }
  return tl.events;
}

/** Back at the keyboard: what the stacks reveal, then secrets, data, persistence. */
function grab(tl: Timeline, rng: Rng, cli: Actor): void {
  for (const stack of STACKS)
    tl.call(cli, api(CFN, 'DescribeStacks', 'us-east-1', true, { stackName: stack })).pause(4, 25);
  tl.call(cli, api(CFN, 'DescribeStackResources', 'us-east-1', true, { stackName: STACKS[0] })).pause(30, 120);
  for (const region of ['us-east-1', 'us-west-2']) {
    for (const secretId of ['prod/payments/db-credentials', 'prod/web/stripe-api-key', 'prod/db']) {
      const arn = `arn:aws:secretsmanager:${region}:${PRODUCTION}:secret:${secretId}`;
      tl.deny(cli, api(SECRETS, 'GetSecretValue', region, true, { secretId }), arn).pause(5, 30);
    }
  }
  const list = (prefix: string) =>
    s3Bucket('ListObjects', 'us-west-2', PRODUCTION, VICTIM_BUCKET, { 'list-type': '2', prefix });
  tl.deny(cli, list('')).pause(5, 20);
  for (let i = 0; i < 6; i++) {
    const key = `exports/2024/03/18/settlement-${String(i * 4).padStart(2, '0')}00.csv.gz`;
    tl.deny(cli, s3Object(rng, 'GetObject', 'us-west-2', PRODUCTION, VICTIM_BUCKET, key)).pause(2, 12);
  }
  tl.deny(cli, list('exports/')).pause(30, 120);
  const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
  const everything = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
  const me = { userName: CI_USER };
  tl.deny(
    cli,
    iam('CreateUser', false, { userName: 'support-admin' }),
    `arn:aws:iam::${PRODUCTION}:user/support-admin`,
  );
  tl.pause(10, 40).deny(cli, iam('CreateAccessKey', false, me), CI_ARN);
  tl.pause(10, 40).deny(cli, iam('AttachUserPolicy', false, { ...me, policyArn: admin }), CI_ARN);
  tl.pause(10, 40).deny(cli, iam('CreateLoginProfile', false, { ...me, passwordResetRequired: false }), CI_ARN);
  tl.pause(10, 40).deny(
    cli,
    iam('PutUserPolicy', false, { ...me, policyName: 'backup', policyDocument: everything }),
    CI_ARN,
  );
  tl.pause(60, 240);
}

/** Then the network and compute: a way in over SSH, instances, sabotage that protection stops; then blinding the trail. */
function tamper(tl: Timeline, rng: Rng, cli: Actor): void {
  const notFound = 'The specified rule does not exist in this security group.';
  for (const sg of SECURITY_GROUPS) {
    const call = ingress(rng, 'Revoke', 'us-east-1', sg, 22, '0.0.0.0/0');
    tl.fail(cli, call, 'Client.InvalidPermission.NotFound', notFound).pause(5, 20);
  }
  tl.call(cli, ingress(rng, 'Authorize', 'us-east-1', SECURITY_GROUPS[0], 22, `${ATTACKER_IP}/32`)).pause(30, 90);
  for (const region of REGIONS) {
    tl.deny(cli, runInstances(rng, region, { imageId: 'ami-0c7217cdde317cfec', instanceType: 'c5.4xlarge' })).pause(
      5,
      25,
    );
  }
  const instance = INSTANCES['us-east-1'][1];
  const protectedBy = { TerminateInstances: 'disableApiTermination', StopInstances: 'disableApiStop' } as const;
  for (const name of ['TerminateInstances', 'StopInstances', 'TerminateInstances'] as const) {
    const verb = name === 'StopInstances' ? 'stopped' : 'terminated';
    const message = `The instance '${instance}' may not be ${verb}. Modify its '${protectedBy[name]}' instance attribute and try again.`;
    const call = instanceState(rng, name, 'us-east-1', instance, [
      'running',
      name === 'StopInstances' ? 'stopping' : 'shutting-down',
    ]);
    tl.fail(cli, call, 'Client.OperationNotPermitted', message).pause(10, 40);
  }
  for (let i = 0; i < 2; i++) {
    const request = { instanceId: instance, disableApiTermination: { value: false } };
    tl.deny(cli, api('ec2.amazonaws.com', 'ModifyInstanceAttribute', 'us-east-1', false, request)).pause(5, 30);
  }
  // Stop the trail before going further: the name is a guess (the console's default), refused anyway.
  tl.deny(cli, api(TRAIL, 'DescribeTrails', 'us-east-1', true, { includeShadowTrails: true })).pause(10, 40);
  for (const name of ['StopLogging', 'DeleteTrail']) {
    const trail = `arn:aws:cloudtrail:us-east-1:${PRODUCTION}:trail/management-events`;
    tl.deny(cli, api(TRAIL, name, 'us-east-1', false, { name: 'management-events' }), trail).pause(5, 30);
  }
}

function leakedKey(rng: Rng): ScriptedEvent[] {
  const tl = new Timeline(rng, PRODUCTION, at(19, 5, 52, rng.below(60)));
  const { identity } = CI_ACTOR;
  const cli: Actor = { identity, sourceIPAddress: ATTACKER_IP, userAgent: ATTACKER_AGENTS[0] };
  const script: Actor = { identity, sourceIPAddress: ATTACKER_IP, userAgent: ATTACKER_AGENTS[1] };
  recon(tl, cli);
  tl.jump(at(19, 6, 5, rng.below(60)));
  enumerate(tl, rng, script);
  tl.jump(at(19, 6, 41, rng.below(60)));
  grab(tl, rng, cli);
  tamper(tl, rng, cli);
  // A second run of the script: regions in another order, probes shuffled.
  tl.jump(at(19, 7, 48, rng.below(60)));
  sweep(tl, rng, script, true);
  tl.jump(at(19, 8, 31, rng.below(60)));
  tl.call(cli, getCallerIdentity('us-west-2')).pause(20, 60);
  // Temporary credentials for 36 hours: they keep working after the key itself is deactivated.
  const issued = tl.time;
  tl.call(cli, getSessionToken(rng, 'us-east-1', issued, accessKeyId('ASIA', CI_USER, issued), 129_600));
  return tl.events;
}

function stolenInstanceCredentials(rng: Rng): ScriptedEvent[] {
  const start = at(22, 14, 5, rng.below(60));
  const issued = sessionStart(start, 6);
  const r = role(PRODUCTION, STOLEN_ROLE);
  const identity = assumedRole(r, STOLEN_INSTANCE, sessionKey(STOLEN_INSTANCE, issued), issued, { ec2: true });
  const a: Actor = { identity, sourceIPAddress: STOLEN_IP, userAgent: STOLEN_AGENT };
  const tl = new Timeline(rng, PRODUCTION, start);
  const own = { roleName: STOLEN_ROLE };
  tl.call(a, getCallerIdentity('us-east-1')).pause(10, 40);
  tl.deny(a, s3Bucket('ListBuckets', 'us-east-1', PRODUCTION)).pause(5, 20);
  for (const [name, params] of [
    ['ListUsers', null],
    ['ListRoles', null],
    ['GetRole', own],
    ['ListAttachedRolePolicies', own],
  ] as const) {
    tl.deny(a, iam(name, true, params), r.arn).pause(3, 15);
  }
  for (const region of ['us-east-1', 'us-west-2']) {
    for (const name of EC2_PROBES.slice(0, 6)) tl.deny(a, api('ec2.amazonaws.com', name, region, true)).pause(1, 6);
  }
  const dbSecret = 'prod/payments/db-credentials';
  tl.deny(a, api(SECRETS, 'ListSecrets', 'us-east-1', true)).pause(5, 20);
  tl.call(a, api(SECRETS, 'GetSecretValue', 'us-east-1', true, { secretId: 'prod/web/stripe-api-key' })).pause(5, 20);
  tl.deny(
    a,
    api(SECRETS, 'GetSecretValue', 'us-east-1', true, { secretId: dbSecret }),
    `arn:aws:secretsmanager:us-east-1:${PRODUCTION}:secret:${dbSecret}`,
  );
  tl.pause(10, 40);
  tl.deny(
    a,
    s3Bucket('ListObjects', 'us-east-1', PRODUCTION, 'app-config-prod', { 'list-type': '2', prefix: '' }),
  ).pause(5, 20);
  for (const key of ['web/settings.json', 'web/feature-flags.json']) {
    const get = s3Object(rng, 'GetObject', 'us-east-1', PRODUCTION, 'app-config-prod', key, {
      bytesOut: rng.int(800, 6000),
    });
    tl.call(a, get).pause(3, 15);
  }
  for (let i = 0; i < 3; i++) {
    const key = `exports/2024/03/21/settlement-${String(i * 8).padStart(2, '0')}00.csv.gz`;
    tl.deny(a, s3Object(rng, 'GetObject', 'us-west-2', PRODUCTION, VICTIM_BUCKET, key)).pause(2, 10);
  }
  for (const [service, name, action] of [
    ['lambda', 'ListFunctions20150331', 'ListFunctions'],
    ['kms', 'ListKeys', undefined],
    ['rds', 'DescribeDBInstances', undefined],
    ['dynamodb', 'ListTables', undefined],
  ] as const) {
    tl.deny(a, api(`${service}.amazonaws.com`, name, 'us-east-1', true, null, null, action ? { action } : {})).pause(
      5,
      30,
    );
  }
  return tl.events;
}

/**
 * Story 1's scripted events: the CI user's normal runs early in the month, the leaked key's
 * night of probing on 19 March, and the stolen instance credentials on 22 March.
 *
 * @example
 * const [baseline, leak, stolen] = credentialCompromiseEvents(1); // each sorted by time
 */
export function credentialCompromiseEvents(seed: number): ScriptedEvent[][] {
  return [
    baseline(new Rng(seed, 'story1-baseline')),
    leakedKey(new Rng(seed, 'story1-leak')),
    stolenInstanceCredentials(new Rng(seed, 'story1-stolen')),
  ];
}
