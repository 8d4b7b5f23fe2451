/**
 * Deterministic sample CloudTrail logs that tell the two articles' attack stories inside a
 * month of ordinary traffic, written exactly as CloudTrail delivers them to S3.
 */

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError } from '../errors';
import { checkOptionNames, countOption } from '../options';
import { generate, type GenerateSettings } from './generate';
import type { SampleManifest } from './manifest';

/** The manifest's types. */
export type {
  SampleManifest,
  SampleCounts,
  PrincipalActivity,
  CredentialCompromiseStory,
  S3DataAccessStory,
  UserOrigin,
  CreatedRole,
} from './manifest';
export { LOG_LAYOUT, parseLogPath, type LogPathInfo } from './layout';

/** Options of `generateSample`. */
export interface SampleOptions {
  /** Folder to write into; it must not already hold a sample (`AWSLogs/` or `manifest.json`). */
  out: string;
  /** Total records to write, stories included; an integer >= 1000. Default 100 000. */
  events?: number;
  /** Seed of every random choice; the same options give byte-identical files. Default 1. */
  seed?: number;
  /** Called after each file is written with records written so far and the total. */
  onProgress?: (written: number, total: number) => void;
}

/** Defaults of `generateSample`'s options. */
export const SAMPLE_DEFAULTS: { readonly events: number; readonly seed: number } = Object.freeze({
  events: 100_000,
  seed: 1,
});

/** The fewest events a sample may have: the stories alone take a few hundred. */
const MIN_EVENTS = 1000;
const KNOWN = ['out', 'events', 'seed', 'onProgress'];

function validate(options: SampleOptions): GenerateSettings {
  if (typeof options !== 'object' || options === null) {
    throw new OptionError('options', options, 'generateSample needs an options object, e.g. { out: "./sample" }');
  }
  checkOptionNames(options, KNOWN, 'generateSample');
  const { out, seed = SAMPLE_DEFAULTS.seed, onProgress } = options;
  if (typeof out !== 'string' || out.trim() === '') {
    throw new OptionError('out', out, 'out must be the folder to write the sample into, e.g. "./sample"');
  }
  const events = countOption('generateSample', 'events', options.events, SAMPLE_DEFAULTS.events, { min: MIN_EVENTS });
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new OptionError('seed', seed, `seed must be an integer; got ${String(seed)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new OptionError('onProgress', onProgress, 'onProgress must be a function (written, total) => void');
  }
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new OptionError('out', out, `out must be a folder, but ${out} is a file`);
    const taken = readdirSync(out).filter((name) => name === 'AWSLogs' || name === 'manifest.json');
    if (taken.length > 0) {
      throw new OptionError(
        'out',
        out,
        `${join(out, taken[0])} already exists; choose an empty folder or remove the old sample first`,
      );
    }
  }
  return { out, events, seed, onProgress };
}

/**
 * Writes a month (March 2024) of CloudTrail logs for two accounts and three regions under
 * `out`, in CloudTrail's S3 layout, with `out/manifest.json` holding the ground truth of the
 * two attack stories. Prints nothing; progress goes to `onProgress`.
 *
 * @throws OptionError when an option is missing, of the wrong type or out of range.
 * @example
 * const manifest = await generateSample({ out: './sample', events: 100_000 });
 * manifest.stories.credentialCompromise.userName; // 'ci-deployer'
 */
export async function generateSample(options: SampleOptions): Promise<SampleManifest> {
  return generate(validate(options));
}
