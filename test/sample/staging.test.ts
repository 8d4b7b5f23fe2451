import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OptionError } from '../../lib/errors';
import { generateSample } from '../../lib/sample';
import { ensureSample } from '../../lib/sample/bundled';
import { tempDir, writeFile } from '../support/cloudtrail-fixtures';
import { lakeFiles, readSample } from '../support/sample-reader';

const DIST = join(__dirname, '..', '..', 'dist');

let root: { path: string; cleanup: () => void };
beforeEach(() => {
  root = tempDir('irbook-staging-');
});
afterEach(() => root.cleanup());

/** Records and files in `out`, counted from the files themselves. */
function onDisk(out: string): { events: number; files: number; seeds: unknown } {
  const files = readSample(out);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { seed: unknown };
  return { events: files.reduce((n, f) => n + f.records.length, 0), files: files.length, seeds: manifest.seed };
}

function leftovers(out: string): string[] {
  return readdirSync(dirname(out)).filter((name) => name.startsWith(`.${basename(out)}.irbook-`));
}

/**
 * Starts a child process that runs `call` from the built library and kills it with SIGKILL
 * once it has written `files` log files (as its progress reports them).
 */
async function killMidWrite(call: string, files: number): Promise<number> {
  const script = `
    const { generateSample } = require(${JSON.stringify(join(DIST, 'sample'))});
    const { ensureSample } = require(${JSON.stringify(join(DIST, 'sample', 'bundled'))});
    let n = 0;
    const onProgress = () => { if (++n === ${files}) process.stdout.write('written\\n'); };
    ${call};`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('written')) resolve();
    });
    child.once('exit', () => reject(new Error('the child finished before it could be killed mid-write')));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return child.pid!;
}

describe('a sample appears whole or not at all', () => {
  it('two runs into one folder at once: one sample, the manifest counts what is on disk, the other run refused', async () => {
    const out = join(root.path, 'sample');
    const runs = await Promise.allSettled([
      generateSample({ out, events: 2_000, seed: 3, lake: false }),
      generateSample({ out, events: 3_000, seed: 4, lake: false }),
    ]);
    const won = runs.filter((r) => r.status === 'fulfilled');
    const lost = runs.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(OptionError);
    const manifest = won[0].value;
    expect(onDisk(out)).toEqual({ events: manifest.events, files: manifest.files, seeds: manifest.seed });
    expect(leftovers(out)).toEqual([]);
  });

  it('replace: true swaps a whole older sample, lake included, for the new one and keeps files that are not the sample', async () => {
    const out = join(root.path, 'sample');
    await generateSample({ out, events: 3_000, seed: 4 });
    const olderLake = lakeFiles(out);
    const notes = writeFile(join(out, 'notes.txt'), 'case 42');
    await expect(generateSample({ out, events: 2_000, seed: 3 })).rejects.toBeInstanceOf(OptionError);
    const manifest = await generateSample({ out, events: 2_000, seed: 3, replace: true });
    expect(onDisk(out)).toEqual({ events: 2_000, files: manifest.files, seeds: 3 });
    const lake = lakeFiles(out);
    expect(lake).toHaveLength(manifest.securityLake!.files);
    expect(olderLake.length).toBeGreaterThan(0);
    expect(lake.filter((f) => olderLake.includes(f))).toEqual([]);
    expect(manifest.securityLake!.rows.cloudTrailMgmt + manifest.securityLake!.rows.s3Data).toBe(2_000);
    expect(readFileSync(notes, 'utf8')).toBe('case 42');

    // A sample without a lake replaces one with a lake whole: no lake is left.
    const bare = await generateSample({ out, events: 1_000, seed: 3, replace: true, lake: false });
    expect(bare.securityLake).toBeNull();
    expect(existsSync(join(out, 'security-lake'))).toBe(false);
    expect(leftovers(out)).toEqual([]);
  });

  const syncedLake = (out: string) => writeFile(join(out, 'security-lake', 'CLOUD_TRAIL_MGMT', '2.0', 'data', 'x.parquet'), 'PAR1');
  it.each([
    ['AWSLogs/ without a manifest (real logs)', async (out: string) => writeFile(join(out, 'AWSLogs', 'x.json'), '{}')],
    ['a manifest.json that irbook did not write', async (out: string) => writeFile(join(out, 'manifest.json'), '{"name":"mine"}')],
    ['security-lake/ without a manifest (a synced lake)', async (out: string) => syncedLake(out)],
    ['security-lake/ next to an irbook sample written without a lake', async (out: string) => {
      await generateSample({ out, events: 1_000, lake: false });
      return syncedLake(out);
    }],
  ])('never replaces %s, even with replace: true', async (_what, prepare) => {
    const out = join(root.path, 'theirs');
    const kept = await prepare(out);
    const error = await generateSample({ out, events: 1_000, replace: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).option).toBe('out');
    expect(existsSync(kept)).toBe(true);
    expect(leftovers(out)).toEqual([]);
  });

  it('a run that fails leaves the folder as it was', async () => {
    const out = join(root.path, 'sample');
    const stop = () => {
      throw new RangeError('stop');
    };
    await expect(generateSample({ out, events: 1_000, onProgress: stop })).rejects.toThrow('stop');
    expect(existsSync(out)).toBe(false);
    expect(leftovers(out)).toEqual([]);
  });
});

describe('a process killed while writing the sample', () => {
  it('leaves no partial sample; the next ensureSample writes it and clears what the killed run left', async () => {
    const dir = join(root.path, 'bundled');
    await killMidWrite(`ensureSample({ dir: ${JSON.stringify(dir)}, onProgress })`, 20);
    expect(existsSync(join(dir, 'AWSLogs'))).toBe(false);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
    expect(leftovers(dir)).toHaveLength(1);

    // What configure({ logs: '' }) does next: ensureSample writes the sample (small here).
    const written = await generateSample({ out: dir, events: 1_000, seed: 2 });
    expect(await ensureSample({ dir })).toEqual(written);
    expect(onDisk(dir)).toEqual({ events: 1_000, files: written.files, seeds: 2 });
    expect(leftovers(dir)).toEqual([]);
  });

  it('while replacing an older sample, leaves the older one whole', async () => {
    const out = join(root.path, 'sample');
    const older = await generateSample({ out, events: 2_000, seed: 7 });
    await killMidWrite(`generateSample({ out: ${JSON.stringify(out)}, events: 200000, seed: 8, replace: true, onProgress })`, 20);
    expect(onDisk(out)).toEqual({ events: older.events, files: older.files, seeds: 7 });
  });
});
