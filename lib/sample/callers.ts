/**
 * Who machine traffic comes from: a fixed principal, an AWS service under its own name, a
 * service role acting through its service, instances with their instance profile behind VPC
 * endpoints, a Lambda function, and the security team's SageMaker notebook.
 */

import { hash32 } from './prng';
import { Memo } from './memo';
import { sessionKey, sessionStart } from './api';
import { SECURITY, assumedRole, awsService, role, type RoleRef } from './identities';
import { INSTANCES, instanceAddress } from './inventory';
import type { Actor, UserIdentity } from './record';
import type { ActorCtx, Caller } from './persona';

/** User agents of the workloads. */
export const AGENTS = {
  javaApp:
    'aws-sdk-java/2.25.6 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 ' +
    'vendor/Amazon.com_Inc. md/internal io/sync http/Apache cfg/retry-mode/legacy',
  botoBatch:
    'Boto3/1.34.54 md/Botocore#1.34.54 ua/2.0 os/linux#6.1.79-99.164.amzn2023.x86_64 md/arch#x86_64 ' +
    'lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.54',
  nodeLambda:
    'aws-sdk-js/3.523.0 ua/2.0 os/linux#5.10.209-220.815.amzn2.x86_64 lang/js md/nodejs#20.11.1 api/s3#3.523.0 ' +
    'exec-env/AWS_Lambda_nodejs20.x',
  ssmAgent: 'aws-sdk-go/1.50.18 (go1.21.7; linux; amd64) amazon-ssm-agent/3.3.40.0',
  notebook:
    'Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 md/arch#x86_64 ' +
    'lang/python#3.10.13 md/pyimpl#CPython exec-env/SageMaker cfg/retry-mode#legacy Botocore/1.34.51',
  portal:
    'aws-sdk-java/1.12.660 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/11.0.22+7-LTS ' +
    'java/11.0.22 vendor/Amazon.com_Inc.',
} as const;

/**
 * A caller that never changes.
 *
 * @example
 * fixed(CI_ACTOR, 'ci-deployer');
 */
export function fixed(actor: Actor, session: string): (c: ActorCtx) => Caller {
  const caller = { actor, session };
  return () => caller;
}

/**
 * An AWS service calling as itself: its name is its address and its user agent.
 *
 * @example
 * service('cloudtrail.amazonaws.com');
 */
export function service(name: string, identity: UserIdentity = awsService(name)): (c: ActorCtx) => Caller {
  return fixed({ identity, sourceIPAddress: name, userAgent: name }, name);
}

/**
 * A service-linked or service role acting through its service (hourly sessions).
 *
 * @example
 * serviceRole(role(PRODUCTION, 'AWSServiceRoleForAutoScaling', '/aws-service-role/autoscaling.amazonaws.com/'), 'AutoScaling', 'autoscaling.amazonaws.com');
 */
export function serviceRole(r: RoleRef, sessionName: string, by: string): (c: ActorCtx) => Caller {
  const callers = new Memo<Caller>(4);
  return (c) => {
    const issued = sessionStart(c.t, 1);
    return callers.get(String(issued), () => {
      const identity = assumedRole(r, sessionName, sessionKey(r.arn, issued), issued, { invokedBy: by });
      return { actor: { identity, sourceIPAddress: by, userAgent: by }, session: sessionName };
    });
  };
}

/**
 * A region's instances using their instance profile (credentials renewed every six hours)
 * through a VPC endpoint, each from its own private address.
 *
 * @example
 * instances(role(PRODUCTION, 'WebAppInstanceRole'), 'us-east-1', AGENTS.javaApp, 'vpce-0a1b2c3d4e5f60718');
 */
export function instances(
  r: RoleRef,
  region: 'us-east-1' | 'us-west-2',
  userAgent: string,
  vpce: string,
): (c: ActorCtx) => Caller {
  const ids = INSTANCES[region];
  const callers = new Memo<Caller>(64);
  return (c) => {
    const i = c.rng.below(ids.length);
    const issued = sessionStart(c.t, 6);
    return callers.get(`${issued}|${i}`, () => {
      const identity = assumedRole(r, ids[i], sessionKey(ids[i], issued), issued, { ec2: true });
      return {
        actor: { identity, sourceIPAddress: instanceAddress(ids[i]), userAgent, vpcEndpointId: vpce },
        session: ids[i],
      };
    });
  };
}

/**
 * A Lambda function in the VPC: its role session is named after the function.
 *
 * @example
 * lambdaFunction(role(PRODUCTION, 'invoice-processor-role'), 'invoice-processor');
 */
export function lambdaFunction(r: RoleRef, name: string): (c: ActorCtx) => Caller {
  const identities = new Memo<UserIdentity>(4);
  // The function's network interface in its subnet: one address, as Lambda's shared VPC interfaces keep.
  const ip = `10.0.128.${(hash32('lambda', name) % 250) + 4}`;
  return (c) => {
    const issued = sessionStart(c.t, 12);
    const identity = identities.get(String(issued), () => assumedRole(r, name, sessionKey(name, issued), issued));
    const actor = {
      identity,
      sourceIPAddress: ip,
      userAgent: AGENTS.nodeLambda,
      vpcEndpointId: 'vpce-0a1b2c3d4e5f60718',
    };
    return { actor, session: name };
  };
}

const NOTEBOOK_ROLE = role(SECURITY, 'IRNotebookRole');
/** The notebook instance's address in its VPC (one instance, one network interface). */
const NOTEBOOK_IP = `10.50.1.${(hash32('nb', 'host') % 200) + 20}`;
const notebooks = new Memo<Actor>(4);

/**
 * The security team's SageMaker notebook at an instant (hourly sessions, one address in its VPC).
 *
 * @example
 * notebookActor(Date.UTC(2024, 2, 20, 15)).identity.arn; // '…:assumed-role/IRNotebookRole/SageMaker'
 */
export function notebookActor(t: number): Actor {
  const issued = sessionStart(t, 1);
  return notebooks.get(String(issued), () => ({
    identity: assumedRole(NOTEBOOK_ROLE, 'SageMaker', sessionKey('notebook', issued), issued),
    sourceIPAddress: NOTEBOOK_IP,
    userAgent: AGENTS.notebook,
    vpcEndpointId: 'vpce-0c1d2e3f4a5b6c7d8',
  }));
}
