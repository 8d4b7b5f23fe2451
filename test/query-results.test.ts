import { afterAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../lib/engines/local/local-engine';
import type { Engine } from '../lib/engines/engine';
import { OptionError, QueryCancelledError } from '../lib/errors';
import { configure, configuredEngine, queryResults } from '../lib/query-results';
import { generateSample } from '../lib/sample';
import { sql } from '../lib/sql';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile } from './support/cloudtrail-fixtures';

const dir = tempDir();
const events = Array.from({ length: 12 }, (_, i) => makeEvent(i));
writeFile(deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events));

afterAll(async () => {
  await configuredEngine().close();
  dir.cleanup();
});

describe('configure and queryResults', () => {
  it('says how to set an engine before one is configured', async () => {
    const error = await queryResults('SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).option).toBe('engine');
  });

  it('runs fragments and strings on the configured engine', async () => {
    await configure({ logs: dir.path });
    const who = String(events[1]!.userIdentity.userName);
    const bound = await queryResults(sql`SELECT count(*) AS n FROM cloudtrail WHERE useridentity.username = ${who}`);
    expect(Number(bound.rows[0]![0])).toBe(events.filter((e) => e.userIdentity.userName === who).length);
    const text = await queryResults('SELECT count(*) AS n FROM cloudtrail');
    expect(Number(text.rows[0]![0])).toBe(events.length);
    expect(text.stats.engine).toBe('local');
  });

  it('closes the previous engine when the setup cell runs again', async () => {
    const first = configuredEngine();
    const second = await configure({ engine: 'local', logs: dir.path, database: 'ir' });
    expect(second).not.toBe(first);
    await expect(first.query('SELECT 1')).rejects.toBeInstanceOf(OptionError);
    const result = await queryResults('SELECT count(*) FROM "ir"."cloudtrail"');
    expect(Number(result.rows[0]![0])).toBe(events.length);
  });

  it('takes an engine per call, and rejects unknown options and engines by name', async () => {
    const other = await LocalEngine.open({ logs: dir.path });
    try {
      const result = await queryResults('SELECT count(*) FROM cloudtrail', { engine: other });
      expect(Number(result.rows[0]![0])).toBe(events.length);
    } finally {
      await other.close();
    }
    const unknown = await queryResults('SELECT 1', { timeout: 5 } as never).catch((e: unknown) => e);
    expect((unknown as OptionError).option).toBe('timeout');
    const engine = await configure({ engine: 'bigquery' } as never).catch((e: unknown) => e);
    expect((engine as OptionError).option).toBe('engine');
  });
});

describe('configure without logs', () => {
  it('reads the bundled sample (IRBOOK_SAMPLE_DIR) when logs is empty, keeping one already there', async () => {
    const saved = process.env.IRBOOK_SAMPLE_DIR;
    const sampleDir = tempDir();
    process.env.IRBOOK_SAMPLE_DIR = `${sampleDir.path}/sample`;
    try {
      // The default sample is 100,000 events; a pre-written manifest of a smaller one stands in
      // for "already there", which is what ensureSample must respect.
      const manifest = await generateSample({ out: process.env.IRBOOK_SAMPLE_DIR, events: 1_000, seed: 2 });
      await configure({ engine: 'local', logs: '' });
      const total = await queryResults('SELECT count(*) AS n FROM cloudtrail');
      expect(Number(total.rows[0]![0])).toBe(manifest.events);
    } finally {
      if (saved === undefined) delete process.env.IRBOOK_SAMPLE_DIR;
      else process.env.IRBOOK_SAMPLE_DIR = saved;
      await configure({ logs: dir.path });
      sampleDir.cleanup();
    }
  });

  it('checks Athena settings before any AWS call, naming the wrong one', async () => {
    const typo = await configure({ engine: 'athena', regoin: 'us-east-1' } as never).catch((e: unknown) => e);
    expect(typo).toBeInstanceOf(OptionError);
    expect((typo as OptionError).option).toBe('regoin');
    const location = await configure({ engine: 'athena', outputLocation: 'my-bucket/results' }).catch((e: unknown) => e);
    expect((location as OptionError).option).toBe('outputLocation');
  });
});

describe('queryResults and the kernel interrupt', () => {
  it('aborts the running query on SIGINT, and stops listening afterwards', async () => {
    const seen: AbortSignal[] = [];
    const engine: Engine = {
      name: 'fake',
      describe: async () => 'fake',
      close: async () => undefined,
      query: (_q, { signal } = {}) => new Promise((_resolve, reject) => {
        seen.push(signal!);
        signal!.addEventListener('abort', () => reject(new QueryCancelledError('cancelled', { sql: '', engine: 'fake' })));
      }),
    };
    const listeners = process.listenerCount('SIGINT');
    const pending = queryResults('SELECT 1', { engine });
    await new Promise((resolve) => setImmediate(resolve));
    expect(process.listenerCount('SIGINT')).toBe(listeners + 1);
    process.emit('SIGINT');
    await expect(pending).rejects.toBeInstanceOf(QueryCancelledError);
    expect(seen[0]!.aborted).toBe(true);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });
});
