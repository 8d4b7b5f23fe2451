/** Authorization failures per time bucket, stacked (or drawn as lines) by IAM entity. */

import { OptionError } from '../../errors';
import type { QueryResultData } from '../../result/types';
import { formatCount, plural } from '../format';
import { Chart } from './chart';
import { categoryText, chartColumn, countValue, fieldRef, freshKey, utcTime } from './data';
import { labelLengthOption } from './labels';
import { limitSeries, maxSeriesOption } from './series';
import { autoBin, binOption, binStart, TIME_BINS, windowOption, type ChartWindow, type TimeBin, type TimeBinOption } from './time-bins';
import { capRows, CHART_CONFIG, chartSettings, chartTitle, emptyChartSpec, leftOutNote, toJsonSpec, VEGA_LITE_SCHEMA, type ChartOptions } from './spec';

// @ts-expect-error TS1542 (type import of an ES module from CommonJS); only checks the literal below.
type TopLevelSpec = import('vega-lite').TopLevelSpec;

/**
 * Options of {@link failuresOverTimeChart}.
 *
 * @example
 * failuresOverTimeChart(result, { time: 'minute', mark: 'line', maxSeries: 5 });
 */
export interface FailuresOverTimeOptions extends ChartOptions {
  /** The column with each bucket's start time (a timestamp, UTC). Default `bucket`. */
  readonly time?: string;
  /** The column naming the IAM entity. Default `entity`. */
  readonly entity?: string;
  /** The column with the number of failures in the bucket. Default `failures`. */
  readonly count?: string;
  /** `bar`: stacked bars one bucket wide (default); `line`: one line per entity. */
  readonly mark?: 'bar' | 'line';
  /** The most entities coloured; the rest are combined into one. Default 10. */
  readonly maxSeries?: number;
  /** Longest legend label in characters; the tooltip has the full value. Default 64. */
  readonly labelLength?: number;
  /**
   * The time span the chart covers (a playbook's `window`): the time axis runs from its start
   * to its end, and `bin: 'auto'` picks bins from its length. Default: the span of the data.
   */
  readonly window?: ChartWindow;
  /**
   * Bar width: `'auto'` (default) follows the window (hours for a day, 6 hours for a week,
   * days for a month, at most 100 bars, never finer than the query's buckets); a unit
   * (`'hour'`, `'day'`, …) adds the query's buckets up into it; `'none'` keeps them as they are.
   */
  readonly bin?: TimeBinOption;
}

const WHERE = 'failuresOverTimeChart';

/**
 * Authorization failures over time per IAM entity: one stacked bar per time bucket (or one
 * line per entity), on a UTC time axis. Entities beyond `maxSeries` (by total) are combined
 * into one series; rows without a valid time or count are left out; the subtitle says both.
 * Bars follow the window (`window` option, else the data's span): hourly buckets over a month
 * are added up into days, so a burst is a bar, not a hairline; `bin` chooses another width.
 *
 * @throws OptionError naming the option, for an unknown option or a column the result lacks
 * @example
 * const failures = await queryResults(sql`SELECT date_trunc('hour', eventtime) AS bucket,
 *   useridentity.arn AS entity, count(*) AS failures FROM cloudtrail
 *   WHERE errorcode IN ('AccessDenied', 'UnauthorizedOperation') GROUP BY 1, 2`);
 * await failuresOverTimeChart(failures).display();
 */
