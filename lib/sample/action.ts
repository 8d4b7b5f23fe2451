/**
 * An action is one kind of API call a background principal makes, with how often it makes it
 * and how it can fail. Catalogs of actions are plain arrays; personas pick from them.
 */

import type { Rng } from './prng';
import type { Call, JsonObject } from './record';
import { api } from './api';
import type { Region } from './identities';

/** Where and when a background call happens. */
export interface Ctx {
  readonly rng: Rng;
  /** Event time, epoch milliseconds. */
  readonly t: number;
  /** Day of March 2024, 1–31. */
  readonly day: number;
  readonly region: Region;
  /** The account whose trail receives the record. */
  readonly account: string;
  /** The caller's session name: an instance id, a function name, an email. */
  readonly session: string;
}

/** A failure that is not about permissions (a bucket without a policy, a missing rule). */
export interface BenignError {
  readonly p: number;
  readonly code: string;
  readonly message: string;
}

/** One weighted kind of call. */
export interface Action {
  /** The service called (its `eventSource`), for readers of a catalog. */
  readonly service: string;
  readonly weight: number;
  /** The principal may lack the permission now and then (a benign AccessDenied). */
  readonly deniable: boolean;
  readonly error?: BenignError;
  /** Tells the persona which identity to call with (`signin`, `saml`, `assume`…). */
  readonly mode?: string;
  /** A user agent that replaces the persona's own (the SSM agent on an instance). */
  readonly agent?: string;
  readonly make: (c: Ctx) => Call;
}

/** Options of `act`. */
export interface ActOptions {
  readonly deniable?: boolean;
  readonly error?: BenignError;
  readonly mode?: string;
  readonly agent?: string;
}

/**
 * Declares an action. `source` names the service, for readers of the catalog.
 *
 * @example
 * act(5, 'ec2.amazonaws.com', (c) => api('ec2.amazonaws.com', 'DescribeVpcs', c.region, true));
 */
export function act(weight: number, source: string, make: (c: Ctx) => Call, options: ActOptions = {}): Action {
  return {
    service: source,
    weight,
    deniable: options.deniable ?? true,
    error: options.error,
    mode: options.mode,
    agent: options.agent,
    make,
  };
}

/**
 * Scales every action's weight, to mix catalogs in proportions.
 *
 * @example
 * const mix = [...scaled(EC2_READS, 3), ...scaled(IAM_READS, 1)];
 */
export function scaled(actions: readonly Action[], factor: number): Action[] {
  return actions.map((a) => ({ ...a, weight: a.weight * factor }));
}

/**
 * Declares an API call action in one line: `params` makes its request parameters (null when
 * the API takes none), `options.action` names the IAM action when the event name differs.
 *
 * @example
 * apiAction(3, 'rds.amazonaws.com', 'DescribeDBSnapshots', true, (c) => ({ dBInstanceIdentifier: c.rng.pick(DATABASES) }));
 */
export function apiAction(
  weight: number,
  source: string,
  eventName: string,
  readOnly: boolean,
  params: (c: Ctx) => JsonObject | null = () => null,
  options: ActOptions & { readonly action?: string } = {},
): Action {
  const extra = options.action ? { action: options.action } : {};
  return act(weight, source, (c) => api(source, eventName, c.region, readOnly, params(c), null, extra), options);
}
