/** The sample logs the playbooks read by default: `<irbook>/sample`, written on first use. */

import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GENERATOR } from './generate';
import { generateSample } from './index';
import type { SampleManifest } from './manifest';

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

/**
 * The sample's manifest, writing the sample first when it is not there (100,000 events with
 * the default seed: about 15 s and 40 MB). A sample written by another generator version is
 * written again, with the same size and seed, so a notebook never reads logs whose stories no
 * longer match the code that describes them.
 *
 * @example
 * const manifest = await ensureSample();
 * manifest.stories.credentialCompromise.principalArn;
 */
export async function ensureSample(
  options: { dir?: string; onProgress?: (written: number, total: number) => void } = {},
): Promise<SampleManifest> {
  const dir = options.dir ?? bundledSampleDir();
  const manifestFile = join(dir, 'manifest.json');
  let found: SampleManifest | undefined;
  try {
    found = JSON.parse(await readFile(manifestFile, 'utf8')) as SampleManifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (found?.generator?.name === GENERATOR.name && found.generator.version === GENERATOR.version) return found;
  if (found) {
    // Only what the generator writes is removed: the folder may be one the user pointed us at.
    await rm(join(dir, 'AWSLogs'), { recursive: true, force: true });
    await rm(manifestFile, { force: true });
  }
  return generateSample({ out: dir, onProgress: options.onProgress, ...(found ? { events: found.events, seed: found.seed } : {}) });
}
