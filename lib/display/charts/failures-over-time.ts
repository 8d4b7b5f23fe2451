/** Authorization failures per time bucket, stacked (or drawn as lines) by IAM entity. */

import { OptionError } from '../../errors';
import type { QueryResultData } from '../../result/types';
import { formatCount, plural } from '../format';
import { Chart } from './chart';
import { categoryText, chartColumn, countValue, fieldRef, freshKey, utcTime } from './data';
import { labelLengthOption } from './labels';
import { limitSeries, maxSeriesOption } from './series';
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
}

const WHERE = 'failuresOverTimeChart';

/**
 * Authorization failures over time per IAM entity: one stacked bar per time bucket (or one
 * line per entity), on a UTC time axis. Entities beyond `maxSeries` (by total) are combined
 * into one series; rows without a valid time or count are left out; the subtitle says both.
 * A bar is as wide as the bucket, read from the spacing and alignment of the bucket times.
 *
 * @throws OptionError naming the option, for an unknown option or a column the result lacks
 * @example
 * const failures = await queryResults(sql`SELECT date_trunc('hour', eventtime) AS bucket,
 *   useridentity.arn AS entity, count(*) AS failures FROM cloudtrail
 *   WHERE errorcode IN ('AccessDenied', 'UnauthorizedOperation') GROUP BY 1, 2`);
 * await failuresOverTimeChart(failures).display();
 */
export function failuresOverTimeChart(result: QueryResultData, options: FailuresOverTimeOptions = {}): Chart {
  const own = ['time', 'entity', 'count', 'mark', 'maxSeries', 'labelLength'];
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

  const sums = new Map<string, Map<string, number>>(); // bucket → entity → failures
  const totals = new Map<string, number>();
  let invalid = 0;
  for (const row of result.rows) {
    const t = utcTime(row[time.index] ?? null);
    const n = countValue(row[count.index] ?? null);
    if (t === null || n === null) {
      invalid++;
      continue;
    }
    const e = categoryText(row[entity.index] ?? null);
    const bucket = sums.get(t) ?? new Map<string, number>();
    bucket.set(e, (bucket.get(e) ?? 0) + n);
    sums.set(t, bucket);
    totals.set(e, (totals.get(e) ?? 0) + n);
  }
  const plan = limitSeries(totals, maxSeries, 'entities', labelLength);
  const buckets = [...sums.keys()].sort();
  const width = bucketWidthMs(buckets.map((t) => Date.parse(t)));

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
  const x = { field: fieldRef(timeKey), type: 'temporal', scale: { type: 'utc' }, axis: { title: `${time.name} (UTC)` } } as const;
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
    mark: mark === 'bar' ? { type: 'rect', tooltip: true, stroke: 'white', strokeWidth: 0.5 } : { type: 'line', point: true, tooltip: true },
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
      `${formatCount(total)} ${count.name}, ${plural(totals.size, 'entity', 'entities')}, ${plural(buckets.length, 'time bucket')}` +
      (notes.length > 0 ? `; ${notes.join('; ')}` : ''),
  });
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNITS = [DAY, HOUR, 30 * MINUTE, 15 * MINUTE, 10 * MINUTE, 5 * MINUTE, MINUTE, SECOND];

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
