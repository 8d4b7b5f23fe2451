/**
 * Puts a sample into its folder whole or not at all. The generator writes into a temporary
 * folder next to the target; only when every file and the manifest are written are they
 * renamed into place, the logs first and the manifest last. A reader therefore sees no sample
 * or a whole one, never a mix of two runs or the first files of a run that was killed.
 *
 * A sample is what the generator writes: `AWSLogs/`, `security-lake/` and `manifest.json`.
 * Other files in the target folder are left alone; an `AWSLogs/` or `security-lake/` that an
 * irbook manifest does not describe (real logs, a synced lake) is never replaced.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { OptionError } from '../errors';
import { GENERATOR } from './version';
import { LAKE_FOLDER } from './lake-layout';

/** What a target folder holds now. */
export type TargetState =
  | { readonly kind: 'absent' | 'free' | 'file' }
  | { readonly kind: 'sample'; readonly version: string; readonly events: number; readonly seed: number }
  | { readonly kind: 'foreign'; readonly entry: string };

const LOGS = 'AWSLogs';
/** The lake came with generator version 1.2.0, and a sample may be written without it. */
const LAKE = LAKE_FOLDER;
/** What a sample is made of, in the order they are moved into place: the manifest last. */
const SAMPLE_ENTRIES = [LOGS, LAKE, 'manifest.json'] as const;

/**
 * Looks at a target folder: absent, free (none of the sample's entries), an irbook sample
 * (its manifest names this generator and describes every folder there), something else
 * (`foreign`), or a file.
 */
export async function targetState(out: string): Promise<TargetState> {
  let names: string[];
  try {
    if (!(await stat(out)).isDirectory()) return { kind: 'file' };
    names = await readdir(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  if (!names.includes('manifest.json')) {
    const entry = [LOGS, LAKE].find((name) => names.includes(name));
    return entry ? { kind: 'foreign', entry } : { kind: 'free' };
  }
  try {
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      generator?: { name?: unknown; version?: unknown };
      events?: unknown;
      seed?: unknown;
      securityLake?: unknown;
    };
    const { generator, events, seed } = manifest;
    if (generator?.name === GENERATOR.name && typeof generator.version === 'string' && typeof events === 'number' && typeof seed === 'number') {
      // A sample without a lake (older, or lake: false) does not describe a security-lake/ next to it: someone else put it there.
      if (names.includes(LAKE) && !manifest.securityLake) return { kind: 'foreign', entry: LAKE };
      return { kind: 'sample', version: generator.version, events, seed };
    }
  } catch {
    // Unreadable or not JSON: not a manifest irbook wrote, so it is not ours to replace.
  }
  return { kind: 'foreign', entry: 'manifest.json' };
}

/**
 * The reason a sample may not be written to `out` now, or undefined when it may: an irbook
 * sample is replaced only when `replace` is set; anything else named `AWSLogs/`,
 * `security-lake/` or `manifest.json` never is.
 */
export function refusal(out: string, state: TargetState, replace: boolean): OptionError | undefined {
  if (state.kind === 'file') return new OptionError('out', out, `out must be a folder, but ${out} is a file`);
  if (state.kind === 'foreign') {
    return new OptionError(
      'out',
      out,
      `${join(out, state.entry)} exists and is not from an irbook sample (no irbook manifest.json describes it); ` +
        'it may be real logs, so it is never replaced: choose another folder, or remove it yourself',
    );
  }
  if (state.kind === 'sample' && !replace) {
    return new OptionError(
      'out',
      out,
      `${out} already holds an irbook sample (${state.events} events, seed ${state.seed}); ` +
        'choose another folder, or pass replace: true (irbook sample --replace) to replace it whole',
    );
  }
  return undefined;
}

function sibling(out: string, kind: 'partial' | 'old'): string {
  const target = resolve(out);
  return join(dirname(target), `.${basename(target)}.irbook-${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary folders a killed run left next to `out` (their process is gone), so
 * a crash costs no disk space for long. Folders of runs still going are kept.
 */
async function removeLeftovers(out: string): Promise<void> {
  const target = resolve(out);
  const pattern = new RegExp(`^\\.${basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.irbook-(?:partial|old)-(\\d+)-[0-9a-f]+$`);
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = pattern.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid))) await rm(join(dirname(target), name), { recursive: true, force: true });
  }
}

/**
 * Creates the temporary folder a run writes into, next to `out` so the final renames stay on
 * one file system.
 */
export async function stagingFolder(out: string): Promise<string> {
  await removeLeftovers(out);
  const dir = sibling(out, 'partial');
  await mkdir(dir, { recursive: true });
  return dir;
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Moves a finished sample from `staged` into `out`, replacing an irbook sample there when
 * `replace` is set. The old manifest leaves first and the new one arrives last, so a manifest
 * is never next to logs it does not describe. Throws the refusal when `out` changed while the
 * sample was written (another run finished first); `staged` is removed either way.
 */
export async function commitStaged(staged: string, out: string, replace: boolean): Promise<void> {
  let old: string | undefined;
  try {
    await mkdir(out, { recursive: true });
    const state = await targetState(out);
    const refused = refusal(out, state, replace);
    if (refused) throw refused;
    if (state.kind === 'sample') {
      old = sibling(out, 'old');
      await mkdir(old);
      for (const entry of [...SAMPLE_ENTRIES].reverse()) await renameIfPresent(join(out, entry), join(old, entry));
    }
    // rename() does not replace a folder that has files, so a sample that another run put in
    // place since the check above makes this fail instead of merging the two.
    for (const entry of SAMPLE_ENTRIES) {
      if (entry === LAKE) await renameIfPresent(join(staged, entry), join(out, entry));
      else await rename(join(staged, entry), join(out, entry));
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new OptionError('out', out, `another run wrote a sample to ${out} while this one was writing; nothing was replaced`);
    }
    throw error;
  } finally {
    await rm(staged, { recursive: true, force: true });
    if (old) await rm(old, { recursive: true, force: true });
  }
}

/** Removes a run's temporary folder after a failure. */
export async function discardStaged(staged: string): Promise<void> {
  await rm(staged, { recursive: true, force: true });
}
