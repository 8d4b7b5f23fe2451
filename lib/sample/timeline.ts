/**
 * Scripted events (the attack stories and rare fixtures) are written as timelines: a clock
 * that moves forward by seeded, human-looking pauses, and a list of records in time order.
 */

import type { Rng } from './prng';
import { buildRecord, type Actor, type Call, type CloudTrailRecord, type Failure } from './record';
import { denied } from './api';

/** A scripted record with its time and the account whose trail receives it. */
export interface ScriptedEvent {
  readonly t: number;
  readonly account: string;
  readonly record: CloudTrailRecord;
}

/**
 * A story's clock and its events. Calls are recorded at the current time and the clock only
 * moves forward (`pause`, `jump`), so events come out sorted.
 *
 * @example
 * const tl = new Timeline(rng, PRODUCTION, at(12, 9, 14));
 * tl.call(actor, getCallerIdentity('us-west-2'));
 * tl.pause(30, 90).call(actor, iam('ListUsers', true));
 */
export class Timeline {
  readonly events: ScriptedEvent[] = [];
  private now: number;

  constructor(
    private readonly rng: Rng,
    private readonly account: string,
    start: number,
  ) {
    this.now = start;
  }

  /** The current time, epoch milliseconds. */
  get time(): number {
    return this.now;
  }

  /** Jumps to a later instant (never back: the events stay sorted). */
  jump(ms: number): this {
    this.now = Math.max(this.now, ms);
    return this;
  }

  /** Waits between `min` and `max` seconds. */
  pause(min: number, max: number): this {
    this.now += this.rng.int(min, max) * 1000;
    return this;
  }

  /** Records a call made now, a failed one when `failure` is given. */
  call(actor: Actor, call: Call, failure?: Failure, account = this.account): this {
    this.events.push({ t: this.now, account, record: buildRecord(this.rng, this.now, actor, call, account, failure) });
    return this;
  }

  /** Records a call refused for lack of permission, worded as the service words it. */
  deny(actor: Actor, call: Call, resource?: string): this {
    const arn = actor.identity.arn ?? '';
    return this.call(actor, call, denied(this.rng, call, arn, resource));
  }

  /** Records a call that failed with a specific error. */
  fail(actor: Actor, call: Call, errorCode: string, errorMessage: string): this {
    return this.call(actor, call, { errorCode, errorMessage });
  }
}

/**
 * Merges sorted event lists into one sorted list (stable: equal times keep list order).
 *
 * @example
 * const all = mergeSorted([story1, story2, fixtures]);
 */
export function mergeSorted(lists: readonly (readonly ScriptedEvent[])[]): ScriptedEvent[] {
  const all = lists.flatMap((l, li) => l.map((e, i) => ({ e, li, i })));
  all.sort((a, b) => a.e.t - b.e.t || a.li - b.li || a.i - b.i);
  return all.map((x) => x.e);
}
