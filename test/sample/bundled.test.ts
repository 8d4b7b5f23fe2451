import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSample } from '../../lib/sample';
import { ensureSample } from '../../lib/sample/bundled';
import { GENERATOR } from '../../lib/sample/generate';
import { tempDir, writeFile } from '../support/cloudtrail-fixtures';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir('irbook-bundled-');
});
afterEach(() => dir.cleanup());

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

describe('ensureSample', () => {
  it('keeps a sample this generator version wrote', async () => {
    const written = await generateSample({ out: dir.path, events: 1_000, seed: 5 });
    const marker = writeFile(join(dir.path, 'AWSLogs', 'kept.txt'), 'x');
    expect(await ensureSample({ dir: dir.path })).toEqual(written);
    expect(existsSync(marker)).toBe(true);
  });

  it('rewrites a sample another generator version wrote, with its size and seed, and nothing of the old one left', async () => {
    await generateSample({ out: dir.path, events: 1_000, seed: 5 });
    const manifestFile = join(dir.path, 'manifest.json');
    const old = JSON.parse(readFileSync(manifestFile, 'utf8')) as { generator: { version: string } };
    writeFileSync(manifestFile, JSON.stringify({ ...old, generator: { ...old.generator, version: '0.9.0' } }));
    const stray = writeFile(join(dir.path, 'AWSLogs', '111122223333', 'CloudTrail', 'old.json.gz'), 'stale');
    const manifest = await ensureSample({ dir: dir.path });
    expect(manifest.generator.version).toBe(GENERATOR.version);
    expect([manifest.events, manifest.seed]).toEqual([1_000, 5]);
    expect(existsSync(stray)).toBe(false);
    expect(files(join(dir.path, 'AWSLogs'))).toHaveLength(manifest.files);
  });
});

describe('the generator version', () => {
  // When this fails, the output changed: bump GENERATOR.version (so ensureSample rewrites
  // samples already on disk) and record the new fingerprint with it. The lake's part also
  // changes with the CloudTrail → OCSF mapping (lib/sources/ocsf/cloudtrail-mapping.ts).
  it('names the bytes it writes', async () => {
    await generateSample({ out: dir.path, events: 2_000, seed: 3 });
    const sha256 = (under: string) => {
      const hash = createHash('sha256');
      for (const file of files(dir.path).filter((f) => f.startsWith(under))) hash.update(file).update(readFileSync(join(dir.path, file)));
      return hash.digest('hex');
    };
    expect({ version: GENERATOR.version, logs: sha256('AWSLogs'), lake: sha256('security-lake') }).toEqual({
      // 1.3.0: attack steps for the detections, one address per background principal.
      version: '1.3.0',
      logs: 'e9df9e6669202c73f1d30532402cae1e3f9997bd85e7c06360914c35e1124d96',
      lake: 'f1bdaa825298d2823b88f0efa68378df917a365e620dd3127394f3619511785d',
    });
  });
});
