import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../lib/sample';
import { readBytes, readSample } from '../support/sample-reader';

const dirs: string[] = [];

async function sample(seed: number, events = 5000) {
  const out = mkdtempSync(join(tmpdir(), 'irbook-sample-det-'));
  dirs.push(out);
  const manifest = await generateSample({ out, events, seed });
  return { out, manifest, bytes: readBytes(out) };
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('generateSample determinism', () => {
  it('writes byte-identical files for the same options, and different ones for another seed', async () => {
    const [a, b, c] = await Promise.all([sample(3), sample(3), sample(4)]);
    expect([...a.bytes.keys()]).toEqual([...b.bytes.keys()]);
    for (const [path, bytes] of a.bytes) expect(bytes.equals(b.bytes.get(path)!), path).toBe(true);
    expect(a.manifest).toEqual(b.manifest);

    expect([...c.bytes.keys()]).not.toEqual([...a.bytes.keys()]);
    const shared = [...a.bytes.keys()].filter((p) => c.bytes.has(p));
    expect(shared.every((p) => !a.bytes.get(p)!.equals(c.bytes.get(p)!))).toBe(true);
    expect(c.manifest.events).toBe(a.manifest.events);
  });

  it('writes gzip files whose header carries no timestamp', async () => {
    const { bytes } = await sample(5, 1000);
    for (const [path, b] of bytes) {
      expect(b.readUInt32LE(4), path).toBe(0);
    }
  });

  it.each([1000, 1500, 4321])('writes exactly %i events and keeps story 1 on top', async (events) => {
    const { out, manifest } = await sample(11, events);
    const records = readSample(out).flatMap((f) => f.records);
    expect(records).toHaveLength(events);
    expect(manifest.events).toBe(events);
    const failures = new Map<string, number>();
    for (const r of records) {
      const arn = r.userIdentity.arn ?? '';
      if ((r.errorCode === 'AccessDenied' || r.errorCode === 'Client.UnauthorizedOperation') && arn.includes('iam')) {
        failures.set(arn, (failures.get(arn) ?? 0) + 1);
      }
    }
    const ranking = [...failures].sort((x, y) => y[1] - x[1]);
    expect(ranking[0][0]).toBe(manifest.stories.credentialCompromise.principalArn);
    expect(ranking[0][1]).toBeGreaterThan(3 * (ranking[1]?.[1] ?? 0));
  });
});
