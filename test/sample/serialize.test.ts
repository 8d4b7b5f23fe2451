import { describe, expect, it } from 'vitest';
import { serializeRecord, toJson } from '../../lib/sample/serialize';
import { PERSONAS, scriptedEvents } from '../../lib/sample/generate';
import { Background } from '../../lib/sample/background';
import type { CloudTrailRecord } from '../../lib/sample/record';

describe('serializeRecord', () => {
  it('gives exactly JSON.stringify for every scripted and a day of background records', () => {
    const records: CloudTrailRecord[] = scriptedEvents(1).map((e) => e.record);
    const bg = new Background(PERSONAS, 1, 20_000);
    for (let w = 0; w < 288 * 3; w++) bg.window(w, (_t, _a, r) => records.push(r));
    expect(records.length).toBeGreaterThan(1000);
    for (const r of records) expect(serializeRecord(r)).toBe(JSON.stringify(r));
    // Twice, so cached text of shared parts is used too.
    for (const r of records) expect(serializeRecord(r)).toBe(JSON.stringify(r));
  });

  it("escapes strings that need it and keeps frozen objects' text", () => {
    expect(toJson('a "quoted" \\ line\n')).toBe(JSON.stringify('a "quoted" \\ line\n'));
    const shared = Object.freeze({ policy: '{"Version":"2012-10-17"}' });
    expect(toJson(shared)).toBe(JSON.stringify(shared));
    expect(toJson(shared)).toBe(JSON.stringify(shared));
    expect(toJson(null)).toBe('null');
    expect(toJson(12)).toBe('12');
  });
});
