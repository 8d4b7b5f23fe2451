/**
 * Benign background traffic, produced one 5-minute window at a time. A first pass over the
 * month weighs every window (personas' rhythms, per-window noise); the second hands out exactly
 * the requested number of events by systematic sampling over those weights, so the total is
 * exact, the shape follows the office-hours rhythm, and nothing but one window is ever held.
 */

import { Rng, hashFloat } from './prng';
import { PERIOD_START_MS, WINDOW_COUNT, WINDOW_MS } from './clock';
import { REGIONS, type Region } from './identities';
import { denied } from './api';
import { buildRecord, type CloudTrailRecord, type Failure } from './record';
import { activity, type Persona } from './persona';
import type { Action } from './action';

/** Expected authorization failures per persona over the month, however large the sample. */
const DENIALS_EXPECTED = 10;
/** Hard ceiling per persona, far below any attacker in the stories. */
const DENIALS_MAX = 25;

/** Receives each background record with the account whose trail gets it. */
export type Emit = (t: number, account: string, record: CloudTrailRecord) => void;

interface Prepared {
  readonly persona: Persona;
  readonly regions: readonly Region[];
  readonly regionWeights: readonly number[];
  readonly actions: readonly Action[];
  readonly actionWeights: readonly number[];
  readonly actionTotal: number;
  denyP: number;
  denials: number;
}

/**
 * The month's background traffic for a fixed number of events.
 *
 * @example
 * const bg = new Background(PERSONAS, 1, 99_000);
 * for (let w = 0; w < WINDOW_COUNT; w++) bg.window(w, (t, account, record) => cells.add(account, record));
 */
export class Background {
  private readonly prepared: Prepared[];
  private readonly windowWeight = new Float64Array(WINDOW_COUNT);
  private readonly rng: Rng;
  private readonly step: number;
  private readonly offset: number;
  private readonly contrib: Float64Array;
  private cumulative = 0;
  private assigned = 0;
  private nextWindow = 0;

  constructor(
    personas: readonly Persona[],
    private readonly seed: number,
    private readonly total: number,
  ) {
    this.rng = new Rng(seed, 'background');
    this.prepared = personas.map((persona) => {
      const regions = REGIONS.filter((r) => (persona.regions[r] ?? 0) > 0);
      const actionWeights = persona.actions.map((a) => a.weight);
      return {
        persona,
        regions,
        regionWeights: regions.map((r) => persona.regions[r] ?? 0),
        actions: persona.actions,
        actionWeights,
        actionTotal: actionWeights.reduce((s, w) => s + w, 0),
        denyP: 0,
        denials: 0,
      };
    });
    this.contrib = new Float64Array(this.prepared.length);
    const perPersona = new Float64Array(this.prepared.length);
    let sum = 0;
    for (let w = 0; w < WINDOW_COUNT; w++) {
      const noise = this.noise(w);
      const ww = this.weigh(w) * noise;
      for (let i = 0; i < perPersona.length; i++) perPersona[i] += this.contrib[i] * noise;
      this.windowWeight[w] = ww;
      sum += ww;
    }
    this.step = sum / Math.max(total, 1);
    this.offset = this.rng.float();
    this.prepared.forEach((p, i) => {
      const expected = (total * perPersona[i]) / sum;
      p.denyP = Math.min(p.persona.denyRate, DENIALS_EXPECTED / Math.max(expected, 1));
    });
  }

  /**
   * Generates window `w`'s events (windows must come in order 0, 1, 2…) and returns how many.
   */
  window(w: number, emit: Emit): number {
    if (w !== this.nextWindow)
      throw new Error(`background windows must come in order: expected ${this.nextWindow}, got ${w}`);
    this.nextWindow += 1;
    const before = this.cumulative;
    this.cumulative += this.windowWeight[w];
    let n: number;
    if (w === WINDOW_COUNT - 1) n = this.total - this.assigned;
    else n = Math.ceil(this.cumulative / this.step - this.offset) - Math.ceil(before / this.step - this.offset);
    n = Math.max(0, Math.min(n, this.total - this.assigned));
    this.assigned += n;
    if (n === 0) return 0;
    const personaTotal = this.weigh(w);
    const start = PERIOD_START_MS + w * WINDOW_MS;
    for (let k = 0; k < n; k++) this.event(start, personaTotal, emit);
    return n;
  }

  private noise(w: number): number {
    return 0.65 + 0.7 * hashFloat(this.seed, 'window', w);
  }

  /** Fills `contrib` with each persona's weight in window `w` and returns their sum. */
  private weigh(w: number): number {
    const mid = PERIOD_START_MS + w * WINDOW_MS + WINDOW_MS / 2;
    let sum = 0;
    for (let i = 0; i < this.prepared.length; i++) {
      const p = this.prepared[i].persona;
      const c = p.weight * activity(p, mid, this.seed);
      this.contrib[i] = c;
      sum += c;
    }
    return sum;
  }

  private event(start: number, personaTotal: number, emit: Emit): void {
    const rng = this.rng;
    const p = this.prepared[rng.weightedIndex(this.contrib, personaTotal)];
    const region = p.regions[rng.weightedIndex(p.regionWeights)];
    const action = p.actions[rng.weightedIndex(p.actionWeights, p.actionTotal)];
    const t = start + rng.below(WINDOW_MS / 1000) * 1000;
    const { actor: base, session } = p.persona.caller({ rng, t, region, mode: action.mode });
    const actor = action.agent ? { ...base, userAgent: action.agent } : base;
    const day = new Date(t).getUTCDate();
    const call = action.make({ rng, t, day, region, account: p.persona.account, session });
    let failure: Failure | undefined;
    if (action.error && rng.chance(action.error.p)) {
      failure = { errorCode: action.error.code, errorMessage: action.error.message };
    } else if (action.deniable && p.denials < DENIALS_MAX && rng.chance(p.denyP)) {
      failure = denied(rng, call, actor.identity.arn ?? '');
      p.denials += 1;
    }
    emit(t, p.persona.account, buildRecord(rng, t, actor, call, p.persona.account, failure));
  }
}
