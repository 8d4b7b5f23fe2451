/**
 * Deterministic sample CloudTrail logs that tell the two articles' attack stories inside a
 * month of ordinary traffic, written exactly as CloudTrail delivers them to S3, and the same
 * events with Security Hub findings as an Amazon Security Lake holds them.
 */

import { OptionError } from '../errors';
import { checkOptionNames, countOption } from '../options';
import type { GenerateSettings } from './generate';
import type { SampleManifest } from './manifest';
import { commitStaged, discardStaged, refusal, stagingFolder, targetState } from './staging';

/** The manifest's types. */
export type {
  SampleManifest,
  SampleCounts,
  PrincipalActivity,
  CredentialCompromiseStory,
  S3DataAccessStory,
  UserOrigin,
  CreatedRole,
  SecurityLakeSample,
  LakeFinding,
  MacieObjectFinding,
  ExpectedDetection,
} from './manifest';
export { LOG_LAYOUT, parseLogPath, type LogPathInfo } from './layout';
export { LAKE_LAYOUT, LAKE_HOME_REGION, parseLakePath } from './lake-layout';

/** Options of `generateSample`. */
export interface SampleOptions {
  /**
   * Folder to write into. The sample (`AWSLogs/`, `security-lake/` and `manifest.json`) appears there whole
   * when it is finished; other files in the folder are left alone.
   */
  out: string;
  /** Total records to write, stories included; an integer >= 1000. Default 100 000. */
  events?: number;
  /** Seed of every random choice; the same options give byte-identical files. Default 1. */
  seed?: number;
  /** Called after each file is written with records written so far and the total. */
  onProgress?: (written: number, total: number) => void;
  /**
   * Replace an irbook sample already in `out` (default false: refuse). A folder whose
   * `AWSLogs/`, `security-lake/` or `manifest.json` is not from an irbook sample is never
   * replaced.
   */
  replace?: boolean;
  /**
   * Also write the Security Lake: the same events as OCSF Parquet and Security Hub findings,
   * under `security-lake/` (default true). Without it the sample is written several times
   * faster and its manifest's `securityLake` is null.
   */
  lake?: boolean;
}

/** Defaults of `generateSample`'s options. */
export const SAMPLE_DEFAULTS: { readonly events: number; readonly seed: number } = Object.freeze({
  events: 100_000,
  seed: 1,
});

/** The fewest events a sample may have: the stories alone take a few hundred. */
const MIN_EVENTS = 1000;
const KNOWN = ['out', 'events', 'seed', 'onProgress', 'replace', 'lake'];

function validate(options: SampleOptions): GenerateSettings & { readonly replace: boolean } {
  if (typeof options !== 'object' || options === null) {
    throw new OptionError('options', options, 'generateSample needs an options object, e.g. { out: "./sample" }');
  }
  checkOptionNames(options, KNOWN, 'generateSample');
  const { out, seed = SAMPLE_DEFAULTS.seed, onProgress, replace = false, lake = true } = options;
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
  if (typeof replace !== 'boolean') throw new OptionError('replace', replace, 'replace must be true or false');
  if (typeof lake !== 'boolean') throw new OptionError('lake', lake, 'lake must be true or false');
  return { out, events, seed, onProgress, replace, lake };
}

/**
 * Writes a month (March 2024) of CloudTrail logs for two accounts and three regions under
 * `out`, in CloudTrail's S3 layout, the same events and Security Hub findings as an Amazon
 * Security Lake (OCSF 1.1 Parquet under `out/security-lake/`), and `out/manifest.json` holding
 * the ground truth of the two attack stories and of the lake. Prints nothing; progress goes
 * to `onProgress`.
 *
 * The files are written to a temporary folder next to `out` and renamed into place when all
 * are written, so `out` never holds a partial sample or a mix of two runs. The generator's
 * code is loaded here, not when irbook is imported.
 *
 * @throws OptionError when an option is missing, of the wrong type or out of range, when
 * `out` holds an irbook sample and `replace` is not set, when `out` holds `AWSLogs/` or
 * `manifest.json` not from an irbook sample, or when another run filled `out` meanwhile.
 * @example
 * const manifest = await generateSample({ out: './sample', events: 100_000 });
 * manifest.stories.credentialCompromise.userName; // 'ci-deployer'
 */
export async function generateSample(options: SampleOptions): Promise<SampleManifest> {
  const { replace, ...settings } = validate(options);
  const refused = refusal(settings.out, await targetState(settings.out), replace);
  if (refused) throw refused;
  const { generate } = await import('./generate.js');
  const staged = await stagingFolder(settings.out);
  let manifest: SampleManifest;
  try {
    manifest = await generate({ ...settings, out: staged });
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
  await commitStaged(staged, settings.out, replace);
  return manifest;
}
