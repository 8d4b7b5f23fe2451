/**
 * One test per defect the bad-input pass found in the engine that spliced file scans into
 * the SQL (issue 10, "Why"). Each fails on that engine and passes on the catalog over the cache.
 */
import { chmodSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LocalEngine } from '../../../lib/engines/local/local-engine';
import { MAX_JSON_DEPTH } from '../../../lib/engines/local/log-reader';
import { SkippedFilesError } from '../../../lib/errors';
import { engineScratch } from '../../support/engine-scratch';
import { deliveryFile, deliveryPath, makeEvent, writeFile, type Event } from '../../support/cloudtrail-fixtures';

const { logsFolder, withEngine } = engineScratch();

const count = async (engine: LocalEngine) => {
  const result = await engine.query('SELECT count(*) AS n FROM cloudtrail');
  return { n: Number(result.rows[0]![0]), skipped: result.stats.filesSkipped };
};

const events = (from: number, n: number, overrides: Partial<Event> = {}) =>
  Array.from({ length: n }, (_, i) => makeEvent(from + i, overrides));

describe('defects of the spliced engine, each fixed', () => {
  it('a corrupt delivery file is skipped and named; the others are read', async () => {
    const logs = logsFolder();
    writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events(0, 5)));
    const corrupt = writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 2),
      Buffer.concat([deliveryFile(events(10, 3)), Buffer.from('JUNK')]));
    await withEngine({ logs }, async (engine) => {
      const { n, skipped } = await count(engine);
      expect(n).toBe(5);
      expect(skipped.map((s) => s.file)).toEqual([corrupt]);
      expect(skipped[0]!.reason).toMatch(/gzip/);
    });
  });

  it('delivery-named files that hold nothing readable are reported, and strict refuses them', async () => {
    const logs = logsFolder();
    const headerOnly = writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 1), gzipSync('').subarray(0, 10));
    const notCloudTrail = writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 2), gzipSync('{"foo":1}'));
    // JSON lines inside a delivery name: read as the engine reads JSON lines anywhere.
    writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 3),
      gzipSync(events(0, 4).map((e) => JSON.stringify(e)).join('\n')));
    await withEngine({ logs }, async (engine) => {
      const { n, skipped } = await count(engine);
      expect(n).toBe(4);
      expect(skipped.map((s) => s.file).sort()).toEqual([headerOnly, notCloudTrail].sort());
    });
    await withEngine({ logs, strict: true }, async (engine) => {
      await expect(engine.query('SELECT count(*) FROM cloudtrail')).rejects.toBeInstanceOf(SkippedFilesError);
    });
  });

  it('reads file names with glob characters literally, each file once', async () => {
    const logs = logsFolder();
    const names = ['a.json', 'b.json', '*.json', 'export[1].json', 'export1.json', 'what?.json', '{x,y}.json'];
    names.forEach((name, i) => writeFile(join(logs, name), JSON.stringify({ Records: [makeEvent(i)] })));
    await withEngine({ logs }, async (engine) => {
      const result = await engine.query('SELECT eventid FROM cloudtrail ORDER BY eventid');
      expect(result.column('eventid')).toEqual(names.map((_, i) => `evt-${i}`).sort());
    });
  });

  it('blames only the file that is bad: a delivery file failing leaves the file named as its prefix counted', async () => {
    // The spliced engine blamed the first file whose path the error text contained: here the
    // good plain `.json`, a prefix of the bad delivery file's path.
    const logs = logsFolder();
    const delivery = deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 1);
    const good = writeFile(delivery.replace(/\.gz$/, ''), JSON.stringify({ Records: events(0, 3) }));
    const bad = writeFile(delivery, gzipSync('{"Records":[{"eventVersion":"1.08","eventTime":'));
    await withEngine({ logs }, async (engine) => {
      const { n, skipped } = await count(engine);
      expect(n).toBe(3);
      expect(skipped.map((s) => s.file)).toEqual([bad]);
      expect(skipped.map((s) => s.file)).not.toContain(good);
    });
  });

  it('many truncated files are all reported in one pass, not retried one at a time', async () => {
    const logs = logsFolder();
    const truncated: string[] = [];
    // More than the spliced engine's 100 retries: it failed the query at the 101st.
    for (let i = 0; i < 300; i++) {
      const file = deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', i);
      const content = deliveryFile(events(i * 2, 2));
      if (i % 2 === 0) truncated.push(writeFile(file, content.subarray(0, content.length - 12)));
      else writeFile(file, content);
    }
    await withEngine({ logs }, async (engine) => {
      const { n, skipped } = await count(engine);
      expect(truncated.length).toBeGreaterThan(100);
      expect(n).toBe((300 - truncated.length) * 2);
      expect(skipped.map((s) => s.file).sort()).toEqual(truncated.sort());
    });
  });

  it('follows symlinked subfolders, and a link loop reads each file once', async () => {
    const logs = logsFolder();
    const elsewhere = logsFolder();
    writeFile(join(logs, 'here.json'), JSON.stringify({ Records: events(0, 2) }));
    writeFile(join(elsewhere, 'deep', 'there.json'), JSON.stringify({ Records: events(10, 3) }));
    symlinkSync(elsewhere, join(logs, 'linked'));
    symlinkSync(logs, join(elsewhere, 'deep', 'back-to-logs')); // a loop through both folders
    await withEngine({ logs }, async (engine) => {
      expect(await count(engine)).toEqual({ n: 5, skipped: [] });
    });
  });

  it('reports an unreadable subfolder like an unreadable file, never a raw error', async () => {
    const logs = logsFolder();
    writeFile(join(logs, 'ok.json'), JSON.stringify({ Records: events(0, 2) }));
    const looping = join(logs, 'self-link');
    symlinkSync(looping, looping); // cannot be resolved: ELOOP, as EACCES would be for a locked folder
    await withEngine({ logs }, async (engine) => {
      const { n, skipped } = await count(engine);
      expect(n).toBe(2);
      expect(skipped).toEqual([{ file: looping, reason: expect.stringMatching(/ELOOP/) }]);
    });
  });

  it.skipIf(process.getuid?.() === 0)('reports a folder it may not list (EACCES)', async () => {
    const logs = logsFolder();
    writeFile(join(logs, 'ok.json'), JSON.stringify({ Records: events(0, 2) }));
    const locked = join(logs, 'locked');
    writeFile(join(locked, 'hidden.json'), JSON.stringify({ Records: events(5, 2) }));
    chmodSync(locked, 0o000);
    try {
      await withEngine({ logs }, async (engine) => {
        const { n, skipped } = await count(engine);
        expect(n).toBe(2);
        expect(skipped).toEqual([{ file: locked, reason: expect.stringMatching(/EACCES/) }]);
      });
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('counts overlapping inputs once: a folder twice, and a folder inside another', async () => {
    const logs = logsFolder();
    writeFile(join(logs, 'top.json'), JSON.stringify({ Records: events(0, 2) }));
    writeFile(join(logs, 'inner', 'below.json'), JSON.stringify({ Records: events(10, 3) }));
    for (const roots of [[logs, logs], [logs, join(logs, 'inner')], [join(logs, 'inner'), logs]]) {
      await withEngine({ logs: roots }, async (engine) => {
        expect((await count(engine)).n, roots.join(' + ')).toBe(5);
      });
    }
  });

  it(`refuses JSON nested past ${MAX_JSON_DEPTH} levels, naming the file, and stays up`, async () => {
    const logs = logsFolder();
    writeFile(join(logs, 'ok.json'), JSON.stringify({ Records: events(0, 2) }));
    const deep = join(logs, 'deep.json');
    const nesting = 20_000;
    writeFile(deep, `{"Records":[{"eventName":"x","requestParameters":${'['.repeat(nesting)}${']'.repeat(nesting)}}]}`);
    await withEngine({ logs }, async (engine) => {
      const { n, skipped } = await count(engine);
      expect(n).toBe(2);
      expect(skipped).toEqual([{ file: deep, reason: expect.stringMatching(/nested deeper than/) }]);
      // JSON functions over the table cannot meet that nesting either.
      const result = await engine.query(`SELECT count(json_extract(requestparameters, '$.key')) FROM cloudtrail`);
      expect(Number(result.rows[0]![0])).toBe(2);
    });
  });

  it('keeps a record whose fields have the wrong type in every query, with those fields NULL', async () => {
    const logs = logsFolder();
    const odd = [makeEvent(0, { userIdentity: 'alice' as never }), makeEvent(1, { resources: 'none' as never, tlsDetails: [] as never })];
    writeFile(join(logs, 'odd.json'), JSON.stringify({ Records: [...odd, ...events(2, 3)] }));
    await withEngine({ logs }, async (engine) => {
      const total = Number((await engine.query('SELECT count(*) FROM cloudtrail')).rows[0]![0]);
      const star = await engine.query('SELECT * FROM cloudtrail');
      const ids = await engine.query('SELECT eventid, useridentity, resources FROM cloudtrail ORDER BY eventid');
      expect(total).toBe(5);
      expect(star.rowCount).toBe(5);
      expect(ids.rows[0]).toEqual(['evt-0', null, [{ arn: 'arn:aws:s3:::logs/k0', accountid: '111122223333', type: 'AWS::S3::Object' }]]);
      expect(ids.rows[1]![2]).toBeNull();
      expect(star.stats.filesSkipped).toEqual([]);
      expect((await engine.inventory()).untypedValues).toBe(3);
      expect(await engine.describe()).toMatch(/3 values of the wrong type stored as NULL/);
    });
  });
});
