import { describe, expect, it } from 'vitest';
import { failuresOverTimeChart, renderSvg } from '../../../lib/display/charts';
import { autoBin, binStart, TIME_BINS } from '../../../lib/display/charts/time-bins';
import { optionError } from '../../support/capture';
import { ALICE, DEPLOY, failuresOverTime, HOUR_MS, specValues, T0 } from './fixtures';

const DAY_MS = 24 * HOUR_MS;

/** Hourly rows over `days` days: ALICE fails every 5 hours, DEPLOY in a burst on day 11. */
function month(days: number): [number, string, number][] {
  const rows: [number, string, number][] = [];
  for (let h = 0; h < days * 24; h++) {
    if (h % 5 === 0) rows.push([h, ALICE, 1 + (h % 3)]);
    if (h >= 11 * 24 + 2 && h < 11 * 24 + 6) rows.push([h, DEPLOY, 40]);
  }
  return rows;
}

/** Failures per (UTC day, entity), added up in plain JS. */
function perDay(rows: readonly [number, string, number][]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const [h, e, n] of rows) {
    const day = new Date(Math.floor((T0 + h * HOUR_MS) / DAY_MS) * DAY_MS).toISOString();
    sums.set(`${day} ${e}`, (sums.get(`${day} ${e}`) ?? 0) + n);
  }
  return sums;
}

describe('time bins', () => {
  it('picks the finest bin that gives at most 100 bars, never finer than the data', () => {
    expect(autoBin(DAY_MS, HOUR_MS)).toBe('hour');
    expect(autoBin(3 * DAY_MS, HOUR_MS)).toBe('hour');
    expect(autoBin(7 * DAY_MS, HOUR_MS)).toBe('6 hours');
    expect(autoBin(30 * DAY_MS, HOUR_MS)).toBe('day');
    expect(autoBin(31 * DAY_MS, HOUR_MS)).toBe('day');
    expect(autoBin(365 * DAY_MS, HOUR_MS)).toBe('week');
    expect(autoBin(HOUR_MS, 60_000)).toBe('minute');
    expect(autoBin(DAY_MS, DAY_MS)).toBe('day');
  });

  it('starts bins on UTC boundaries, weeks on Monday', () => {
    const t = Date.parse('2024-03-06T13:20:45Z'); // a Wednesday
    expect(new Date(binStart(t, 'hour')).toISOString()).toBe('2024-03-06T13:00:00.000Z');
    expect(new Date(binStart(t, '6 hours')).toISOString()).toBe('2024-03-06T12:00:00.000Z');
    expect(new Date(binStart(t, 'day')).toISOString()).toBe('2024-03-06T00:00:00.000Z');
    expect(new Date(binStart(t, 'week')).toISOString()).toBe('2024-03-04T00:00:00.000Z');
    expect(new Date(binStart(t, '15 minutes')).toISOString()).toBe('2024-03-06T13:15:00.000Z');
  });

  it('adds hourly buckets over a month up into days, so the burst is a bar', () => {
    const rows = month(30);
    const chart = failuresOverTimeChart(failuresOverTime(rows));
    const values = specValues(chart.spec);
    const expected = perDay(rows);
    expect(values).toHaveLength(expected.size);
    for (const v of values) {
      expect(v.failures).toBe(expected.get(`${String(v.bucket)} ${String(v.entity)}`));
      expect(Date.parse(String(v.bucket_end)) - Date.parse(String(v.bucket))).toBe(DAY_MS);
    }
    const burst = values.find((v) => v.entity === DEPLOY);
    expect(burst).toMatchObject({ bucket: new Date(T0 + 11 * DAY_MS).toISOString(), failures: 160 });
    expect(chart.spec.encoding).toMatchObject({ x: { axis: { title: 'bucket (UTC, per day)' } } });
    expect(chart.description).toContain('30 time buckets, per day');
  });

  it('keeps hours for a day', () => {
    const rows = month(1);
    const values = specValues(failuresOverTimeChart(failuresOverTime(rows)).spec);
    expect(values.map((v) => v.failures)).toEqual(rows.map((r) => r[2]));
    expect(values.every((v) => Date.parse(String(v.bucket_end)) - Date.parse(String(v.bucket)) === HOUR_MS)).toBe(true);
  });

  it('follows the window when given: its span picks the bin and bounds the axis', () => {
    const window = { start: new Date(T0), end: new Date(T0 + 30 * DAY_MS) };
    const rows: [number, string, number][] = [[2, ALICE, 3], [3, ALICE, 4], [30, DEPLOY, 1]];
    const chart = failuresOverTimeChart(failuresOverTime(rows), { window });
    expect(specValues(chart.spec).map((v) => [v.bucket, v.entity, v.failures])).toEqual([
      [new Date(T0).toISOString(), ALICE, 7],
      [new Date(T0 + DAY_MS).toISOString(), DEPLOY, 1],
    ]);
    expect(chart.spec.encoding).toMatchObject({ x: { scale: { type: 'utc', domainMin: T0, domainMax: T0 + 30 * DAY_MS } } });
    // The same rows without a window span a day and a bit: hours.
    expect(specValues(failuresOverTimeChart(failuresOverTime(rows)).spec)).toHaveLength(3);
  });

  it("takes a bin by name, or 'none' for the query's buckets", () => {
    const rows = month(30);
    const sixHours = specValues(failuresOverTimeChart(failuresOverTime(rows), { bin: '6 hours' }).spec);
    expect(sixHours.every((v) => Date.parse(String(v.bucket)) % TIME_BINS['6 hours'] === 0)).toBe(true);
    const none = specValues(failuresOverTimeChart(failuresOverTime(rows), { bin: 'none' }).spec);
    expect(none).toHaveLength(rows.length);
    expect(sixHours.reduce((s, v) => s + Number(v.failures), 0)).toBe(rows.reduce((s, r) => s + r[2], 0));
  });

  it('renders a windowed, binned chart without warnings', async () => {
    const warnings: string[] = [];
    const chart = failuresOverTimeChart(failuresOverTime(month(30)), { window: { start: new Date(T0), end: new Date(T0 + 31 * DAY_MS) } });
    await renderSvg(chart.spec, { onWarning: (m) => void warnings.push(m) });
    expect(warnings).toEqual([]);
  });

  it('rejects a bad bin or window with OptionError naming it', () => {
    const result = failuresOverTime([[0, ALICE, 1]]);
    expect(optionError(() => failuresOverTimeChart(result, { bin: 'fortnight' as never }))).toMatchObject({ option: 'bin' });
    expect(optionError(() => failuresOverTimeChart(result, { window: { start: '2024-03-02', end: '2024-03-01' } }))).toMatchObject({ option: 'window' });
    expect(optionError(() => failuresOverTimeChart(result, { window: { start: 'soon', end: '2024-03-01' } }))).toMatchObject({ option: 'window' });
  });
});
