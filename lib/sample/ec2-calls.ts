/**
 * EC2 calls with the request and response shapes CloudTrail records for them, shared by the
 * background operators and the attackers.
 */

import type { Rng } from './prng';
import type { Call, JsonObject } from './record';
import { api } from './api';

const EC2 = 'ec2.amazonaws.com';

function permissions(port: number, cidr: string): JsonObject {
  const rule = { ipProtocol: 'tcp', fromPort: port, toPort: port, groups: {}, ipv6Ranges: {}, prefixListIds: {} };
  return { items: [{ ...rule, ipRanges: { items: [{ cidrIp: cidr }] } }] };
}

/**
 * `AuthorizeSecurityGroupIngress` or `RevokeSecurityGroupIngress` for one TCP port.
 *
 * @example
 * ingress(rng, 'Authorize', 'us-east-1', 'sg-0123456789abcdef0', 22, '203.0.113.77/32');
 */
export function ingress(
  rng: Rng,
  verb: 'Authorize' | 'Revoke',
  region: string,
  groupId: string,
  port: number,
  cidr: string,
): Call {
  const rule = {
    groupId,
    securityGroupRuleId: `sgr-0${rng.hex(16)}`,
    isEgress: false,
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    cidrIpv4: cidr,
  };
  const response = { requestId: rng.uuid(), _return: true, securityGroupRuleSet: { items: [rule] } };
  const request = { groupId, ipPermissions: permissions(port, cidr) };
  return api(EC2, `${verb}SecurityGroupIngress`, region, false, request, verb === 'Authorize' ? response : null);
}

/** What to launch. */
export interface Launch {
  readonly imageId: string;
  readonly instanceType: string;
  readonly maxCount?: number;
  /** An instance profile to attach. */
  readonly profile?: string;
}

/**
 * A `RunInstances` request (the response is only written when the call succeeds).
 *
 * @example
 * runInstances(rng, 'us-west-2', { imageId: 'ami-0b20a6f09484773af', instanceType: 'c5.4xlarge' });
 */
export function runInstances(rng: Rng, region: string, launch: Launch): Call {
  const request: JsonObject = {
    instancesSet: { items: [{ imageId: launch.imageId, minCount: 1, maxCount: launch.maxCount ?? 1 }] },
    instanceType: launch.instanceType,
    blockDeviceMapping: {},
    monitoring: { enabled: false },
    disableApiTermination: false,
    disableApiStop: false,
    clientToken: rng.uuid(),
  };
  if (launch.profile) request.iamInstanceProfile = { name: launch.profile };
  return api(EC2, 'RunInstances', region, false, request);
}

/**
 * `StartInstances`, `StopInstances` or `TerminateInstances` for one instance; `from` and `to`
 * are the instance states the response reports.
 *
 * @example
 * instanceState(rng, 'StopInstances', 'us-east-1', 'i-0a3f9c2e7b1d45e68', ['running', 'stopping']);
 */
export function instanceState(
  rng: Rng,
  eventName: 'StartInstances' | 'StopInstances' | 'TerminateInstances',
  region: string,
  instanceId: string,
  [from, to]: readonly [string, string],
): Call {
  const codes: Readonly<Record<string, number>> = {
    pending: 0,
    running: 16,
    'shutting-down': 32,
    stopping: 64,
    stopped: 80,
  };
  const instance = {
    instanceId,
    currentState: { code: codes[to], name: to },
    previousState: { code: codes[from], name: from },
  };
  const request: JsonObject = { instancesSet: { items: [{ instanceId }] } };
  if (eventName === 'StopInstances') request.force = false;
  return api(EC2, eventName, region, false, request, { requestId: rng.uuid(), instancesSet: { items: [instance] } });
}
