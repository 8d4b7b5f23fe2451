/** One mark per event on a UTC time axis, a row per AWS service, failures in red. */

import type { QueryResultData } from '../../result/types';
import { revealInvisibles } from '../escape';
import { formatCount, isNumericKind, plural } from '../format';
import { Chart } from './chart';
import { categoryText, chartColumn, chartDatum, chartKeys, fieldRef, freshKey, utcTime, type ChartDatum } from './data';
import { capRows, CHART_CONFIG, chartSettings, chartTitle, emptyChartSpec, leftOutNote, toJsonSpec, VEGA_LITE_SCHEMA, type ChartOptions } from './spec';

// @ts-expect-error TS1542 (type import of an ES module from CommonJS); only checks the literal below.
type TopLevelSpec = import('vega-lite').TopLevelSpec;

/**
 * Options of {@link timelineChart}.
 *
 * @example
 * timelineChart(events, { source: 'service', maxRows: 20000 });
 */
export interface TimelineOptions extends ChartOptions {
  /** The column with the event's time. Default `eventtime`. */
  readonly time?: string;
  /** The column with the API call's name, shown in the tooltip. Default `eventname`. */
  readonly event?: string;
  /** The column with the service, one row of marks each. Default `eventsource`. */
  readonly source?: string;
  /** The column whose non-empty value means the call failed. Default `errorcode`. */
  readonly error?: string;
}

const WHERE = 'timelineChart';
/** The outcome of an event as the chart names it: `failed` when it has an error code. */
const FAILED = 'failed';
const SUCCEEDED = 'succeeded';
const COLORS = { [SUCCEEDED]: '#4c78a8', [FAILED]: '#e45756' } as const;

/**
 * A timeline of events: one tick per event on a UTC time axis, one row per service
 * (`eventsource`), red when the call failed (`errorcode` not NULL or empty) and blue when it
 * succeeded; failures are drawn on top. The tooltip shows the time, event name, error code
 * and every other column of the result (e.g. `sourceipaddress`). The first `maxRows` events
 * (default 5,000) in query order are drawn; events left out, or without a valid time, are
 * counted in the subtitle.
 *
 * @throws OptionError naming the option, for an unknown option or a column the result lacks
 * @example
 * const events = await queryResults(sql`SELECT eventtime, eventsource, eventname, errorcode,
 *   sourceipaddress FROM cloudtrail WHERE useridentity.arn = ${suspect} ORDER BY eventtime`);
 * await timelineChart(events).display();
 */
export function timelineChart(result: QueryResultData, options: TimelineOptions = {}): Chart {
  const settings = chartSettings(WHERE, options, ['time', 'event', 'source', 'error'], {
    title: 'Event timeline',
    maxRows: 5000,
    width: 640,
  });
  const time = chartColumn(result, 'time', options.time ?? 'eventtime', WHERE);
  const event = chartColumn(result, 'event', options.event ?? 'eventname', WHERE);
  const source = chartColumn(result, 'source', options.source ?? 'eventsource', WHERE);
  const error = chartColumn(result, 'error', options.error ?? 'errorcode', WHERE);

  const keys = chartKeys(result);
  const timeKey = freshKey(`${time.key}_utc`, keys);
  const outcomeKey = freshKey('outcome', [...keys, timeKey]);
  const textKey = freshKey('description', [...keys, timeKey, outcomeKey]);
  const valid: ChartDatum[] = [];
  let invalid = 0;
  for (const row of result.rows) {
    const t = utcTime(row[time.index] ?? null);
    if (t === null) {
      invalid++;
      continue;
    }
    const datum = chartDatum(keys, row);
    const err = row[error.index] ?? null;
    datum[timeKey] = t;
    datum[source.key] = categoryText(row[source.index] ?? null);
    datum[outcomeKey] = err === null || err === '' ? SUCCEEDED : FAILED;
    // Short on purpose: it is every mark's aria-label in the SVG, thousands of them.
    datum[textKey] = `${t} ${categoryText(row[event.index] ?? null)} on ${datum[source.key]}: ${datum[outcomeKey] === FAILED ? categoryText(err) : SUCCEEDED}`;
    valid.push(datum);
  }
  const { kept, note } = capRows(valid, settings.maxRows, 'events', 'first');
  // Failures last, so they are drawn over the successes around them.
  const values = [...kept.filter((d) => d[outcomeKey] === SUCCEEDED), ...kept.filter((d) => d[outcomeKey] === FAILED)];
  const notes = [...(invalid > 0 ? [leftOutNote(invalid, `without a valid ${time.name}`)] : []), ...(note ? [note] : [])];

  const named = new Set([time.index, event.index, source.index, error.index]);
  const others = result.columns
    .map((column, i) => ({ column, key: keys[i] ?? revealInvisibles(column.name), i }))
    .filter(({ i }) => !named.has(i))
    .map(({ column, key }) => ({ field: fieldRef(key), type: isNumericKind(column.kind) ? 'quantitative' : 'nominal', title: revealInvisibles(column.name) }) as const);
  const services = new Set(values.map((d) => d[source.key]));

  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: chartTitle(settings.title, notes),
    width: settings.width,
    ...(settings.height === undefined ? { height: { step: 24 } } : { height: settings.height }),
    data: { values },
    mark: { type: 'tick', thickness: 2, tooltip: true },
    encoding: {
      x: { field: fieldRef(timeKey), type: 'temporal', scale: { type: 'utc' }, axis: { title: `${time.name} (UTC)` } },
      y: { field: fieldRef(source.key), type: 'nominal', title: source.name, axis: { labelLimit: 260 } },
      color: {
        field: fieldRef(outcomeKey),
        type: 'nominal',
        title: 'outcome',
        scale: { domain: [SUCCEEDED, FAILED], range: [COLORS[SUCCEEDED], COLORS[FAILED]] },
        // Above the plot, within its width: two short entries need no column of their own.
        legend: { orient: 'top', direction: 'horizontal' },
      },
      description: { field: fieldRef(textKey) },
      tooltip: [
        { field: fieldRef(time.key), type: 'nominal', title: `${time.name} (UTC)` },
        { field: fieldRef(event.key), type: 'nominal', title: event.name },
        { field: fieldRef(source.key), type: 'nominal', title: source.name },
        { field: fieldRef(error.key), type: 'nominal', title: error.name },
        ...others,
      ],
    },
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;

  const failed = values.filter((d) => d[outcomeKey] === FAILED).length;
  return new Chart(values.length === 0 ? emptyChartSpec(settings, notes) : toJsonSpec(spec), {
    title: settings.title,
    summary:
      `${plural(values.length, 'event')}, ${formatCount(failed)} failed, ${plural(services.size, 'service')}` +
      (notes.length > 0 ? `; ${notes.join('; ')}` : ''),
  });
}
