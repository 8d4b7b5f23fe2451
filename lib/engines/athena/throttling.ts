/** Retrying AWS calls that were throttled, hit a server error or lost the connection, with jittered backoff. */

import { jitteredDelay, sleep } from './backoff';

/** The error names AWS services use for "slow down". */
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
]);

/** Whether an error from an AWS SDK call is throttling, and so worth retrying. */
export function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (name !== undefined && THROTTLING_NAMES.has(name)) || $metadata?.httpStatusCode === 429;
}

/**
 * Connection failures worth another try, as the SDK's own retry strategy classifies them
 * (@smithy's NODEJS_TIMEOUT_ERROR_CODES and TRANSIENT_ERROR_CODES). ENOTFOUND is left out:
 * a host that does not resolve is a wrong region or endpoint far more often than a blip.
 */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/**
 * Whether an error is the network failing rather than AWS answering: a reset or refused
 * connection ("socket hang up" is Node's ECONNRESET), a timeout, an unreachable host.
 */
export function isTransientNetworkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === 'AbortError') return false;
  return (code !== undefined && TRANSIENT_CODES.has(code)) || (name !== undefined && TRANSIENT_NAMES.has(name)) ||
    message === 'socket hang up';
}

/**
 * Whether a failed call may simply be tried again: throttling, a server-side error (5xx,
 * `InternalServerException`) or a transient network error. StartQueryExecution is safe to
 * repeat because the engine sends the same ClientRequestToken each time, so Athena starts
 * the query once even when the first reply was lost.
 */
export function isRetryable(error: unknown): boolean {
  if (isThrottling(error) || isTransientNetworkError(error)) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'InternalServerException' || ($metadata?.httpStatusCode ?? 0) >= 500;
}

/** How many times, and how far apart, a retryable call is tried. */
export interface RetryPolicy {
  /** Tries in all, the first included. Default 8. */
  readonly attempts: number;
  /** Backoff base and cap in ms. Defaults 200 and 10,000. */
  readonly baseMs: number;
  readonly capMs: number;
}

/** The default: 8 tries, each wait random up to 200 ms × 2^n and at most 10 s (32.4 s in all at worst). */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 8, baseMs: 200, capMs: 10_000 });

/** How retryable calls are retried. */
export interface RetryOptions extends Partial<RetryPolicy> {
  readonly signal?: AbortSignal;
  /** Told about each retry (tests, progress). */
  readonly onRetry?: (attempt: number, waitMs: number, error: unknown) => void;
  readonly random?: () => number;
}

/**
 * Call `send`, retrying while it fails with throttling, a server or a network error ({@link isRetryable}),
 * up to `attempts` tries with full-jitter backoff; any other error, or the last retryable
 * one, is thrown as it is.
 *
 * @example
 * const out = await retryThrottled(() => athena.send(new StartQueryExecutionCommand(input)));
 */
export async function retryThrottled<T>(send: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_RETRY.attempts;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isRetryable(error) || attempt >= attempts) throw error;
      const wait = jitteredDelay(attempt, { baseMs: options.baseMs ?? DEFAULT_RETRY.baseMs, capMs: options.capMs ?? DEFAULT_RETRY.capMs, random: options.random });
      options.onRetry?.(attempt, wait, error);
      await sleep(wait, options.signal);
    }
  }
}
