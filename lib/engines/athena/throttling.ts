/** Retrying AWS calls that were throttled (or hit a server error), with jittered backoff. */

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
 * Whether a failed call may simply be tried again: throttling, or a server-side error (5xx,
 * `InternalServerException`). StartQueryExecution is safe to repeat because the engine sends
 * the same ClientRequestToken each time, so Athena starts the query once.
 */
export function isRetryable(error: unknown): boolean {
  if (isThrottling(error)) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'InternalServerException' || ($metadata?.httpStatusCode ?? 0) >= 500;
}

/** How throttled calls are retried. */
export interface RetryOptions {
  /** Tries in all, the first included. Default 8. */
  readonly attempts?: number;
  /** Backoff base and cap in ms. Defaults 200 and 10,000. */
  readonly baseMs?: number;
  readonly capMs?: number;
  readonly signal?: AbortSignal;
  /** Told about each retry (tests, progress). */
  readonly onRetry?: (attempt: number, waitMs: number, error: unknown) => void;
  readonly random?: () => number;
}

/**
 * Call `send`, retrying while it fails with throttling or a server error ({@link isRetryable}),
 * up to `attempts` tries with full-jitter backoff; any other error, or the last retryable
 * one, is thrown as it is.
 *
 * @example
 * const out = await retryThrottled(() => athena.send(new StartQueryExecutionCommand(input)));
 */
export async function retryThrottled<T>(send: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isRetryable(error) || attempt >= attempts) throw error;
      const wait = jitteredDelay(attempt, { baseMs: options.baseMs ?? 200, capMs: options.capMs ?? 10_000, random: options.random });
      options.onRetry?.(attempt, wait, error);
      await sleep(wait, options.signal);
    }
  }
}
