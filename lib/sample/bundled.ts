/** The sample logs the playbooks read by default: `<irbook>/sample`, written on first use. */

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OptionError } from '../errors';
import { generateSample } from './index';
import type { SampleManifest } from './manifest';
import { targetState } from './staging';
import { GENERATOR } from './version';

/**
 * The folder of the bundled sample: `$IRBOOK_SAMPLE_DIR` when set (a read-only install, a
 * test's smaller sample), else `sample/` at the root of the irbook installation, so the same
 * logs are found from a notebook, the CLI and `npm start`, whatever the working folder.
 *
 * @example
 * bundledSampleDir(); // '/home/me/irbook/sample'
 */
export function bundledSampleDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.IRBOOK_SAMPLE_DIR ? resolve(env.IRBOOK_SAMPLE_DIR) : join(__dirname, '..', '..', 'sample');
}

async function currentSample(dir: string): Promise<SampleManifest | undefined> {
  const state = await targetState(dir);
  if (state.kind !== 'sample' || state.version !== GENERATOR.version) return undefined;
  return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as SampleManifest;
}

/**
 * The sample's manifest, writing the sample first when it is not there (100,000 events with
 * the default seed and its Security Lake: 20 to 30 s and 60 MB). A sample written by another
 * generator version is replaced whole, with the same size and seed, so a notebook never reads
 * logs whose stories no longer match the code that describes them. The sample appears in `dir` only once it is
 * complete: a kernel killed while writing it leaves nothing there that a later call refuses,
 * and two kernels writing it at once both end up with the one that finished first.
 *
 * @throws OptionError when `dir` holds `AWSLogs/` or `manifest.json` that are not from an
 * irbook sample (real logs are never replaced).
 * @example
 * const manifest = await ensureSample();
 * manifest.stories.credentialCompromise.principalArn;
 */
export async function ensureSample(
  options: { dir?: string; onProgress?: (written: number, total: number) => void } = {},
): Promise<SampleManifest> {
  const dir = options.dir ?? bundledSampleDir();
  const current = await currentSample(dir);
  if (current) return current;
  const state = await targetState(dir);
  const older = state.kind === 'sample' ? { events: state.events, seed: state.seed, replace: true } : {};
  try {
    return await generateSample({ out: dir, onProgress: options.onProgress, ...older });
  } catch (error) {
    // Another process (a second kernel, `irbook start`) may have put the sample in place first.
    const meanwhile = error instanceof OptionError ? await currentSample(dir) : undefined;
    if (meanwhile) return meanwhile;
    throw error;
  }
}
