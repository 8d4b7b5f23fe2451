/** Horizontal bars: the IAM entities with the most authorization failures, most first. */

import { formatCount, plural } from '../format';
import type { QueryResultData } from '../../result/types';
import { Chart } from './chart';
import { categoryText, chartColumn, countValue, fieldRef, freshKey } from './data';
import { labelLengthOption, uniqueLabels } from './labels';
import { byTotal } from './series';
import { capRows, CHART_CONFIG, chartSettings, chartTitle, emptyChartSpec, leftOutNote, toJsonSpec, VEGA_LITE_SCHEMA, type ChartOptions } from './spec';

// @ts-expect-error TS1542 (type import of an ES module from CommonJS); only checks the literal below.
type TopLevelSpec = import('vega-lite').TopLevelSpec;

/**
 * Options of {@link topEntitiesChart}.
 *
 * @example
 * topEntitiesChart(result, { entity: 'arn', count: 'n', maxRows: 20 });
 */
export interface TopEntitiesOptions extends ChartOptions {
  /** The column naming the entity (an ARN, a user name). Default `entity`. */
  readonly entity?: string;
  /** The column with the number to rank by. Default `failures`. */
  readonly count?: string;
  /** Longest bar label in characters; longer ones are shortened, the tooltip has the full value. Default 64. */
  readonly labelLength?: number;
}

const WHERE = 'topEntitiesChart';

/**
 * Horizontal bars of a count per entity, largest first: which IAM entities had the most
 * authorization failures. Rows for the same entity are added up. ARNs are labelled
 * `resource (account)` and shortened when long; the tooltip shows the full value. At most
 * `maxRows` bars (default 50): the rest are left out and the subtitle says how many.
 *
 * @throws OptionError naming the option, for an unknown option or a column the result lacks
 * @example
 * const top = await queryResults(sql`SELECT useridentity.arn AS entity, count(*) AS failures
 *   FROM cloudtrail WHERE errorcode IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 20`);
 * await topEntitiesChart(top).display();
 */
export function topEntitiesChart(result: QueryResultData, options: TopEntitiesOptions = {}): Chart {
  const settings = chartSettings(WHERE, options, ['entity', 'count', 'labelLength'], {
    title: 'IAM entities with the most authorization failures',
    maxRows: 50,
    width: 420,
  });
  const labelLength = labelLengthOption(WHERE, options.labelLength);
  const entity = chartColumn(result, 'entity', options.entity ?? 'entity', WHERE);
  const count = chartColumn(result, 'count', options.count ?? 'failures', WHERE);

  const totals = new Map<string, number>();
  let invalid = 0;
  for (const row of result.rows) {
    const n = countValue(row[count.index] ?? null);
    if (n === null) {
      invalid++;
      continue;
    }
    const name = categoryText(row[entity.index] ?? null);
    totals.set(name, (totals.get(name) ?? 0) + n);
  }
  const { kept, note } = capRows(byTotal(totals), settings.maxRows, 'entities', 'top');
  const labels = uniqueLabels(
    kept.map(([name]) => name),
    labelLength,
  );

  const entityKey = entity.key;
  const countKey = freshKey(count.key, [entityKey]);
  const labelKey = freshKey('label', [entityKey, countKey]);
  const textKey = freshKey('description', [entityKey, countKey, labelKey]);
  const values = kept.map(([name, n]) => ({
    [labelKey]: labels.get(name) ?? name,
    [entityKey]: name,
    [countKey]: n,
    [textKey]: `${name}: ${formatCount(n)} ${count.name}`,
  }));
  const notes = [
    ...(invalid > 0 ? [leftOutNote(invalid, `without a valid ${count.name}`)] : []),
    ...(note ? [note] : []),
  ];

  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: chartTitle(settings.title, notes),
    width: settings.width,
    ...(settings.height === undefined ? { height: { step: 20 } } : { height: settings.height }),
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: {
        field: fieldRef(labelKey),
        type: 'nominal',
        sort: null,
        // No axis title: the labels say what they are, and in SVG (text widths estimated,
        // not measured) a title beside long labels can overlap them.
        axis: { title: null, labelLimit: 420 },
      },
      x: { field: fieldRef(countKey), type: 'quantitative', title: count.name },
      description: { field: fieldRef(textKey) },
      tooltip: [
        { field: fieldRef(entityKey), type: 'nominal', title: entity.name },
        { field: fieldRef(countKey), type: 'quantitative', title: count.name, format: ',' },
      ],
    },
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;

  const total = kept.reduce((sum, [, n]) => sum + n, 0);
  return new Chart(values.length === 0 ? emptyChartSpec(settings, notes) : toJsonSpec(spec), {
    title: settings.title,
    summary: `${plural(kept.length, 'entity', 'entities')}, ${formatCount(total)} ${count.name}` + (notes.length ? `; ${notes.join('; ')}` : ''),
  });
}
