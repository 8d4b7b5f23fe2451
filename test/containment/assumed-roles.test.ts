/**
 * User containment lists the roles the user assumed in the window, found in CloudTrail on a
 * real local engine (the user's ARN bound, never pasted), merged with the roles given, each with
 * the call that revokes its older sessions.
 */
import { GetGroupPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assumedRolesQuery } from '../../lib/containment/assumed-roles';
import { planUserContainment } from '../../lib/containment/plan-user';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile } from '../support/cloudtrail-fixtures';
import { encoded, mockUser, USER, USER_ARN } from './iam-fixtures';
import { ACCOUNT, mockedAws, type MockedAws } from './mocked-aws';

const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/Deployer`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/ops/Admin`;
const WINDOW = { start: new Date('2024-03-12T00:00:00Z'), end: new Date('2024-03-13T00:00:00Z') };

/** An AssumeRole call; makeEvent's `i` decides its time and whether it failed (i = 4: AccessDenied). */
const assumeRole = (i: number, caller: string, roleArn: string, eventTime?: string) =>
  makeEvent(i, {
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    userIdentity: { type: 'IAMUser', arn: caller, accountId: ACCOUNT, userName: caller.split('/').at(-1) },
    requestParameters: { roleArn, roleSessionName: `s${i}` },
    ...(eventTime ? { eventTime } : {}),
  });

const dir = tempDir('irbook-assumed-');
let engine: LocalEngine;
let aws: MockedAws;

beforeAll(async () => {
  const day = [
    assumeRole(0, USER_ARN, DEPLOYER),
    assumeRole(1, USER_ARN, ADMIN),
    assumeRole(2, USER_ARN, DEPLOYER),
    // Refused: the user did not get a session of this role.
    assumeRole(4, USER_ARN, `arn:aws:iam::${ACCOUNT}:role/Root`),
    // Another user's session.
    assumeRole(5, `arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${ACCOUNT}:role/AliceRole`),
    // Not an AssumeRole.
    makeEvent(6, { userIdentity: { type: 'IAMUser', arn: USER_ARN, accountId: ACCOUNT, userName: USER } }),
  ];
  writeFile(deliveryPath(dir.path, ACCOUNT, 'us-east-1', '2024-03-12', 1), deliveryFile(day));
  // After the window.
  writeFile(deliveryPath(dir.path, ACCOUNT, 'us-east-1', '2024-03-20', 1), deliveryFile([assumeRole(7, USER_ARN, `arn:aws:iam::${ACCOUNT}:role/Later`, '2024-03-20T10:00:00Z')]));
  engine = await LocalEngine.open({ logs: dir.path });
});
afterAll(async () => {
  await engine.close();
  dir.cleanup();
});
beforeEach(() => {
  aws = mockedAws();
  mockUser(aws);
  aws.iam.on(GetGroupPolicyCommand).resolves({ PolicyDocument: encoded({ Version: '2012-10-17', Statement: [] }) });
});

describe('the roles a contained user assumed', () => {
  it('binds the user ARN as a parameter', () => {
    const compiled = assumedRolesQuery(USER_ARN, WINDOW).compile();
    expect(compiled.text).not.toContain(USER_ARN);
    expect(compiled.params).toContain(USER_ARN);
  });

  it('are found in CloudTrail (successful AssumeRole calls by the user in the window), merged with those given, each with its revoke call', async () => {
    const given = `arn:aws:iam::${ACCOUNT}:role/FromTheInvestigation`;
    const plan = await planUserContainment(aws.context, USER_ARN, { window: WINDOW, cloudTrail: engine, assumedRoles: [DEPLOYER, given] });
    const table = plan.tables.find((t) => t.title.startsWith(`Roles ${USER} assumed`));
    expect(table?.rows.map((r) => [r[0], r[1]])).toEqual([
      [DEPLOYER, 'CloudTrail: 2 AssumeRole call(s), 2024-03-12T10:00:00Z to 2024-03-12T10:02:02Z'],
      [ADMIN, 'CloudTrail: 1 AssumeRole call(s), 2024-03-12T10:01:01Z to 2024-03-12T10:01:01Z'],
      [given, 'given (assumedRoles)'],
    ]);
    expect(table?.rows[1]?.[2]).toBe(`await ir.planRole('${ADMIN}', { revokeBefore: containmentTime })`);
    expect(plan.notes.join('\n')).toMatch(/assumed 3 role\(s\) in the window \(CloudTrail, and any given\).*nor sessions chained from them/);
    // Reading CloudTrail changed nothing in AWS.
    expect(aws.changes()).toEqual([]);
  });

  it('says so when CloudTrail shows none, and how to find them without an engine', async () => {
    const quiet = await planUserContainment(aws.context, USER_ARN, { window: { start: new Date('2024-03-14T00:00:00Z'), end: new Date('2024-03-15T00:00:00Z') }, cloudTrail: engine });
    expect(quiet.tables.some((t) => t.title.startsWith(`Roles ${USER} assumed`))).toBe(false);
    expect(quiet.notes.join('\n')).toContain(`CloudTrail shows no AssumeRole call by ${USER} in the window`);
    const blind = await planUserContainment(aws.context, USER_ARN, { window: WINDOW });
    expect(blind.notes.join('\n')).toContain('does not end role sessions it already assumed: give a window with a query engine');
  });
});
