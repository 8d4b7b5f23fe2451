/** What every chart spec shares: options common to all charts, the title with its notes, JSON. */

import { OptionError } from '../../errors';
import { checkOptionNames, countOption } from '../../options';
import type { JsonValue } from '../../result/json';
import { revealInvisibles } from '../escape';
import { formatCount } from '../format';

/**
 * A Vega-Lite v5 spec as plain JSON, data inlined as `data.values`: what JupyterLab renders
 * from `application/vnd.vegalite.v5+json`, and what `JSON.stringify` writes unchanged.
 *
 * @example
 * const spec: VegaLiteSpec = topEntitiesChart(result).spec;
 * JSON.stringify(spec);
 */
export type VegaLiteSpec = { [key: string]: JsonValue };

/**
 * The Vega-Lite version the specs are written for; JupyterLab's renderer is v5.
 *
 * @example
 * const spec = { $schema: VEGA_LITE_SCHEMA, mark: 'bar', data: { values: [] } };
 */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/**
 * Options every chart takes.
 *
 * @example
 * topEntitiesChart(result, { title: 'Who failed most', maxRows: 20, width: 500 });
 */
export interface ChartOptions {
  /** The chart's title. Each chart has a default that says what it shows. */
  readonly title?: string;
  /**
   * The most rows (bars, events, points) the spec carries; the rest are left out and the
   * subtitle says how many. Each chart has a default; `Infinity` keeps all.
   */
  readonly maxRows?: number;
  /** Width of the plot area in pixels. */
  readonly width?: number;
  /** Height of the plot area in pixels; by default bars and rows get a fixed step each. */
  readonly height?: number;
}

/** The names in {@link ChartOptions}, for `checkOptionNames`. */
const CHART_OPTION_NAMES = ['title', 'maxRows', 'width', 'height'] as const;

/**
 * {@link ChartOptions} checked, with the chart's defaults filled in.
 *
 * @example
 * const { title, maxRows } = chartSettings('timelineChart', options, [], defaults);
 */
export interface ChartSettings {
  readonly title: string;
  readonly maxRows: number;
  readonly width: number;
  readonly height: number | undefined;
}

/**
 * Check a chart's options: no unknown names (`own` lists the chart's column and other
 * options), a non-empty string title, whole-pixel sizes, `maxRows >= 1`.
 *
 * @throws OptionError naming the option
 * @example
 * const s = chartSettings('topEntitiesChart', options, ['entity', 'count'], { title: 'Top', maxRows: 50, width: 400 });
 */
export function chartSettings(
  where: string,
  options: ChartOptions,
  own: readonly string[],
  defaults: { title: string; maxRows: number; width: number; height?: number },
): ChartSettings {
  checkOptionNames(options, [...CHART_OPTION_NAMES, ...own], where);
  const { title } = options;
  if (title !== undefined && (typeof title !== 'string' || title.trim() === '')) {
    throw new OptionError('title', title, `${where}: option "title" must be a non-empty string`);
  }
  return {
    title: revealInvisibles(title ?? defaults.title),
    maxRows: countOption(where, 'maxRows', options.maxRows, defaults.maxRows, { min: 1, allowInfinity: true }),
    width: countOption(where, 'width', options.width, defaults.width, { min: 1 }),
    height: options.height === undefined ? defaults.height : countOption(where, 'height', options.height, 1, { min: 1 }),
  };
}

/**
 * A Vega-Lite title: the title, and the notes (rows left out, what shading means) as subtitle
 * lines, so a chart never drops data without saying so.
 *
 * @example
 * chartTitle('Top entities', ['50 of 120 entities shown (maxRows)']);
 */
export function chartTitle(title: string, notes: readonly string[]): { text: string; subtitle?: string[] } {
  return notes.length > 0 ? { text: title, subtitle: [...notes] } : { text: title };
}

/**
 * The note for rows a chart could not plot.
 *
 * @example
 * leftOutNote(3, 'without a valid eventtime'); // '3 rows without a valid eventtime left out'
 */
export function leftOutNote(count: number, why: string): string {
  return `${formatCount(count)} ${count === 1 ? 'row' : 'rows'} ${why} left out`;
}

/**
 * Keep the first `maxRows` items; say how many were left out when some were.
 *
 * @param noun  what an item is, plural (`events`, `entities`)
 * @param which  which ones are kept (`first` in query order, `top` by count)
 * @example
 * const { kept, note } = capRows(events, 5000, 'events', 'first');
 */
export function capRows<T>(
  items: readonly T[],
  maxRows: number,
  noun: string,
  which: 'first' | 'top',
): { kept: T[]; note: string | undefined } {
  if (items.length <= maxRows) return { kept: [...items], note: undefined };
  return {
    kept: items.slice(0, maxRows),
    note:
      `${which === 'top' ? 'Top' : 'First'} ${formatCount(maxRows)} of ${formatCount(items.length)} ${noun} shown; ` +
      `${formatCount(items.length - maxRows)} left out (maxRows)`,
  };
}

/**
 * The spec of a chart with nothing to draw: the title, the notes (which may say why, e.g.
 * rows without a valid time) and the words "No rows to chart". Empty scales would make vega
 * warn about infinite extents; this says it plainly instead.
 *
 * @example
 * if (values.length === 0) return new Chart(emptyChartSpec(settings, notes), info);
 */
export function emptyChartSpec(settings: ChartSettings, notes: readonly string[]): VegaLiteSpec {
  return toJsonSpec({
    $schema: VEGA_LITE_SCHEMA,
    title: chartTitle(settings.title, notes),
    width: settings.width,
    height: settings.height ?? 60,
    data: { values: [{}] },
    mark: { type: 'text', fontSize: 13, color: '#666' },
    encoding: { text: { value: 'No rows to chart' } },
    config: { ...CHART_CONFIG, view: { stroke: null } },
  });
}

/**
 * Shared look: titles at the left, notes in a colour that reads as a warning, room for long
 * labels. The SVG is sized from text widths vega estimates in Node, without the browser's
 * fonts; a viewer's wider font would run the legend past the right edge, where the Notebook
 * clips it (`svg{overflow:hidden}`), so the right padding leaves room.
 *
 * @example
 * const spec = { mark: 'bar', config: CHART_CONFIG };
 */
export const CHART_CONFIG = {
  padding: { left: 5, top: 5, right: 40, bottom: 5 },
  title: { anchor: 'start', subtitleColor: '#8a4b00', subtitleFontSize: 11 },
  legend: { labelLimit: 360 },
  axis: { labelLimit: 360 },
} as const;

/**
 * The finished spec as plain JSON: `undefined` members dropped, nothing but JSON values left,
 * a fresh object the caller may change.
 *
 * @example
 * return new Chart(toJsonSpec(spec), info);
 */
export function toJsonSpec(spec: object): VegaLiteSpec {
  const json: unknown = JSON.parse(JSON.stringify(spec));
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TypeError('a spec must be an object');
  return json as VegaLiteSpec;
}
