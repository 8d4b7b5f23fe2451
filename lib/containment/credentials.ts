/**
 * Who is calling, or why nobody is: a missing or expired credential becomes one short
 * {@link CredentialsError} that says what the SDK tried and the usual fixes, for a notebook cell.
 */

import type { STSClient } from '@aws-sdk/client-sts';
import { whoami, type CallerIdentity } from '../engines/athena/whoami';
import { CredentialsError } from './errors';

// What the SDK (or STS) says when there are no credentials, or they are expired or not valid.
const CREDENTIAL_FAILURES = [
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
];

/**
 * STS GetCallerIdentity, with credential failures explained.
 *
 * @throws CredentialsError when there are no working credentials; other failures as they are
 * @example
 * const caller = await identify(clients.sts, 'us-east-1');
 */
export async function identify(sts: STSClient, region: string): Promise<CallerIdentity> {
  try {
    return await whoami(sts);
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    const name = (cause as { name?: string }).name ?? '';
    const message = (cause as { message?: string }).message ?? String(cause);
    if (CREDENTIAL_FAILURES.includes(name) || /credential|token/i.test(message)) {
      throw new CredentialsError(region, triedSources(), firstSentence(message), { cause });
    }
    throw error;
  }
}

/** The sources of the SDK's default chain, as they are set up here. */
function triedSources(): string {
  const env = process.env;
  const profile = env.AWS_PROFILE ? `profile '${env.AWS_PROFILE}'` : "profile 'default' (AWS_PROFILE is not set)";
  const keys = env.AWS_ACCESS_KEY_ID ? 'AWS_ACCESS_KEY_ID (set)' : 'AWS_ACCESS_KEY_ID (not set)';
  return `the SDK's default chain: ${keys}, ${profile} in ~/.aws (keys, SSO, credential_process), web identity, container and instance roles`;
}

function firstSentence(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
