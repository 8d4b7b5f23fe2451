import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheRoot, clearCaches, defaultCacheDir } from '../../../lib/engines/local/cache-store';
import { LocalEngine, type LocalEngineOptions } from '../../../lib/engines/local/local-engine';
import { OptionError } from '../../../lib/errors';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile, type Event } from '../../support/cloudtrail-fixtures';

const scratch = tempDir();
afterAll(() => scratch.cleanup());
let folders = 0;
const folder = (name: string) => {
  const path = join(scratch.path, `${name}-${folders++}`);
  mkdirSync(path, { recursive: true });
  return path;
};

const DAYS = ['2024-03-10', '2024-03-11', '2024-03-12', '2024-03-13', '2024-03-14'];
/**
 * Events of one day, each at its own minute of that day. The user agent is 2 KB that does not
 * compress, so the data, not the Parquet footers, is most of what a scan reads.
 */
const dayEvents = (day: string, from: number, n: number): Event[] =>
  Array.from({ length: n }, (_, i) => makeEvent(from + i, {
    eventTime: `${day}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`,
    userAgent: randomBytes(1024).toString('hex'),
  }));

/** Logs in the S3 layout: two accounts, two regions, five days; returns every event written. */
function writeLogs(root: string): Event[] {
  const all: Event[] = [];
  let n = 0;
  for (const account of ['111122223333', '444455556666']) {
    for (const region of ['us-east-1', 'eu-west-1']) {
      for (const day of DAYS) {
        const batch = dayEvents(day, n, 20);
        n += batch.length;
        all.push(...batch);
        writeFile(deliveryPath(root, account, region, day, n), deliveryFile(batch));
      }
    }
  }
  return all;
}

