/**
 * The triage that opens each playbook: Sigma rules (the analyst's, else irbook's own pack) run
 * over the playbook's window on the playbook's table, before any of its queries. Each playbook
 * wraps {@link readTriageOptions} with its target and tables (`credentialCompromise.triage`,
 * `unintendedS3Access.triage`), so a notebook cell names only the rules and the window.
 */

import type { Engine } from '../engines/engine';
import { OptionError } from '../errors';
import { checkOptionNames } from '../options';
import { toTimeWindow, type TimeWindow, type TimeWindowInput } from './time-window';

/** Options every playbook's triage takes. */
export interface TriageOptions {
  /**
   * Sigma rule folders or `.yml` files, e.g. a copy of SigmaHQ's `rules/cloud/aws/cloudtrail`.
   * Empty (`''`, `[]`) or absent: irbook's own pack (`rules/`).
   */
  readonly rules?: string | readonly string[];
  /** The window the rules run over: the playbook's, e.g. `timeWindow('2024-03-01', '2024-04-01')`. */
  readonly window: TimeWindowInput;
  /** Where to run. Default: the engine the setup cell configured. */
  readonly engine?: Engine;
}

/** The checked options: the rule paths (undefined: the own pack), the window, the engine. */
export interface CheckedTriageOptions {
  readonly rules: readonly string[] | undefined;
  readonly window: TimeWindow;
  readonly engine: Engine | undefined;
}

/**
 * Checks a triage's options: names, rule paths and window (`extra` names the playbook's own).
 *
 * @throws OptionError naming `rules`, `window` or an unknown option
 * @example
 * readTriageOptions('credentialCompromise.triage', { rules: '', window }, []);
 * // { rules: undefined, window: { start: …, end: … }, engine: undefined }
 */
export function readTriageOptions(where: string, options: unknown, extra: readonly string[]): CheckedTriageOptions {
  if (options === null || typeof options !== 'object') {
    throw new OptionError('options', options, `${where}: pass an options object, e.g. { rules: '', window: timeWindow('2024-03-01', '2024-04-01') }`);
  }
  checkOptionNames(options, ['rules', 'window', 'engine', ...extra], where);
  const given = options as Partial<TriageOptions>;
  if (given.window === undefined) {
    throw new OptionError('window', undefined, `${where}: option "window" is required, e.g. window: timeWindow('2024-03-01', '2024-04-01')`);
  }
  return { rules: rulePaths(where, given.rules), window: toTimeWindow(given.window), engine: given.engine };
}

function rulePaths(where: string, value: unknown): readonly string[] | undefined {
  const list = typeof value === 'string' ? [value] : value ?? [];
  if (!Array.isArray(list) || !list.every((p): p is string => typeof p === 'string')) {
    throw new OptionError('rules', value, `${where}: option "rules" must be a folder or .yml file of Sigma rules, or a list of them; got ${JSON.stringify(value)}`);
  }
  const paths = list.map((p) => p.trim());
  // One empty string is the notebook's "nothing configured"; an empty entry among others is a mistake.
  if (paths.length === 1 && paths[0] === '') return undefined;
  if (paths.includes('')) {
    throw new OptionError('rules', value, `${where}: option "rules" has an empty entry: ${JSON.stringify(value)}; leave rules empty for irbook's own pack`);
  }
  return paths.length === 0 ? undefined : paths;
}
