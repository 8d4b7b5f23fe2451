/** Who the engine's credentials belong to, from STS, before anything runs. */

import type { STSClient } from '@aws-sdk/client-sts';
import { IrbookError } from '../../errors';
import { retryThrottled } from './throttling';

/** The caller behind the credentials (STS GetCallerIdentity). */
export interface CallerIdentity {
  readonly account: string;
  /** `arn:aws:sts::…:assumed-role/Role/session` for a role, `arn:aws:iam::…:user/name` for a user. */
  readonly arn: string;
  readonly userId: string;
}

/**
 * Ask STS who the credentials belong to. GetCallerIdentity needs no permission, so it also
 * proves the credentials work; it fails with the SDK's reason when they are missing or expired.
 *
 * @example
 * const me = await whoami(sts);
 * console.log(`account ${me.account} as ${me.arn}`);
 */
export async function whoami(sts: STSClient): Promise<CallerIdentity> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  let out;
  try {
    out = await retryThrottled(() => sts.send(new GetCallerIdentityCommand({})));
  } catch (error) {
    throw new IrbookError(`STS GetCallerIdentity failed (are AWS credentials configured?): ${(error as Error).message}`, { cause: error });
  }
  if (!out.Account || !out.Arn || !out.UserId) throw new IrbookError('STS GetCallerIdentity returned no identity');
  return Object.freeze({ account: out.Account, arn: out.Arn, userId: out.UserId });
}
