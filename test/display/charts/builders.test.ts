import { describe, expect, it } from 'vitest';
import {
  activityByHourChart,
  failuresOverTimeChart,
  timelineChart,
  topEntitiesChart,
} from '../../../lib/display/charts';
import { QueryResult } from '../../../lib/result/query-result';
import { makeData } from '../../result/fixtures';
import { optionError } from '../../support/capture';
import {
  activityByHour,
  ALICE,
  DEPLOY,
  events,
  failuresOverTime,
  HOSTILE,
  specValues,
  topEntities,
} from './fixtures';

function subtitle(spec: { [key: string]: unknown }): string[] {
  return (spec.title as { subtitle?: string[] }).subtitle ?? [];
}

describe('every chart builder', () => {
  const cases = [
    ['topEntitiesChart', () => topEntitiesChart(topEntities([ALICE]), { entity: 'arn' }), 'entity', 'arn'],
    ['failuresOverTimeChart', () => failuresOverTimeChart(failuresOverTime([[0, ALICE, 1]]), { time: 'minute' }), 'time', 'minute'],
    ['activityByHourChart', () => activityByHourChart(activityByHour([[3, 1]]), { series: 'outcome' }), 'series', 'outcome'],
  ] as const;

  it.each(cases)('%s: a missing column is an OptionError naming the option', (_name, build, option, value) => {
    expect(optionError(build)).toMatchObject({ option, value });
  });

  it('timelineChart: a missing default column names the option and lists the columns', () => {
    const result = new QueryResult(makeData([['time', 'timestamp']], []));
    const error = optionError(() => timelineChart(result));
    expect(error).toMatchObject({ option: 'time', value: 'eventtime' });
    expect(error.message).toContain('"time"');
  });

  it('rejects unknown option names and bad common options', () => {
    const top = topEntities([ALICE]);
    // @ts-expect-error a typo must fail, not be ignored
    expect(optionError(() => topEntitiesChart(top, { entitiy: 'entity' }))).toMatchObject({ option: 'entitiy' });
    expect(optionError(() => topEntitiesChart(top, { maxRows: 0 }))).toMatchObject({ option: 'maxRows' });
    expect(optionError(() => topEntitiesChart(top, { title: '' }))).toMatchObject({ option: 'title' });
    expect(optionError(() => timelineChart(events(1), { width: 10.5 }))).toMatchObject({ option: 'width' });
  });

  it('gives JSON-safe specs: bigint and Date become numbers and ISO text', () => {
    const charts = [
      topEntitiesChart(topEntities([ALICE, DEPLOY])),
      failuresOverTimeChart(failuresOverTime([[0, ALICE, 2], [1, DEPLOY, 3]])),
      activityByHourChart(activityByHour([[3n, 4]])),
      timelineChart(events(4)),
    ];
    for (const chart of charts) {
      expect(JSON.parse(JSON.stringify(chart.spec))).toEqual(chart.spec);
      expect(JSON.stringify(chart)).toBe(JSON.stringify(chart.spec));
      expect(chart.spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json');
    }
    const [top, overTime, byHour, timeline] = charts.map((c) => specValues(c.spec));
    expect(top?.[0]).toMatchObject({ entity: ALICE, failures: 2 });
    expect(overTime?.[0]).toMatchObject({ bucket: '2024-03-01T00:00:00.000Z', failures: 2 });
    expect(byHour?.[0]).toMatchObject({ hour: '03', events: 4 });
    expect(timeline?.find((d) => d.eventname === 'Call1')).toMatchObject({ eventtime: '2024-03-01T00:01:00.000Z' });
  });

  it('says so when there is nothing to chart', () => {
    const charts = [
      topEntitiesChart(topEntities([])),
      failuresOverTimeChart(failuresOverTime([])),
      activityByHourChart(activityByHour([])),
      timelineChart(events(0)),
    ];
    for (const chart of charts) expect(chart.spec.encoding).toEqual({ text: { value: 'No rows to chart' } });
  });

  it('uses the title option', () => {
    const chart = topEntitiesChart(topEntities([ALICE]), { title: 'Who failed' });
    expect(chart.title).toBe('Who failed');
    expect(chart.spec.title).toEqual({ text: 'Who failed' });
  });
});

describe('topEntitiesChart', () => {
  it('sorts descending, adds up repeated entities, and labels ARNs readably with the full value kept', () => {
    const result = topEntities([ALICE, DEPLOY, ALICE, 'ci-deploy'], [2, 5, 4, 5]);
    const values = specValues(topEntitiesChart(result).spec);
    expect(values.map((v) => [v.entity, v.failures])).toEqual([
      [ALICE, 6],
      [DEPLOY, 5], // ties by name
      ['ci-deploy', 5],
    ]);
    expect(values[0]?.label).toBe('alice (user, 123456789012)');
    expect(values[1]?.label).toBe('DeployRole/ci-session (role session, 123456789012)');
  });

  it('keeps the top maxRows bars and says how many were left out', () => {
    const names = Array.from({ length: 12 }, (_, i) => `user-${String(i).padStart(2, '0')}`);
    const chart = topEntitiesChart(topEntities(names), { maxRows: 5 });
    expect(specValues(chart.spec).map((v) => v.entity)).toEqual(names.slice(0, 5));
    expect(subtitle(chart.spec)).toEqual(['Top 5 of 12 entities shown; 7 left out (maxRows)']);
    expect(chart.description).toContain('7 left out');
  });

  it('reports rows without a count instead of dropping them silently', () => {
    const result = new QueryResult(
      makeData(
        [
          ['entity', 'string'],
          ['failures', 'bigint'],
        ],
        [
          [ALICE, 3n],
          [DEPLOY, null],
        ],
      ),
    );
    const chart = topEntitiesChart(result);
    expect(specValues(chart.spec)).toHaveLength(1);
    expect(subtitle(chart.spec)).toEqual(['1 row without a valid failures left out']);
  });

  it('escapes column names with dots for Vega-Lite and shows them as titles', () => {
    const result = new QueryResult(
      makeData(
        [
          ['useridentity.arn', 'string'],
          ['n', 'integer'],
        ],
        [[ALICE, 1]],
      ),
    );
    const spec = topEntitiesChart(result, { entity: 'useridentity.arn', count: 'n' }).spec;
    const tooltip = (spec.encoding as { tooltip: { field: string; title: string }[] }).tooltip;
    expect(tooltip[0]).toMatchObject({ field: 'useridentity\\.arn', title: 'useridentity.arn' });
  });
});

describe('legends', () => {
  it('puts the timeline legend above the plot, and leaves room at the right of every chart', () => {
    const timeline = timelineChart(events(4)).spec as { encoding: { color: { legend: unknown } }; config: { padding: { right: number } } };
    expect(timeline.encoding.color.legend).toEqual({ orient: 'top', direction: 'horizontal' });
    for (const chart of [timelineChart(events(4)), failuresOverTimeChart(failuresOverTime([[0, ALICE, 1]])), topEntitiesChart(topEntities([ALICE]))]) {
      expect((chart.spec.config as { padding: { right: number } }).padding.right).toBeGreaterThanOrEqual(40);
    }
  });
});

describe('failuresOverTimeChart', () => {
  it('stacks bars one bucket wide, largest entity at the bottom', () => {
    const chart = failuresOverTimeChart(failuresOverTime([[0, ALICE, 2], [0, DEPLOY, 5], [3, ALICE, 1]]));
    const values = specValues(chart.spec);
    const first = values.filter((v) => v.bucket === '2024-03-01T00:00:00.000Z');
    expect(first.map((v) => [v.entity, v.failures_low, v.failures_high])).toEqual([
      [DEPLOY, 0, 5],
      [ALICE, 5, 7],
    ]);
    // Hourly buckets at 00:00 and 03:00: an hour wide, not three.
    expect(values.every((v) => Date.parse(String(v.bucket_end)) - Date.parse(String(v.bucket)) === 3_600_000)).toBe(true);
    expect(chart.spec.encoding).toMatchObject({ x: { type: 'temporal', scale: { type: 'utc' } } });
  });

  it('combines entities past maxSeries into one series and says so', () => {
    const rows = ['a', 'b', 'c', 'd', 'e'].map((e, i) => [0, e, 10 - i] as const);
    const chart = failuresOverTimeChart(failuresOverTime(rows), { maxSeries: 3 });
    const values = specValues(chart.spec);
    expect(values.map((v) => v.series)).toEqual(['a', 'b', '(3 other entities)']);
    expect(values[2]).toMatchObject({ failures: 8 + 7 + 6, entity: '(3 other entities)' });
    expect(subtitle(chart.spec)).toContain('3 entities combined as "(3 other entities)" (maxSeries)');
  });

  it('draws lines with a zero where an entity has no failures', () => {
    const chart = failuresOverTimeChart(failuresOverTime([[0, ALICE, 2], [1, DEPLOY, 1]]), { mark: 'line' });
    expect(specValues(chart.spec).map((v) => [v.bucket, v.entity, v.failures])).toEqual([
      ['2024-03-01T00:00:00.000Z', ALICE, 2],
      ['2024-03-01T00:00:00.000Z', DEPLOY, 0],
      ['2024-03-01T01:00:00.000Z', ALICE, 0],
      ['2024-03-01T01:00:00.000Z', DEPLOY, 1],
    ]);
    expect(optionError(() => failuresOverTimeChart(failuresOverTime([]), { mark: 'area' as 'bar' }))).toMatchObject({ option: 'mark' });
  });

  it('reads zoneless time text as UTC and reports rows without a time', () => {
    const result = new QueryResult(
      makeData(
        [
          ['bucket', 'string'],
          ['entity', 'string'],
          ['failures', 'integer'],
        ],
        [
          ['2024-03-01 05:00:00.000', ALICE, 1],
          [null, ALICE, 1],
        ],
      ),
    );
    const chart = failuresOverTimeChart(result);
    expect(specValues(chart.spec).map((v) => v.bucket)).toEqual(['2024-03-01T05:00:00.000Z']);
    expect(subtitle(chart.spec)).toEqual(['1 row without a valid bucket or failures left out']);
  });
});

describe('activityByHourChart', () => {
  it('puts all 24 hours on the axis and marks after-hours bars and band', () => {
    const chart = activityByHourChart(activityByHour([[3, 4], [9, 10], [9, 1], ['17', 2], [18, 1]]));
    const spec = chart.spec as { layer: { data?: { values: { hour: string }[] }; encoding: { x: { scale: { domain: string[] } } } }[] };
    expect(spec.layer[1]?.encoding.x.scale.domain).toEqual(Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')));
    expect(specValues(chart.spec).map((v) => [v.hour, v.events, v.period])).toEqual([
      ['03', 4, 'after hours'],
      ['09', 11, 'working hours'],
      ['17', 2, 'working hours'],
      ['18', 1, 'after hours'],
    ]);
    const band = spec.layer[0]?.data?.values.map((v) => v.hour);
    expect(band).toEqual(['00', '01', '02', '03', '04', '05', '06', '07', '18', '19', '20', '21', '22', '23']);
    expect(subtitle(chart.spec)[0]).toBe('Shaded: after hours (outside 08:00–18:00 UTC)');
  });

  it('wraps working hours past midnight and validates them', () => {
    const chart = activityByHourChart(activityByHour([[1, 1], [3, 1], [20, 1]]), { workingHours: [16, 2] });
    expect(specValues(chart.spec).map((v) => v.period)).toEqual(['working hours', 'after hours', 'working hours']);
    for (const bad of [[8, 8], [8], [-1, 5], [8, 25], [8.5, 17], 'day'] as const) {
      // @ts-expect-error bad values on purpose
      expect(optionError(() => activityByHourChart(activityByHour([]), { workingHours: bad }))).toMatchObject({ option: 'workingHours' });
    }
  });

  it('stacks by a series column and reports rows with an impossible hour', () => {
    const chart = activityByHourChart(activityByHour([[2, 3, 'failed'], [2, 4, 'ok'], [24, 9, 'ok'], [null, 1, 'ok']]), { series: 'entity' });
    expect(specValues(chart.spec).map((v) => [v.hour, v.entity, v.events])).toEqual([
      ['02', 'failed', 3],
      ['02', 'ok', 4],
    ]);
    expect(subtitle(chart.spec)).toContain('2 rows without a valid hour (0–23) or events left out');
    expect(chart.spec.layer).toMatchObject([{}, { encoding: { color: { field: 'entity', scale: { domain: ['ok', 'failed'] } } } }]);
  });
});

describe('timelineChart', () => {
  it('colours failed events apart from succeeded ones and draws failures on top', () => {
    const chart = timelineChart(events(20, 5));
    const values = specValues(chart.spec);
    expect(values.filter((v) => v.outcome === 'failed').map((v) => v.errorcode)).toEqual(Array(4).fill('AccessDenied'));
    expect(values.filter((v) => v.outcome === 'succeeded').every((v) => v.errorcode === null)).toBe(true);
    expect(values.slice(-4).every((v) => v.outcome === 'failed')).toBe(true);
    const color = (chart.spec.encoding as { color: { scale: { domain: string[]; range: string[] } } }).color.scale;
    const colourOf = (outcome: string) => color.range[color.domain.indexOf(outcome)];
    expect(colourOf('failed')).not.toBe(colourOf('succeeded'));
    expect(chart.description).toBe('Chart "Event timeline": 20 events, 4 failed, 3 services');
  });

  it('puts every other column in the tooltip', () => {
    const tooltip = (timelineChart(events(2)).spec.encoding as { tooltip: { title: string }[] }).tooltip;
    expect(tooltip.map((t) => t.title)).toEqual(['eventtime (UTC)', 'eventname', 'eventsource', 'errorcode', 'sourceipaddress']);
  });

  it('counts an empty error code as success', () => {
    const result = new QueryResult(
      makeData(
        [
          ['eventtime', 'timestamp'],
          ['eventsource', 'string'],
          ['eventname', 'string'],
          ['errorcode', 'string'],
        ],
        [[new Date(0), 'iam.amazonaws.com', 'GetUser', '']],
      ),
    );
    expect(specValues(timelineChart(result).spec)[0]?.outcome).toBe('succeeded');
  });

  it('keeps the first maxRows events and reports the rest and events without a time', () => {
    const base = events(10);
    const rows = [...base.rows, [null, 'iam.amazonaws.com', 'X', null, null]];
    const chart = timelineChart(new QueryResult({ ...base, rows }), { maxRows: 6 });
    expect(specValues(chart.spec)).toHaveLength(6);
    expect(subtitle(chart.spec)).toEqual([
      '1 row without a valid eventtime left out',
      'First 6 of 10 events shown; 4 left out (maxRows)',
    ]);
  });

  it('keeps hostile values as data, never in expressions', () => {
    const result = new QueryResult(
      makeData(
        [
          ['eventtime', 'timestamp'],
          ['eventsource', 'string'],
          ['eventname', 'string'],
          ['errorcode', 'string'],
        ],
        [[new Date(0), HOSTILE, `"; alert(1); "`, null]],
      ),
    );
    const text = JSON.stringify(timelineChart(result).spec);
    const withoutData = JSON.stringify({ ...timelineChart(result).spec, data: null });
    expect(text).toContain('alert(1)');
    expect(withoutData).not.toContain('alert(1)');
  });
});
