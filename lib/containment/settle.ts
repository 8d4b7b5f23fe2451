/**
 * Some changes finish after their call returns: Identity Center provisions a permission set in
 * the background. A step is done when the change is, so apply and undo wait for it here.
 */

import type { ContainmentContext } from './context';
import { fieldOf } from './calls';
import { ProvisioningError } from './errors';
import type { AwsCall, Json } from './types';

/** How often, and how many times, provisioning is polled (about five minutes in all). */
export const PROVISIONING_POLL_MS = 5_000;
export const PROVISIONING_POLLS = 60;

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wait until the change `call` started has finished. Returns at once for calls that finish
 * when they return.
 *
 * @throws ProvisioningError when provisioning failed or did not finish in time
 */
export async function settle(context: ContainmentContext, call: AwsCall, response: Json): Promise<void> {
  if (call.service !== 'sso' || call.command !== 'ProvisionPermissionSet') return;
  const sso = await import('@aws-sdk/client-sso-admin');
  const requestId = fieldOf(response, 'PermissionSetProvisioningStatus.RequestId');
  const target = `permission set ${String(call.input.PermissionSetArn)} in account ${String(call.input.TargetId)}`;
  if (typeof requestId !== 'string') throw new ProvisioningError(target, 'Identity Center returned no provisioning request id to wait on');
  const sleep = context.sleep ?? sleepFor;
  for (let poll = 0; poll < PROVISIONING_POLLS; poll += 1) {
    const out = await context.clients.sso.send(
      new sso.DescribePermissionSetProvisioningStatusCommand({ InstanceArn: String(call.input.InstanceArn), ProvisionPermissionSetRequestId: requestId }),
    );
    const status = out?.PermissionSetProvisioningStatus;
    if (status?.Status === 'SUCCEEDED') return;
    if (status?.Status === 'FAILED') throw new ProvisioningError(target, `provisioning ${requestId} failed: ${status.FailureReason ?? 'no reason given'}`);
    await sleep(PROVISIONING_POLL_MS);
  }
  throw new ProvisioningError(target, `provisioning ${requestId} had not finished after ${(PROVISIONING_POLLS * PROVISIONING_POLL_MS) / 60_000} min; check it in Identity Center`);
}
