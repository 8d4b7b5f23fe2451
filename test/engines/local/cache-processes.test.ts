/**
 * The cache shared by separate processes, through the built command (`npm test` builds dist/
 * first): readers and a writer at once, and a writer killed mid-ingest.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../lib/engines/local/local-engine';
import { deliveryFile, deliveryPath, makeEvent, tempDir } from '../../support/cloudtrail-fixtures';
import { writeFile } from '../../support/cloudtrail-fixtures';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'irbook.js');
const scratch = tempDir();
afterAll(() => scratch.cleanup());

/** Writes `files` delivery files of `per` events each under `root`; returns the event ids. */
function writeDeliveries(root: string, files: number, per: number, from: number): string[] {
  const ids: string[] = [];
  for (let f = 0; f < files; f++) {
    const events = Array.from({ length: per }, (_, i) => makeEvent(from + f * per + i));
    ids.push(...events.map((e) => String(e.eventID)));
    writeFile(deliveryPath(root, '111122223333', 'us-east-1', `2024-03-${String(10 + (f % 5)).padStart(2, '0')}`, from + f), deliveryFile(events));
  }
  return ids;
}

const COUNT_SQL = 'SELECT count(*) AS n, count(DISTINCT eventid) AS distinct_ids FROM cloudtrail';

async function queryProcess(logs: string, cache: string): Promise<{ n: number; distinct_ids: number }> {
  const { stdout } = await promisify(execFile)('node', [BIN, 'query', '--logs', logs, '--cache', cache, '--format', 'json', COUNT_SQL]);
  return (JSON.parse(stdout) as { n: number; distinct_ids: number }[])[0]!;
}

async function countInProcess(logs: string, cache: string): Promise<{ n: number; distinct: number }> {
  const engine = await LocalEngine.open({ logs, cache });
  try {
    const row = (await engine.query(COUNT_SQL)).rows[0]!;
    return { n: Number(row[0]), distinct: Number(row[1]) };
  } finally {
    await engine.close();
  }
}

describe('one cache, several processes', () => {
  it('two processes read while a third adds files: each sees the old or the new whole, never a part', async () => {
    const logs = join(scratch.path, 'shared-logs');
    const cache = join(scratch.path, 'shared-cache');
    const before = writeDeliveries(logs, 150, 2, 0);
    await promisify(execFile)('node', [BIN, 'ingest', '--logs', logs, '--cache', cache]);

    // The new deliveries appear at once: written aside, then their folder renamed into the tree.
    const staging = join(scratch.path, 'staging');
    const added = writeDeliveries(staging, 150, 2, 10_000);
    const readers = [0, 1].map(async () => {
      const answers: { n: number; distinct_ids: number }[] = [];
      for (let i = 0; i < 3; i++) answers.push(await queryProcess(logs, cache));
      return answers;
    });
    await new Promise((r) => setTimeout(r, 300));
    renameSync(join(staging, 'AWSLogs'), join(logs, 'AWSLogs-late'));
    const writer = promisify(execFile)('node', [BIN, 'ingest', '--logs', logs, '--cache', cache]);
    const [answersA, answersB] = await Promise.all(readers);
    expect((await writer).stdout).toMatch(/events added/);
    for (const answer of [...answersA!, ...answersB!]) {
      expect([before.length, before.length + added.length]).toContain(answer.n);
      expect(answer.distinct_ids).toBe(answer.n);
    }
    expect(await queryProcess(logs, cache)).toEqual({ n: before.length + added.length, distinct_ids: before.length + added.length });
  }, 180_000);

  it('a process killed mid-ingest leaves a cache the next open repairs: no event lost or counted twice', async () => {
    const logs = join(scratch.path, 'killed-logs');
    const cache = join(scratch.path, 'killed-cache');
    const first = writeDeliveries(logs, 200, 3, 0);
    expect(await countInProcess(logs, cache)).toEqual({ n: first.length, distinct: first.length });

    const later = writeDeliveries(logs, 1500, 3, 50_000);
    const child = spawn('node', [BIN, 'ingest', '--logs', logs, '--cache', cache], { stdio: 'ignore' });
    // Kill it once it is writing rows: its work folder holds a batch of lines or typed rows.
    const started = Date.now();
    const writing = (folder: string) => (existsSync(folder) ? readdirSync(folder) : [])
      .some((name) => /^(lines-\d+\.ndjson|stage-\d+\.parquet)$/.test(name) && statSync(join(folder, name), { throwIfNoEntry: false })?.size);
    for (;;) {
      const work = existsSync(join(cache, 'tmp')) ? readdirSync(join(cache, 'tmp')) : [];
      const rows = work.some((w) => writing(join(cache, 'tmp', w)));
      if (rows || Date.now() - started > 60_000) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(join(cache, 'ingest.lock'))).toBe(true); // left behind by the dead process

    const all = new Set([...first, ...later]);
    expect(await countInProcess(logs, cache)).toEqual({ n: all.size, distinct: all.size });
    expect(existsSync(join(cache, 'ingest.lock'))).toBe(false);
    expect(readdirSync(join(cache, 'tmp'))).toEqual([]);
  }, 180_000);
});
