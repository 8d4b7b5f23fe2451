import { afterAll, expect, it } from 'vitest';
import { LocalEngine } from '../../../lib/engines/local/local-engine';
import { sql } from '../../../lib/sql';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile } from '../../support/cloudtrail-fixtures';

const dir = tempDir();
afterAll(() => dir.cleanup());

it('reads a delivery file holding one 50 MB JSON object', async () => {
  const events = Array.from({ length: 42_000 }, (_, i) => makeEvent(i, { userAgent: `agent-${i}-${'z'.repeat(300)}` }));
  const json = JSON.stringify({ Records: events });
  expect(json.length).toBeGreaterThan(50 * 1024 * 1024);
  writeFile(deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events));

  const engine = await LocalEngine.open({ logs: dir.path });
  try {
    const last = events[events.length - 1]!;
    const result = await engine.query(sql`
      SELECT count(*) AS n, count(DISTINCT eventid) AS ids, max_by(useragent, eventid) FILTER (WHERE eventid = ${String(last.eventID)}) AS agent
      FROM cloudtrail`);
    expect(result.rows[0]!.map(String)).toEqual([String(events.length), String(events.length), last.userAgent]);
    expect(result.stats.filesSkipped).toEqual([]);
  } finally {
    await engine.close();
  }
});
