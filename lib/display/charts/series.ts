/** Colour series: the largest ones kept, the rest combined, each with a short unique label. */

import { countOption } from '../../options';
import { formatCount } from '../format';
import { uniqueLabels } from './labels';

/** How many series (colours) a chart shows before combining the rest; the palette has 10. */
const DEFAULT_MAX_SERIES = 10;

/**
 * The series a chart colours, decided from each series' total.
 *
 * @example
 * const s = limitSeries(totals, 10, 'entities', 56);
 * s.label('arn:aws:iam::1:user/a'); // 'user/a (1)', or the combined label
 */
export interface SeriesPlan {
  /** The label a series is drawn with: its own short label, or the combined `other` label. */
  label(series: string): string;
  /** The labels in legend order: largest total first, `other` last. */
  readonly domain: readonly string[];
  /** Says how many series were combined, when some were. */
  readonly note: string | undefined;
}

/**
 * Totals ranked largest first, ties by name, so the order does not depend on the query's.
 *
 * @example
 * byTotal(new Map([['b', 1], ['a', 1], ['c', 5]])); // [['c', 5], ['a', 1], ['b', 1]]
 */
export function byTotal(totals: ReadonlyMap<string, number>): [string, number][] {
  return [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Keep the `maxSeries` series with the largest totals (ties by name) and combine the rest
 * into one `(N other …)` series, so the legend stays readable and no colour repeats.
 *
 * @param noun  what a series is, plural (`entities`), for the combined label and the note
 * @example
 * limitSeries(new Map([['a', 5], ['b', 1], ['c', 1]]), 2, 'entities', 56).domain; // ['a', '(2 other entities)']
 */
export function limitSeries(
  totals: ReadonlyMap<string, number>,
  maxSeries: number,
  noun: string,
  labelLength: number,
): SeriesPlan {
  const ranked = byTotal(totals).map(([s]) => s);
  // Combining one series into "1 other" would save nothing: keep it instead.
  const keep = ranked.length > maxSeries ? ranked.slice(0, maxSeries - 1) : ranked;
  const rest = ranked.length - keep.length;
  const labels = uniqueLabels(keep, labelLength);
  const used = new Set(labels.values());
  let other = `(${rest} other ${noun})`;
  for (let n = 2; used.has(other); n++) other = `(${rest} other ${noun}) #${n}`;
  return {
    label: (series) => labels.get(series) ?? other,
    domain: [...keep.map((s) => labels.get(s) ?? s), ...(rest > 0 ? [other] : [])],
    // `rest` is 0 or at least 2, so the noun is always plural.
    note: rest > 0 ? `${formatCount(rest)} ${noun} combined as "${other}" (maxSeries)` : undefined,
  };
}

/**
 * Check a `maxSeries` option: an integer of at least 2 (one kept, one combined).
 *
 * @throws OptionError (`maxSeries`)
 * @example
 * const max = maxSeriesOption('failuresOverTimeChart', options.maxSeries);
 */
export function maxSeriesOption(where: string, value: unknown): number {
  return countOption(where, 'maxSeries', value, DEFAULT_MAX_SERIES, { min: 2 });
}
