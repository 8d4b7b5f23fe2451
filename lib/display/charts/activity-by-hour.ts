/** Bars per hour of day (UTC), every hour on the axis, after-hours activity marked out. */

import { OptionError } from '../../errors';
import type { QueryResultData, Value } from '../../result/types';
import { formatCount, plural } from '../format';
import { Chart } from './chart';
import { categoryText, chartColumn, countValue, fieldRef, freshKey, type ChartColumn } from './data';
import { labelLengthOption } from './labels';
import { limitSeries, maxSeriesOption } from './series';
import { capRows, CHART_CONFIG, chartSettings, chartTitle, emptyChartSpec, leftOutNote, toJsonSpec, VEGA_LITE_SCHEMA, type ChartOptions } from './spec';

// @ts-expect-error TS1542 (type import of an ES module from CommonJS); only checks the literal below.
type TopLevelSpec = import('vega-lite').TopLevelSpec;

/**
 * Options of {@link activityByHourChart}.
 *
 * @example
 * activityByHourChart(result, { series: 'outcome', workingHours: [9, 17] });
 */
export interface ActivityByHourOptions extends ChartOptions {
  /** The column with the hour of day, 0–23 in UTC. Default `hour`. */
  readonly hour?: string;
  /** The column with the number of events in that hour. Default `events`. */
  readonly count?: string;
  /** A column to stack and colour the bars by (an entity, an outcome). Default: none. */
  readonly series?: string;
  /**
   * Working hours in UTC as `[start, end)`: `[8, 18]` is 08:00 to 17:59. `start > end` wraps
   * past midnight (`[16, 2]` for 08:00–18:00 US Pacific). Default `[8, 18]`.
   */
  readonly workingHours?: readonly [number, number];
  /** The most series coloured; the rest are combined. Default 10. */
  readonly maxSeries?: number;
  /** Longest series label in characters. Default 64. */
  readonly labelLength?: number;
}

const WHERE = 'activityByHourChart';
/** The 24 hours as axis values, so hours without activity still get their place. */
const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
const WORKING = 'working hours';
const AFTER_HOURS = 'after hours';

/**
 * Bars of activity per hour of day in UTC, all 24 hours on the axis even when some have no
 * rows. Hours outside working hours are shaded and (without a series) their bars are drawn
 * in a warning colour, so after-hours activity stands out. Rows for the same hour (and
 * series) are added up; rows without a valid hour or count are left out and counted in the
 * subtitle.
 *
 * @throws OptionError naming the option, for an unknown option or a column the result lacks
 * @example
 * const byHour = await queryResults(sql`SELECT hour(eventtime) AS hour, count(*) AS events
 *   FROM cloudtrail WHERE useridentity.arn = ${suspect} GROUP BY 1`);
 * await activityByHourChart(byHour).display();
 */
