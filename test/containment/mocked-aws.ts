/**
 * Containment tests talk to the real SDK clients with `aws-sdk-client-mock` stubbing `send`:
 * the commands, their inputs and their order are what the code really sends.
 */

import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { ContainmentContext } from '../../lib/containment/context';
import { isChangeCommand } from '../support/containment-calls';
import type { ContainmentService } from '../../lib/containment/types';

export const ACCOUNT = '111122223333';
/** The analyst: a session of the notebook's role. */
export const ANALYST_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/IrbookNotebookRole/SageMaker`;
export const NOW = new Date('2024-03-19T09:00:00.000Z');

/** A command as sent: client, command name (without `Command`) and input. */
export interface SentCall {
  readonly service: ContainmentService | 'sts';
  readonly command: string;
  readonly input: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stubs' own generic types
type Stub = AwsStub<any, any, any>;

export interface MockedAws {
  readonly context: ContainmentContext;
  readonly iam: Stub;
  readonly ec2: Stub;
  readonly s3: Stub;
  readonly sts: Stub;
  readonly autoscaling: Stub;
  readonly sso: Stub;
  /** Every command sent, in order, across the clients (STS included). */
  sent(): SentCall[];
  /** Only commands that change something: all but Get/List/Describe/Head, and EC2 dry runs. */
  changes(): SentCall[];
  /** EC2 calls sent with DryRun: true (they change nothing). */
  dryRuns(): SentCall[];
  /** Set the clock. */
  setNow(date: Date): void;
}

const isDryRun = (call: SentCall): boolean => (call.input as { DryRun?: boolean } | undefined)?.DryRun === true;

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/**
 * Clients whose `send` is stubbed, a context built on them, and the caller STS reports.
 *
 * @example
 * const aws = mockedAws();
 * aws.iam.on(GetUserCommand).resolves({ User: … });
 */
export function mockedAws(options: { callerArn?: string; callerAccount?: string } = {}): MockedAws {
  const config = { region: 'us-east-1', credentials };
  const clients = {
    iam: new IAMClient(config),
    ec2: new EC2Client(config),
    s3: new S3Client(config),
    sts: new STSClient(config),
    autoscaling: new AutoScalingClient(config),
    sso: new SSOAdminClient(config),
  };
  const stubs = {
    iam: mockClient(clients.iam),
    ec2: mockClient(clients.ec2),
    s3: mockClient(clients.s3),
    sts: mockClient(clients.sts),
    autoscaling: mockClient(clients.autoscaling),
    sso: mockClient(clients.sso),
  };
  const callerArn = options.callerArn ?? ANALYST_ARN;
  const callerAccount = options.callerAccount ?? ACCOUNT;
  stubs.sts.on(GetCallerIdentityCommand).resolves({ Account: callerAccount, Arn: callerArn, UserId: 'AROAEXAMPLEANALYST:SageMaker' });
  let now = NOW;
  const context: ContainmentContext = {
    clients,
    caller: { account: callerAccount, arn: callerArn, userId: 'AROAEXAMPLEANALYST:SageMaker' },
    region: 'us-east-1',
    incident: 'IR-2024-0319',
    now: () => now,
    // Identity Center's provisioning is polled: tests do not wait between polls.
    sleep: async () => undefined,
  };
  const sent = (): SentCall[] => {
    const all: { id: number; call: SentCall }[] = [];
    for (const service of ['iam', 'ec2', 's3', 'sts', 'autoscaling', 'sso'] as const) {
      for (const spyCall of stubs[service].calls()) {
        const command = spyCall.args[0] as { constructor: { name: string }; input: unknown };
        // sinon numbers every call across stubs; its type omits the field.
        const id = (spyCall as unknown as { callId: number }).callId;
        all.push({ id, call: { service, command: command.constructor.name.replace(/Command$/, ''), input: command.input } });
      }
    }
    return all.sort((a, b) => a.id - b.id).map((entry) => entry.call);
  };
  return {
    context,
    ...stubs,
    sent,
    changes: () => sent().filter((call) => isChangeCommand(call.command) && !isDryRun(call)),
    dryRuns: () => sent().filter(isDryRun),
    setNow: (date) => {
      now = date;
    },
  };
}
