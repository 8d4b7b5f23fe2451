import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../lib/sample';
import { tempDir } from '../support/cloudtrail-fixtures';
import { authFailuresByArn, lakeFiles, readBytes, readSample } from '../support/sample-reader';

const dirs: { cleanup: () => void }[] = [];

async function sample(seed: number, events = 5000, lake = false) {
  const dir = tempDir('irbook-sample-det-');
  dirs.push(dir);
  const manifest = await generateSample({ out: dir.path, events, seed, lake });
  return { out: dir.path, manifest };
}

afterAll(() => {
  for (const d of dirs) d.cleanup();
});

describe('generateSample determinism', () => {
  it('writes byte-identical files for the same options, lake included, and different ones for another seed', async () => {
    const [a, b, c] = await Promise.all([sample(3, 5000, true), sample(3, 5000, true), sample(4)]);
    const [aBytes, bBytes, cBytes] = [a, b, c].map((s) => readBytes(s.out));
    expect([...aBytes.keys()]).toEqual([...bBytes.keys()]);
    for (const [path, bytes] of aBytes) expect(bytes.equals(bBytes.get(path)!), path).toBe(true);
    expect(a.manifest).toEqual(b.manifest);
    const [aLake, bLake] = [a, b].map((s) => lakeFiles(s.out));
    expect(aLake.length).toBeGreaterThan(100);
    expect(aLake).toEqual(bLake);
    for (const path of aLake) expect(readFileSync(join(a.out, path)).equals(readFileSync(join(b.out, path))), path).toBe(true);
    expect(lakeFiles(c.out)).toEqual([]);

    // File names end in seeded random characters, so compare the files of the same window.
    const byWindow = (bytes: Map<string, Buffer>) =>
      new Map([...bytes].map(([path, body]) => [path.replace(/_[A-Za-z0-9]{16}\.json\.gz$/, ''), body]));
    const [aWindows, cWindows] = [byWindow(aBytes), byWindow(cBytes)];
    const shared = [...aWindows.keys()].filter((w) => cWindows.has(w));
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.filter((w) => aWindows.get(w)!.equals(cWindows.get(w)!))).toEqual([]);
    expect(c.manifest.events).toBe(a.manifest.events);
  });

  it('writes gzip files whose header carries no timestamp', async () => {
    const { out } = await sample(5, 1000);
    for (const [path, b] of readBytes(out)) {
      expect(b.readUInt32LE(4), path).toBe(0);
    }
  });

  it.each([1000, 1500, 4321])('writes exactly %i events and keeps story 1 on top', async (events) => {
    const { out, manifest } = await sample(11, events);
    const records = readSample(out).flatMap((f) => f.records);
    expect(records).toHaveLength(events);
    expect(manifest.events).toBe(events);
    const ranking = authFailuresByArn(records, true);
    expect(ranking[0][0]).toBe(manifest.stories.credentialCompromise.principalArn);
    expect(ranking[0][1]).toBeGreaterThan(3 * (ranking[1]?.[1] ?? 0));
  });
});