export function activityByHourChart(result: QueryResultData, options: ActivityByHourOptions = {}): Chart {
  const own = ['hour', 'count', 'series', 'workingHours', 'maxSeries', 'labelLength'];
  const settings = chartSettings(WHERE, options, own, { title: 'Activity by hour of day (UTC)', maxRows: 5000, width: 480, height: 220 });
  const [start, end] = workingHoursOption(options.workingHours);
  const maxSeries = maxSeriesOption(WHERE, options.maxSeries);
  const labelLength = labelLengthOption(WHERE, options.labelLength);
  const hour = chartColumn(result, 'hour', options.hour ?? 'hour', WHERE);
  const count = chartColumn(result, 'count', options.count ?? 'events', WHERE);
  const series: ChartColumn | undefined = options.series === undefined ? undefined : chartColumn(result, 'series', options.series, WHERE);
  const working = (h: number) => (start < end ? h >= start && h < end : h >= start || h < end);

  // Sum per (hour, series); the series total decides which series keep their own colour.
  const sums = new Map<string, { hour: number; series: string; n: number }>();
  const seriesTotals = new Map<string, number>();
  let invalid = 0;
  for (const row of result.rows) {
    const h = hourValue(row[hour.index] ?? null);
    const n = countValue(row[count.index] ?? null);
    if (h === null || n === null) {
      invalid++;
      continue;
    }
    const s = series ? categoryText(row[series.index] ?? null) : '';
    const key = `${h}\u0000${s}`;
    const sum = sums.get(key) ?? { hour: h, series: s, n: 0 };
    sum.n += n;
    sums.set(key, sum);
    seriesTotals.set(s, (seriesTotals.get(s) ?? 0) + n);
  }
  const plan = series ? limitSeries(seriesTotals, maxSeries, 'series', labelLength) : undefined;

  const hourKey = hour.key;
  const countKey = freshKey(count.key, [hourKey]);
  const seriesKey = series ? freshKey(series.key, [hourKey, countKey]) : undefined;
  const periodKey = freshKey('period', [hourKey, countKey, ...(seriesKey ? [seriesKey] : [])]);
  const textKey = freshKey('description', [hourKey, countKey, periodKey, ...(seriesKey ? [seriesKey] : [])]);
  const combined = new Map<string, { [key: string]: string | number }>();
  for (const { hour: h, series: s, n } of sums.values()) {
    const label = plan ? plan.label(s) : '';
    const key = `${h}\u0000${label}`;
    const datum = combined.get(key) ?? {
      [hourKey]: HOURS[h] ?? String(h),
      ...(seriesKey ? { [seriesKey]: label } : {}),
      [periodKey]: working(h) ? WORKING : AFTER_HOURS,
      [countKey]: 0,
    };
    datum[countKey] = Number(datum[countKey]) + n;
    datum[textKey] = `${HOURS[h] ?? h}:00 UTC${seriesKey ? `, ${label}` : ''}: ${formatCount(Number(datum[countKey]))} ${count.name} (${datum[periodKey]})`;
    combined.set(key, datum);
  }
  const sorted = [...combined.values()].sort((a, b) => (String(a[hourKey]) < String(b[hourKey]) ? -1 : String(a[hourKey]) > String(b[hourKey]) ? 1 : 0));
  const { kept, note } = capRows(sorted, settings.maxRows, 'bars', 'first');

  const range = `${HOURS[start]}:00–${HOURS[end % 24]}:00 UTC`;
  const notes = [
    `Shaded: after hours (outside ${range})`,
    ...(invalid > 0 ? [leftOutNote(invalid, `without a valid ${hour.name} (0–23) or ${count.name}`)] : []),
    ...(plan?.note ? [plan.note] : []),
    ...(note ? [note] : []),
  ];
  const afterHours = HOURS.filter((_, h) => !working(h)).map((h) => ({ [hourKey]: h }));
  const x = {
    field: fieldRef(hourKey),
    type: 'ordinal',
    scale: { domain: HOURS, paddingInner: 0.15 },
    axis: { title: 'Hour of day (UTC)', labelAngle: 0 },
  } as const;
  const color = seriesKey
    ? ({ field: fieldRef(seriesKey), type: 'nominal', title: series?.name ?? null, scale: { domain: [...(plan?.domain ?? [])] } } as const)
    : ({ field: fieldRef(periodKey), type: 'nominal', title: null, scale: { domain: [WORKING, AFTER_HOURS], range: ['#7f9fc4', '#d9480f'] } } as const);

  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: chartTitle(settings.title, notes),
    width: settings.width,
    height: settings.height ?? 220,
    data: { values: kept },
    layer: [
      {
        // Its own data: the band covers after-hours even where there are no bars.
        data: { values: afterHours },
        mark: { type: 'rect', color: '#fbe3cf', tooltip: null },
        encoding: { x },
      },
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x,
          y: { field: fieldRef(countKey), type: 'quantitative', stack: 'zero', title: count.name },
          color,
          description: { field: fieldRef(textKey) },
          tooltip: [
            { field: fieldRef(hourKey), type: 'ordinal', title: 'hour (UTC)' },
            ...(seriesKey ? [{ field: fieldRef(seriesKey), type: 'nominal', title: series?.name ?? 'series' } as const] : []),
            { field: fieldRef(countKey), type: 'quantitative', title: count.name, format: ',' },
            { field: fieldRef(periodKey), type: 'nominal', title: 'period' },
          ],
        },
      },
    ],
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;

  const total = kept.reduce((sum, d) => sum + Number(d[countKey]), 0);
  const after = kept.filter((d) => d[periodKey] === AFTER_HOURS).reduce((sum, d) => sum + Number(d[countKey]), 0);
  return new Chart(kept.length === 0 ? emptyChartSpec(settings, notes.slice(1)) : toJsonSpec(spec), {
    title: settings.title,
    summary:
      `${formatCount(total)} ${count.name} in ${plural(new Set(kept.map((d) => d[hourKey])).size, 'hour')}, ` +
      `${formatCount(after)} after hours` + (notes.length > 1 ? `; ${notes.slice(1).join('; ')}` : ''),
  });
}

/** An hour cell as 0–23, or `null`: whole numbers, bigints and numeric text (`'08'`). */
function hourValue(value: Value): number | null {
  const n = countValue(value);
  return n !== null && Number.isInteger(n) && n >= 0 && n <= 23 ? n : null;
}

function workingHoursOption(value: unknown): [number, number] {
  if (value === undefined) return [8, 18];
  const hour = (h: unknown, max: number): h is number => typeof h === 'number' && Number.isInteger(h) && h >= 0 && h <= max;
  if (Array.isArray(value) && value.length === 2 && hour(value[0], 23) && hour(value[1], 24) && value[0] !== value[1]) {
    return [value[0], value[1]];
  }
  throw new OptionError(
    'workingHours',
    value,
    `${WHERE}: option "workingHours" must be [start, end] in whole UTC hours (start 0–23, end 0–24, different), ` +
      `e.g. [8, 18]; got ${JSON.stringify(value)}`,
  );
}
