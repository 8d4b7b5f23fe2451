import { describe, expect, it } from 'vitest';
import { withProgress, type ProgressSlot } from '../../lib/display/progress';

function recorder(): { slot: () => ProgressSlot; shown: string[]; made: number } {
  const state = { shown: [] as string[], made: 0, slot: (): ProgressSlot => {
    state.made++;
    return { html: (h) => void state.shown.push(h) };
  } };
  return state;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withProgress', () => {
  it('shows nothing for work faster than the delay', async () => {
    const r = recorder();
    expect(await withProgress({ label: 'Query on local', delayMs: 200, slot: r.slot }, async () => 42)).toBe(42);
    await sleep(250);
    expect(r.shown).toEqual([]);
    expect(r.made).toBe(0);
  });

  it('updates one slot in place with the state, then clears it on success', async () => {
    const r = recorder();
    await withProgress({ label: 'Query on athena', delayMs: 10, intervalMs: 10, slot: r.slot }, async (report) => {
      report({ state: 'QUEUED' });
      await sleep(40);
      report({ state: 'RUNNING', detail: '1.2 GB scanned <so far>' });
      await sleep(40);
    });
    expect(r.made).toBe(1);
    expect(r.shown.some((h) => h.includes('<b>QUEUED</b>'))).toBe(true);
    expect(r.shown.some((h) => h.includes('<b>RUNNING</b>') && h.includes('1.2 GB scanned &lt;so far&gt;'))).toBe(true);
    expect(r.shown.at(-1)).toBe('');
  });

  it('marks a failure, rethrows it, and stops redrawing', async () => {
    const r = recorder();
    const failing = withProgress({ label: 'q', delayMs: 5, intervalMs: 5, slot: r.slot }, async () => {
      await sleep(30);
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(r.shown.at(-1)).toContain('<b>FAILED</b>');
    const count = r.shown.length;
    await sleep(30);
    expect(r.shown.length).toBe(count);
  });

  it('stays quiet when the slot throws (tslab outside a kernel) or there is none, and stops asking', async () => {
    for (const html of [() => { throw new Error('Not ready'); }, undefined]) {
      let asked = 0;
      const slot = () => (asked++, html && { html });
      await expect(withProgress({ label: 'q', delayMs: 1, intervalMs: 1, slot }, async () => { await sleep(30); return 'ok'; })).resolves.toBe('ok');
      await expect(withProgress({ label: 'q', delayMs: 1, intervalMs: 1, slot }, async () => { await sleep(30); throw new Error('boom'); })).rejects.toThrow('boom');
      expect(asked).toBe(2);
    }
  });
});
