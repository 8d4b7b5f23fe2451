import { mkdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../lib/engines/local/local-engine';
import { SkippedFilesError, SourceError } from '../../../lib/errors';
import { gzipSync } from 'node:zlib';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile } from '../../support/cloudtrail-fixtures';

const dir = tempDir();
const GOOD = 25;
const PRETTY = 4;
const bad: Record<string, string> = {};

beforeAll(() => {
  writeFile(deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 1),
    deliveryFile(Array.from({ length: GOOD }, (_, i) => makeEvent(i))));
  // Named as CloudTrail names deliveries (so not opened up front), but pretty-printed: still read.
  writeFile(deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 2),
    gzipSync(JSON.stringify({ Records: Array.from({ length: PRETTY }, (_, i) => makeEvent(500 + i)) }, null, 2)));
  const big = deliveryFile(Array.from({ length: 400 }, (_, i) => makeEvent(1000 + i, { userAgent: 'x'.repeat(500 + i) })));
  const put = (name: string, content: string | Buffer) => (bad[name] = writeFile(join(dir.path, 'bad', name), content));
  put('cut-in-the-middle.json.gz', big.subarray(0, Math.floor(big.length * 0.6)));
  bad['delivery-named-cut'] = writeFile(deliveryPath(join(dir.path, 'bad'), '111122223333', 'us-east-1', '2024-03-12', 3),
    big.subarray(0, Math.floor(big.length * 0.6)));
  put('corrupt-header.json.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0xff, 0xff, 0xff, 0xff, 0x00]));
  put('not-gzip.json.gz', '{"Records":[]}');
  put('truncated.json', JSON.stringify({ Records: [makeEvent(2000), makeEvent(2001)] }).slice(0, 300));
  put('not-cloudtrail.json', JSON.stringify({ users: [{ name: 'x' }] }));
  put('array-of-other.json', JSON.stringify([{ id: 1 }]));
  put('empty.json', '');
  put('binary.json', Buffer.from([0x00, 0x01, 0x02]));
  bad['dangling-link.json'] = join(dir.path, 'bad', 'dangling-link.json');
  symlinkSync(join(dir.path, 'nowhere.json'), bad['dangling-link.json']);
});

afterAll(() => dir.cleanup());

describe('LocalEngine on bad input', () => {
  it('answers from the readable files and names every skipped file with its reason', async () => {
    const engine = await LocalEngine.open({ logs: dir.path });
    try {
      const result = await engine.query('SELECT count(*) AS n FROM cloudtrail');
      expect(Number(result.rows[0]![0])).toBe(GOOD + PRETTY);
      const skipped = new Map(result.stats.filesSkipped.map((s) => [s.file, s.reason]));
      expect([...skipped.keys()].sort()).toEqual(Object.values(bad).sort());
      expect(skipped.get(bad['cut-in-the-middle.json.gz']!)).toMatch(/JSON|gzip|end/i);
      expect(skipped.get(bad['delivery-named-cut']!)).toMatch(/JSON|gzip|end/i);
      expect(skipped.get(bad['corrupt-header.json.gz']!)).toMatch(/gzip/i);
      expect(skipped.get(bad['not-gzip.json.gz']!)).toMatch(/not gzip/);
      expect(skipped.get(bad['truncated.json']!)).toMatch(/JSON/);
      expect(skipped.get(bad['not-cloudtrail.json']!)).toMatch(/not CloudTrail/);
      expect(skipped.get(bad['array-of-other.json']!)).toMatch(/not CloudTrail/);
      expect(skipped.get(bad['empty.json']!)).toMatch(/empty/);
      expect(skipped.get(bad['binary.json']!)).toMatch(/not JSON/);
      expect(skipped.get(bad['dangling-link.json']!)).toMatch(/cannot be read/);
      // Both readable files are of one day: one data file in the cache.
      expect((await engine.query('SELECT count(DISTINCT eventid) FROM cloudtrail')).stats.filesRead).toBe(1);

      // The verdict is remembered: the next query neither fails nor forgets the skipped files.
      const again = await engine.query('SELECT count(*) AS n FROM cloudtrail');
      expect(again.stats.filesSkipped.length).toBe(Object.keys(bad).length);
      expect(await engine.describe()).toMatch(new RegExp(`^local: 2 log files \\(.+\\) under ${dir.path}; database security_analysis; ${Object.keys(bad).length} unreadable`));
    } finally {
      await engine.close();
    }
  });

  it('refuses to answer in strict mode, listing the files', async () => {
    const engine = await LocalEngine.open({ logs: dir.path, strict: true });
    try {
      const error = await engine.query('SELECT count(*) FROM cloudtrail').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SkippedFilesError);
      expect((error as SkippedFilesError).skipped.map((s) => s.file)).toContain(bad['not-cloudtrail.json']);
    } finally {
      await engine.close();
    }
  });

  it('names a missing folder', async () => {
    const missing = join(dir.path, 'no-such-folder');
    const error = await LocalEngine.open({ logs: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).file).toBe(missing);
    expect((error as SourceError).reason).toMatch(/does not exist/);
  });

  it('names an empty folder', async () => {
    const empty = join(dir.path, 'empty-folder');
    mkdirSync(empty);
    const error = await LocalEngine.open({ logs: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).file).toBe(empty);
    expect((error as SourceError).reason).toMatch(/no log files/);
  });

  it('reads or skips a single file given as the logs, named as CloudTrail delivers', async () => {
    const pretty = await LocalEngine.open({ logs: deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 2) });
    const cut = await LocalEngine.open({ logs: bad['delivery-named-cut']! });
    try {
      expect(Number((await pretty.query('SELECT count(*) FROM cloudtrail')).rows[0]![0])).toBe(PRETTY);
      const error = await cut.query('SELECT count(*) FROM cloudtrail').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).reason).toContain(bad['delivery-named-cut']);
    } finally {
      await pretty.close();
      await cut.close();
    }
  });

  it('reads a file found unreadable once it is replaced', async () => {
    const folder = tempDir();
    writeFile(join(folder.path, 'good.json'), JSON.stringify({ Records: [makeEvent(0)] }));
    const file = writeFile(join(folder.path, 'logs.json'), JSON.stringify({ Records: [makeEvent(1)] }).slice(0, 100));
    const engine = await LocalEngine.open({ logs: folder.path });
    try {
      expect((await engine.query('SELECT count(*) FROM cloudtrail')).stats.filesSkipped.map((s) => s.file)).toEqual([file]);
      // Written under another name and renamed over it, as downloads and syncs do.
      renameSync(writeFile(join(folder.path, 'logs.json.part'), JSON.stringify({ Records: [makeEvent(1), makeEvent(2)] })), file);
      const fixed = await engine.query('SELECT count(*) FROM cloudtrail');
      expect(Number(fixed.rows[0]![0])).toBe(3);
      expect(fixed.stats.filesSkipped).toEqual([]);
    } finally {
      await engine.close();
      folder.cleanup();
    }
  });

  it('says so when no file at all can be read', async () => {
    const engine = await LocalEngine.open({ logs: join(dir.path, 'bad') });
    try {
      const error = await engine.query('SELECT count(*) FROM cloudtrail').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).reason).toMatch(/none of the log files can be read/);
    } finally {
      await engine.close();
    }
  });
});