async function withEngine<T>(options: LocalEngineOptions, work: (engine: LocalEngine) => Promise<T>): Promise<T> {
  const engine = await LocalEngine.open(options);
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

const countAll = async (engine: LocalEngine) => Number((await engine.query('SELECT count(*) FROM cloudtrail')).rows[0]![0]);
const ids = async (engine: LocalEngine) => (await engine.query('SELECT eventid FROM cloudtrail ORDER BY eventid')).column('eventid');
const sortedIds = (events: readonly Event[]) => events.map((e) => String(e.eventID)).sort();

describe('the ingest cache', () => {
  it('takes in a file added between two queries, a changed file and a removed one', async () => {
    const logs = folder('logs');
    const all = writeLogs(logs);
    await withEngine({ logs, cache: folder('cache') }, async (engine) => {
      expect(await ids(engine)).toEqual(sortedIds(all));
      // A delivery lands mid-incident.
      const late = dayEvents('2024-03-14', 5000, 7);
      const lateFile = writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-14', 9999), deliveryFile(late));
      expect(await ids(engine)).toEqual(sortedIds([...all, ...late]));
      // Replaced by a fuller copy (renamed over it, as syncs do): its old rows go, the new ones come.
      const fuller = dayEvents('2024-03-14', 5000, 9);
      writeFile(`${lateFile}.part`, deliveryFile(fuller));
      rmSync(lateFile);
      copyFileSync(`${lateFile}.part`, lateFile);
      rmSync(`${lateFile}.part`);
      expect(await ids(engine)).toEqual(sortedIds([...all, ...fuller]));
      // Removed: forgotten.
      rmSync(lateFile);
      expect(await ids(engine)).toEqual(sortedIds(all));
    });
  });

  it('keeps every event when a day folder gathers enough incremental parts to be merged', async () => {
    // Each query after a new delivery adds one part to the day's folder; past the limit the
    // folder is merged into one, with no source file removed.
    const logs = folder('merge');
    const written: Event[] = [];
    const deliver = (i: number) => {
      const events = dayEvents('2024-03-12', i * 10, 3);
      written.push(...events);
      writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', i), deliveryFile(events));
    };
    deliver(0);
    const engine = await LocalEngine.open({ logs, cache: false });
    try {
      for (let i = 1; i <= 12; i++) {
        expect(await countAll(engine), `after delivery ${i}`).toBe(written.length);
        deliver(i);
      }
      expect(await countAll(engine)).toBe(written.length);
      expect(await ids(engine)).toEqual(sortedIds(written));
    } finally {
      await engine.close();
    }
  });

  it('a new process opens on the saved proof that nothing changed, and still sees what changed since', async () => {
    const logs = folder('logs');
    const all = writeLogs(logs);
    const cache = folder('cache');
    await withEngine({ logs, cache }, async (engine) => expect(await ids(engine)).toEqual(sortedIds(all)));
    expect(existsSync(join(cache, 'verified.json'))).toBe(true);
    // The next process answers from the proof, with the same rows and inventory.
    const manifestFile = join(cache, 'manifest.json');
    const manifestText = readFileSync(manifestFile, 'utf8');
    await withEngine({ logs, cache }, async (engine) => {
      expect(await ids(engine)).toEqual(sortedIds(all));
      expect((await engine.inventory()).events).toBe(all.length);
    });
    // A delivery lands in a day folder that exists: its folder's time changes, the next process takes it in.
    const late = dayEvents('2024-03-12', 5000, 3);
    writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 7777), deliveryFile(late));
    await withEngine({ logs, cache }, async (engine) => expect(await ids(engine)).toEqual(sortedIds([...all, ...late])));
    // Another process commits a new manifest (here: the one from before the delivery): the proof no longer holds.
    writeFileSync(manifestFile, manifestText);
    await withEngine({ logs, cache }, async (engine) => {
      expect(await ids(engine)).toEqual(sortedIds([...all, ...late]));
      // A file removed while this engine is open: forgotten in the next query.
      rmSync(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 7777));
      expect(await ids(engine)).toEqual(sortedIds(all));
    });
  });

  it('reads only the data a partition or time filter selects, as stats show', async () => {
    const logs = folder('logs');
    const all = writeLogs(logs);
    await withEngine({ logs, cache: folder('cache') }, async (engine) => {
      const full = await engine.query('SELECT count(DISTINCT eventid), count(DISTINCT useragent) FROM cloudtrail');
      const day = await engine.query(
        `SELECT count(DISTINCT eventid), count(DISTINCT useragent) FROM cloudtrail WHERE date_partition = '2024/03/12'`);
      const one = await engine.query(
        `SELECT count(DISTINCT eventid) FROM cloudtrail WHERE account_partition = '444455556666' AND region_partition = 'eu-west-1' AND date_partition = '2024/03/12'`);
      const late = await engine.query(`SELECT count(DISTINCT eventid), count(DISTINCT useragent) FROM cloudtrail WHERE eventtime >= '2024-03-14'`);

      expect(Number(full.rows[0]![0])).toBe(all.length);
      expect(Number(day.rows[0]![0])).toBe(all.filter((e) => e.eventTime.startsWith('2024-03-12')).length);
      expect(Number(one.rows[0]![0])).toBe(20);
      expect(Number(late.rows[0]![0])).toBe(all.filter((e) => e.eventTime >= '2024-03-14').length);

      // A data file per day: a day's filter opens one; account and region skip row groups within it.
      expect(full.stats.filesRead).toBe(DAYS.length);
      expect(day.stats.filesRead).toBe(1);
      expect(one.stats.filesRead).toBe(1);
      expect(day.stats.bytesRead!).toBeLessThan(full.stats.bytesRead! / 3);
      // eventtime prunes row groups by the data files' min/max statistics (footers are still read).
      expect(late.stats.bytesRead!).toBeLessThan(full.stats.bytesRead! / 2);
    });
  });

  it('never reads data files the manifest does not name (a crash mid-ingest leaves only such files)', async () => {
    const logs = folder('logs');
    const all = writeLogs(logs);
    const cache = folder('cache');
    await withEngine({ logs, cache }, async (engine) => expect(await countAll(engine)).toBe(all.length));
    // An ingest killed after writing its Parquet files but before committing the manifest.
    const manifest = JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8')) as { parts: { cloudtrail: { path: string }[] } };
    const part = join(cache, manifest.parts.cloudtrail[0]!.path);
    copyFileSync(part, part.replace(/\.parquet$/, '-orphan.parquet'));
    mkdirSync(join(cache, 'tmp', '999999-dead'), { recursive: true });
    writeFileSync(join(cache, 'tmp', '999999-dead', 'cloudtrail.ndjson'), '{"eventid":"ghost"}\n');
    await withEngine({ logs, cache }, async (engine) => expect(await ids(engine)).toEqual(sortedIds(all)));
  });

  it('rebuilds a damaged cache or one from another irbook version, never using it', async () => {
    const logs = folder('logs');
    const all = writeLogs(logs);
    const cache = folder('cache');
    await withEngine({ logs, cache }, async (engine) => expect(await countAll(engine)).toBe(all.length));
    const manifestFile = join(cache, 'manifest.json');
    const damages: [string, () => void][] = [
      ['a data file cut short', () => {
        const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { parts: { cloudtrail: { path: string; size: number }[] } };
        const part = manifest.parts.cloudtrail[3]!;
        truncateSync(join(cache, part.path), part.size - 100);
      }],
      ['a data file gone', () => {
        const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { parts: { cloudtrail: { path: string }[] } };
        rmSync(join(cache, manifest.parts.cloudtrail[0]!.path));
      }],
      ['a manifest that is not JSON', () => writeFileSync(manifestFile, '{"format":1,'),],
      ['another irbook version', () => {
        const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
        writeFileSync(manifestFile, JSON.stringify({ ...manifest, irbook: '0.0.1' }));
      }],
    ];
    for (const [what, damage] of damages) {
      damage();
      await withEngine({ logs, cache }, async (engine) => {
        const summary = await engine.ingest();
        expect(summary.rebuilt, what).toBeDefined();
        expect(await ids(engine), what).toEqual(sortedIds(all));
      });
    }
  });

  it('lives under $XDG_CACHE_HOME/irbook keyed by the logs\' real path; cache: false goes away on close', async () => {
    const logs = folder('logs');
    writeLogs(logs);
    const link = join(scratch.path, `link-${folders++}`);
    symlinkSync(logs, link);
    expect(defaultCacheDir([link])).toBe(defaultCacheDir([logs]));
    expect(defaultCacheDir([logs]).startsWith(join(cacheRoot(), ''))).toBe(true);
    const viaLink = await withEngine({ logs: link }, async (engine) => {
      await countAll(engine);
      return engine.cacheDir;
    });
    expect(viaLink).toBe(defaultCacheDir([logs]));
    expect(existsSync(join(viaLink, 'manifest.json'))).toBe(true);
    expect(realpathSync(process.env.XDG_CACHE_HOME!)).not.toBe(realpathSync(join(process.env.HOME ?? '/', '.cache')));

    const temporary = await withEngine({ logs, cache: false }, async (engine) => {
      await countAll(engine);
      expect(existsSync(engine.cacheDir)).toBe(true);
      return engine.cacheDir;
    });
    expect(existsSync(temporary)).toBe(false);
  });

  it('refuses a cache folder that holds other things, and clears only its own caches', async () => {
    const logs = folder('logs');
    writeLogs(logs);
    const notOurs = folder('documents');
    writeFileSync(join(notOurs, 'thesis.txt'), 'do not delete');
    await expect(LocalEngine.open({ logs, cache: notOurs })).rejects.toMatchObject({ name: 'OptionError', option: 'cache' });
    await expect(clearCaches(notOurs)).rejects.toBeInstanceOf(OptionError);
    expect(readdirSync(notOurs)).toEqual(['thesis.txt']);

    const ours = folder('cache');
    await withEngine({ logs, cache: ours }, countAll);
    // Another engine's logs pointed at the same folder would drop these files as removed: refused.
    const otherLogs = folder('logs');
    writeLogs(otherLogs);
    await expect(withEngine({ logs: otherLogs, cache: ours }, countAll)).rejects.toMatchObject({ name: 'OptionError', option: 'cache' });
    expect(await withEngine({ logs, cache: ours }, countAll)).toBe(400);
    expect(await clearCaches(ours)).toEqual([ours]);
    expect(existsSync(ours)).toBe(false);
  });
});
