/** Waiting between polls and retries: short at first, growing to a cap, optionally jittered. */

/** A polling schedule: the first wait, the growth factor and the longest wait. */
export interface PollSchedule {
  readonly firstMs: number;
  readonly factor: number;
  readonly maxMs: number;
}

/**
 * The default: the first poll 100 ms in sees a quick query done; after that the waits grow
 * (150, 225 … ms) to 2 s, so a long query is polled every 2 s, not every 100 ms.
 */
export const DEFAULT_POLL_SCHEDULE: PollSchedule = Object.freeze({ firstMs: 100, factor: 1.5, maxMs: 2000 });

/**
 * The waits of a schedule, in order, forever.
 *
 * @example
 * [...take(delays(DEFAULT_POLL_SCHEDULE), 4)]; // [100, 150, 225, 337.5]
 */
export function* delays(schedule: PollSchedule): Generator<number, never> {
  let wait = schedule.firstMs;
  for (;;) {
    yield Math.min(wait, schedule.maxMs);
    wait *= schedule.factor;
  }
}

/**
 * "Full jitter" backoff for retries after throttling: a random wait up to base × 2^attempt,
 * capped, so many notebooks throttled together do not retry in step.
 *
 * @example
 * jitteredDelay(2, { baseMs: 200, capMs: 5000 }); // somewhere in [0, 800)
 */
export function jitteredDelay(attempt: number, options: { baseMs: number; capMs: number; random?: () => number }): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return (options.random ?? Math.random)() * ceiling;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
