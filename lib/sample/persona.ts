/**
 * A persona is one source of background traffic: a person, a pipeline, an application or an
 * AWS service. It says how much it calls, when (its rhythm), in which regions, as whom, and
 * what it calls. The background mixes personas window by window.
 */

import type { Rng } from './prng';
import { hashFloat } from './prng';
import { localTime, type Zone } from './clock';
import type { Action } from './action';
import type { Actor } from './record';
import type { Region } from './identities';

/** When a persona is busy. */
export type Rhythm =
  /** A person: weekdays 08–18 in their zone, a little before and after, almost nothing at night. */
  | 'office'
  /** A CI/CD pipeline: deploys in working hours, never at night. */
  | 'ci'
  /** An application or service: always on, busier when customers are. */
  | 'steady'
  /** Nightly jobs between 05:00 and 06:00 UTC. */
  | 'nightly';

/** What a persona's `actor` function is told about the call it is about to make. */
export interface ActorCtx {
  readonly rng: Rng;
  readonly t: number;
  readonly region: Region;
  /** The action's `mode`: a sign-in or a role assumption needs a different identity. */
  readonly mode: string | undefined;
}

/** The caller chosen for one call, and its session name (instance id, email, function). */
export interface Caller {
  readonly actor: Actor;
  readonly session: string;
}

/** A source of background traffic. */
export interface Persona {
  /** Stable name, used to key hashed choices (presence, IPs). */
  readonly key: string;
  readonly account: string;
  /** Share of the persona's calls in each region (the client's configured region). */
  readonly regions: Readonly<Partial<Record<Region, number>>>;
  readonly rhythm: Rhythm;
  readonly zone: Zone;
  /** Relative volume against other personas at full rhythm. */
  readonly weight: number;
  /** Chance that a deniable call is refused (before the background's per-persona cap). */
  readonly denyRate: number;
  readonly actions: readonly Action[];
  readonly caller: (c: ActorCtx) => Caller;
}

/**
 * How busy a persona is at an instant, 0–1 (before its weight). People are absent some hours
 * and take days off, decided by hashing so both passes over the month agree.
 *
 * @example
 * activity(persona, Date.UTC(2024, 2, 19, 15), 1); // ~1 on a Tuesday afternoon in New York
 */
export function activity(p: Persona, ms: number, seed: number): number {
  if (p.rhythm === 'nightly') {
    const h = new Date(ms).getUTCHours();
    return h === 5 ? 1 : 0;
  }
  const { hour, weekday, day } = localTime(p.zone, ms);
  const workday = weekday >= 1 && weekday <= 5;
  if (p.rhythm === 'steady') {
    const busy = workday && hour >= 8 && hour < 19;
    return busy ? 1 : 0.25;
  }
  if (p.rhythm === 'ci') {
    if (!workday || hour < 9 || hour >= 19) return 0;
    return hashFloat(seed, p.key, day, hour) < 0.55 ? 1 : 0.1;
  }
  let base: number;
  if (workday) {
    if (hour >= 8 && hour < 18) base = 1;
    else if (hour === 7 || hour === 18 || hour === 19) base = 0.3;
    else if (hour >= 20 || hour === 6) base = 0.06;
    else base = 0.012;
  } else {
    base = hour >= 10 && hour < 17 ? 0.06 : 0.008;
  }
  if (hashFloat(seed, p.key, 'off', day) < 0.07) base *= 0.05;
  return hashFloat(seed, p.key, day, hour) < 0.75 ? base : base * 0.15;
}

/** A machine persona's settings; zone defaults to New York, denyRate to 0. */
export type MachineSpec = Omit<Persona, 'zone' | 'denyRate'> & Partial<Pick<Persona, 'zone' | 'denyRate'>>;

/**
 * A persona for a pipeline, an application or an AWS service.
 *
 * @example
 * machine({ key: 'cloudtrail', account: SECURITY, regions: { 'us-east-1': 1 }, rhythm: 'steady', weight: 0.5, actions, caller });
 */
export function machine(spec: MachineSpec): Persona {
  return { zone: 'America/New_York', denyRate: 0, ...spec };
}