export function failuresOverTimeChart(result: QueryResultData, options: FailuresOverTimeOptions = {}): Chart {
  const own = ['time', 'entity', 'count', 'mark', 'maxSeries', 'labelLength', 'window', 'bin'];
  const settings = chartSettings(WHERE, options, own, {
    title: 'Authorization failures over time by IAM entity',
    maxRows: 5000,
    width: 640,
    height: 260,
  });
  const mark = options.mark ?? 'bar';
  if (mark !== 'bar' && mark !== 'line') {
    throw new OptionError('mark', mark, `${WHERE}: option "mark" must be 'bar' or 'line', got ${String(mark)}`);
  }
  const maxSeries = maxSeriesOption(WHERE, options.maxSeries);
  const labelLength = labelLengthOption(WHERE, options.labelLength);
  const time = chartColumn(result, 'time', options.time ?? 'bucket', WHERE);
  const entity = chartColumn(result, 'entity', options.entity ?? 'entity', WHERE);
  const count = chartColumn(result, 'count', options.count ?? 'failures', WHERE);
  const window = windowOption(WHERE, options.window);
  const binChoice = binOption(WHERE, options.bin);

  const points: { t: number; e: string; n: number }[] = [];
  let invalid = 0;
  for (const row of result.rows) {
    const t = utcTime(row[time.index] ?? null);
    const n = countValue(row[count.index] ?? null);
    if (t === null || n === null) {
      invalid++;
      continue;
    }
    points.push({ t: Date.parse(t), e: categoryText(row[entity.index] ?? null), n });
  }
  const { bin, width, startOf } = binning(points.map((p) => p.t), binChoice, window);
  const sums = new Map<string, Map<string, number>>(); // bin start → entity → failures
  const totals = new Map<string, number>();
  for (const { t, e, n } of points) {
    const key = new Date(startOf(t)).toISOString();
    const bucket = sums.get(key) ?? new Map<string, number>();
    bucket.set(e, (bucket.get(e) ?? 0) + n);
    sums.set(key, bucket);
    totals.set(e, (totals.get(e) ?? 0) + n);
  }
  const plan = limitSeries(totals, maxSeries, 'entities', labelLength);
  const buckets = [...sums.keys()].sort();

  const taken: string[] = [];
  const key = (base: string) => {
    const k = freshKey(base, taken);
    taken.push(k);
    return k;
  };
  const [timeKey, endKey, timeTextKey, entityKey, seriesKey, countKey, lowKey, highKey, textKey] = [
    key(time.key),
    key(`${time.key}_end`),
    key(`${time.key}_utc`),
    key(entity.key),
    key('series'),
    key(count.key),
    key(`${count.key}_low`),
    key(`${count.key}_high`),
    key('description'),
  ];
  // The entity a series stands for in the tooltip: itself, or the combined label for "other".
  const fullName = new Map<string, string>();
  for (const e of totals.keys()) {
    const s = plan.label(e);
    fullName.set(s, fullName.has(s) ? s : e);
  }
  const rows: { [k: string]: string | number }[] = [];
  for (const t of buckets) {
    // In legend order, so the largest series is at the bottom of every stack. A line needs a
    // point (0) in every bucket, or it would be drawn straight across a gap.
    const bySeries = new Map<string, number>(plan.domain.map((s) => [s, 0]));
    for (const [e, n] of sums.get(t) ?? []) bySeries.set(plan.label(e), (bySeries.get(plan.label(e)) ?? 0) + n);
    const end = new Date(Date.parse(t) + width).toISOString();
    let low = 0;
    for (const [s, n] of bySeries) {
      if (n === 0 && mark === 'bar') continue;
      const who = fullName.get(s) ?? s;
      rows.push({
        [timeKey]: t,
        [endKey]: end,
        [timeTextKey]: t,
        [entityKey]: who,
        [seriesKey]: s,
        [countKey]: n,
        [lowKey]: low,
        [highKey]: low + n,
        [textKey]: `${t}: ${who}, ${formatCount(n)} ${count.name}`,
      });
      low += n;
    }
  }
  const { kept, note } = capRows(rows, settings.maxRows, 'points', 'first');
  const notes = [
    ...(invalid > 0 ? [leftOutNote(invalid, `without a valid ${time.name} or ${count.name}`)] : []),
    ...(plan.note ? [plan.note] : []),
    ...(note ? [note] : []),
  ];

  // Bars are stacked here rather than by Vega-Lite, which does not stack a bar given x2
  // (it draws a thin horizontal bar instead).
  const per = bin === undefined ? '' : `, per ${bin}`;
  const x = {
    field: fieldRef(timeKey),
    type: 'temporal' as const,
    scale: { type: 'utc' as const, ...(window ? { domainMin: window.start, domainMax: window.end } : {}) },
    axis: { title: `${time.name} (UTC${per})` },
  };
  const y = { type: 'quantitative', title: count.name, scale: { zero: true } } as const;
  const position =
    mark === 'bar'
      ? { x, x2: { field: fieldRef(endKey) }, y: { ...y, field: fieldRef(highKey) }, y2: { field: fieldRef(lowKey) } }
      : { x, y: { ...y, field: fieldRef(countKey) } };
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: chartTitle(settings.title, notes),
    width: settings.width,
    height: settings.height ?? 260,
    data: { values: kept },
    mark: mark === 'bar' ? { type: 'rect', tooltip: true, stroke: 'white', strokeWidth: 0.5, clip: true } : { type: 'line', point: true, tooltip: true, clip: true },
    encoding: {
      ...position,
      color: { field: fieldRef(seriesKey), type: 'nominal', title: entity.name, scale: { domain: [...plan.domain] } },
      description: { field: fieldRef(textKey) },
      tooltip: [
        { field: fieldRef(timeTextKey), type: 'nominal', title: `${time.name} (UTC)` },
        { field: fieldRef(entityKey), type: 'nominal', title: entity.name },
        { field: fieldRef(countKey), type: 'quantitative', title: count.name, format: ',' },
      ],
    },
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;

  const total = kept.reduce((sum, d) => sum + Number(d[countKey]), 0);
  return new Chart(kept.length === 0 ? emptyChartSpec(settings, notes) : toJsonSpec(spec), {
    title: settings.title,
    summary:
      `${formatCount(total)} ${count.name}, ${plural(totals.size, 'entity', 'entities')}, ${plural(buckets.length, 'time bucket')}${per}` +
      (notes.length > 0 ? `; ${notes.join('; ')}` : ''),
  });
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNITS = [DAY, HOUR, 30 * MINUTE, 15 * MINUTE, 10 * MINUTE, 5 * MINUTE, MINUTE, SECOND];

/**
 * How the query's bucket times become bars: with a bin, each time goes to the start of its bin
 * and a bar is one bin wide; with `'none'`, times stay and a bar is as wide as the buckets.
 */
function binning(
  times: readonly number[],
  choice: TimeBinOption,
  window: { start: number; end: number } | undefined,
): { bin: TimeBin | undefined; width: number; startOf: (t: number) => number } {
  const distinct = [...new Set(times)].sort((a, b) => a - b);
  const queryWidth = bucketWidthMs(distinct);
  if (choice === 'none') return { bin: undefined, width: queryWidth, startOf: (t) => t };
  const first = distinct[0] ?? 0;
  const last = distinct[distinct.length - 1] ?? 0;
  const span = window ? window.end - window.start : last + queryWidth - first;
  const bin = choice === 'auto' ? autoBin(span, queryWidth) : choice;
  return { bin, width: TIME_BINS[bin], startOf: (t) => binStart(t, bin) };
}

/**
 * The width of one bucket: the closest spacing of two buckets, but no wider than the
 * coarsest unit all buckets are aligned to (hourly buckets at 00:00 and 05:00 are an hour
 * wide, not five). One bucket alone is as wide as its alignment.
 */
function bucketWidthMs(times: readonly number[]): number {
  const aligned = UNITS.find((unit) => times.every((t) => t % unit === 0)) ?? SECOND;
  let closest = Infinity;
  for (let i = 1; i < times.length; i++) closest = Math.min(closest, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return Math.max(1, Math.min(aligned, closest));
}
