/**
 * `detect()`: Sigma rules over the window, on the configured engine, as one query.
 */

import type { Engine, QueryOptions } from '../engines/engine';
import { OptionError } from '../errors';
import { checkOptionNames, countOption } from '../options';
import { lakeRegion } from '../playbooks/unintended-s3-access/tables';
import { timeWindow, toTimeWindow, type TimeInput, type TimeWindow, type TimeWindowInput } from '../playbooks/time-window';
import { configuredEngine } from '../query-results';
import type { Detections } from './detections';
import { compileRules, fieldExpression, loadRules, ownPackDir } from './index';
import { DEFAULT_HITS_PER_RULE } from './query';
import { runDetections } from './run';
import type { DetectionTarget } from './types';

/** Options of {@link detect}. */
export interface DetectOptions {
  /** Rule files or folders (searched for `.yml`/`.yaml`). Default: the project's own pack (`rules/`). */
  readonly rules?: string | readonly string[];
  /** Default: the engine the setup cell configured. */
  readonly engine?: Engine;
  /** The window, `end` exclusive. Give this, or `since` (and `until`). */
  readonly window?: TimeWindowInput;
  /** The window's start, when `window` is not given. */
  readonly since?: TimeInput;
  /** The window's end (exclusive) with `since`. Default: now. */
  readonly until?: TimeInput;
  /** `cloudtrail` (default): the CloudTrail table; `ocsf`: Security Lake's CloudTrail tables. */
  readonly target?: DetectionTarget;
  /** `ocsf`: the lake's region in the table names (default `us-west-2`). */
  readonly region?: string;
  readonly signal?: AbortSignal;
  /** Called as the query's state changes (the local engine's ingest, Athena's data scanned). */
  readonly onProgress?: QueryOptions['onProgress'];
  /** How many of each rule's own hits `.hits` lists (default 1,000); the counts are always all of them. */
  readonly hitsPerRule?: number;
}

const OPTION_NAMES = ['rules', 'engine', 'window', 'since', 'until', 'target', 'region', 'signal', 'onProgress', 'hitsPerRule'] as const;
const TARGETS: readonly DetectionTarget[] = ['cloudtrail', 'ocsf'];

/**
 * Runs Sigma detection and correlation rules over the window, all in one query (one scan on
 * Athena), and returns what fired: one row per rule, most severe first, with the hit events
 * (`.hits`), correlation hits (`.correlations`), a view by principal (`.byPrincipal()`), a
 * chart of hits over time (`.chart()`), and the rules that could not be compiled
 * (`.problems`, shown under the table with the rules' attribution and, on Athena, the cost).
 *
 * @throws OptionError naming the option: unknown names, a bad window, target or region, a
 *   rules path that does not exist
 * @example
 * const found = await detect({ window: { start: '2024-03-19', end: '2024-03-20' } });
 * found.display();
 * const suspect = await suspectFrom(found.byPrincipal());
 * const mine = await detect({ rules: ['../my-rules', '../sigma/rules/cloud/aws'], since: '2024-03-19', target: 'ocsf' });
 */
export async function detect(options: DetectOptions = {}): Promise<Detections> {
  checkOptionNames(options, OPTION_NAMES, 'detect');
  const window = windowOf(options);
  const target = targetOf(options.target);
  const region = options.region === undefined ? undefined : lakeRegion(options.region, 'detect');
  if (options.region !== undefined && target !== 'ocsf') {
    throw new OptionError('region', options.region, 'detect: option "region" names the Security Lake tables; it needs target: \'ocsf\'');
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new OptionError('signal', options.signal, 'detect: option "signal" must be an AbortSignal');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new OptionError('onProgress', options.onProgress, 'detect: option "onProgress" must be a function');
  }
  const hitsPerRule = countOption('detect', 'hitsPerRule', options.hitsPerRule, DEFAULT_HITS_PER_RULE, { min: 0 });
  const paths = rulePaths(options.rules);
  const engine = options.engine ?? configuredEngine();
  let ruleSet;
  try {
    ruleSet = await loadRules(paths);
  } catch (error) {
    if (error instanceof OptionError && error.option === 'paths') throw new OptionError('rules', error.value, `detect: ${error.message}`);
    throw error;
  }
  const compiled = compileRules(ruleSet, target);
  return runDetections(engine, compiled, {
    window,
    ...(region !== undefined ? { region } : {}),
    fieldSql: (field) => fieldExpression(target, field),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    hitsPerRule,
  });
}

function windowOf(options: DetectOptions): TimeWindow {
  const { window, since, until } = options;
  if (window !== undefined) {
    if (since !== undefined || until !== undefined) {
      throw new OptionError(since !== undefined ? 'since' : 'until', since ?? until, 'detect: give either window or since/until, not both');
    }
    return toTimeWindow(window);
  }
  if (since === undefined) {
    if (until !== undefined) throw new OptionError('since', undefined, 'detect: option "until" needs "since" (the window\'s start)');
    throw new OptionError('window', undefined, "detect: give the window to run the rules over: window: { start: '2024-03-19', end: '2024-03-20' }, or since: '2024-03-19'");
  }
  try {
    return timeWindow(since, until ?? new Date());
  } catch (error) {
    if (error instanceof OptionError) {
      const option = error.option === 'start' ? 'since' : 'until';
      throw new OptionError(option, error.value, `detect: ${error.message.replace(/^start\b/, 'since').replace(/^end\b/, 'until')}`);
    }
    throw error;
  }
}

function targetOf(value: unknown): DetectionTarget {
  if (value === undefined) return 'cloudtrail';
  if (typeof value !== 'string' || !TARGETS.includes(value as DetectionTarget)) {
    throw new OptionError('target', value, `detect: option "target" must be 'cloudtrail' or 'ocsf'; got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value as DetectionTarget;
}

function rulePaths(value: unknown): string[] {
  if (value === undefined) return [ownPackDir()];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string' && p.trim() !== '')) {
    throw new OptionError('rules', value, 'detect: option "rules" must be a rule file or folder, or a non-empty list of them');
  }
  return list as string[];
}
