/**
 * Log values with control, bidi and invisible characters: every chart's SVG stays valid XML and
 * shows them as visible escapes, so an ESC cannot break the report and U+202E cannot disguise a name.
 */
import { describe, expect, it } from 'vitest';
import { activityByHourChart, Chart, failuresOverTimeChart, renderSvg, timelineChart, topEntitiesChart } from '../../../lib/display/charts';
import { xmlSafe } from '../../../lib/display/charts/render';
import { QueryResult } from '../../../lib/result/query-result';
import type { Value } from '../../../lib/result/types';
import { makeData } from '../../result/fixtures';
import { ACCOUNT, HOUR_MS, T0 } from './fixtures';
import { xmlProblems } from './strict-xml';

/** Characters a log may carry, each with the escape a chart must show instead. */
const HOSTILE: readonly [char: string, shown: string][] = [
  ['\u001b', '\\x1b'], // ESC: starts terminal sequences; not allowed in XML
  ['\u0007', '\\x07'], // BEL
  ['\u0000', '\\x00'],
  ['\u202e', '\\u202e'], // right-to-left override: reverses what follows on screen
  ['\u200b', '\\u200b'], // zero-width space
  ['\u00ad', '\\xad'], // soft hyphen: invisible unless a line breaks there
  ['\ud800', '\\ud800'], // a lone surrogate: not encodable, not XML
  ['\ufffe', '\\ufffe'],
];
const NASTY = HOSTILE.map(([c]) => c).join('');
const NASTY_SHOWN = HOSTILE.map(([, s]) => s).join('');
const USER = `arn:aws:iam::${ACCOUNT}:user/adm${NASTY}in`;

function result(columns: readonly (readonly [string, 'string' | 'bigint' | 'timestamp'])[], rows: Value[][]): QueryResult {
  return new QueryResult(makeData(columns, rows));
}

const CHARTS: readonly [string, () => Chart][] = [
  ['topEntitiesChart', () => topEntitiesChart(result([['entity', 'string'], ['failures', 'bigint']], [[USER, 3n], ['ok', 1n]]), { title: `Top ${NASTY}` })],
  [
    'failuresOverTimeChart',
    () =>
      failuresOverTimeChart(
        result([['bucket', 'timestamp'], ['entity', 'string'], ['failures', 'bigint']], [[new Date(T0), USER, 2n], [new Date(T0 + HOUR_MS), USER, 1n]]),
      ),
  ],
  [
    'activityByHourChart',
    () => activityByHourChart(result([['hour', 'bigint'], ['events', 'bigint'], ['entity', 'string']], [[3n, 2n, USER]]), { series: 'entity' }),
  ],
  [
    'timelineChart',
    () =>
      timelineChart(
        result(
          [['eventtime', 'timestamp'], ['eventsource', 'string'], ['eventname', 'string'], ['errorcode', 'string'], [`note${NASTY}`, 'string']],
          [[new Date(T0), `iam${NASTY}.amazonaws.com`, `Create${NASTY}User`, `Denied${NASTY}`, NASTY]],
        ),
      ),
  ],
];

describe('charts of hostile log values', () => {
  it('the strict check rejects what a chart must never write', () => {
    expect(xmlProblems('<svg><text>a\u001bb</text></svg>')).toHaveLength(1);
    expect(xmlProblems('<svg><text>a&b</text></svg>')).toHaveLength(1);
    expect(xmlProblems('<svg><text>a</svg>')).toHaveLength(1);
    expect(xmlProblems('<svg><text>a&amp;b \u00e9 \u{1f600}</text></svg>')).toEqual([]);
  });

  it.each(CHARTS)('%s: SVG is valid XML and shows the characters as escapes', async (_name, build) => {
    const chart = build();
    const svg = await renderSvg(chart.spec, { onWarning: () => undefined });
    expect(xmlProblems(svg)).toEqual([]);
    for (const [c] of HOSTILE) expect(svg.includes(c), `raw U+${(c.codePointAt(0) ?? 0).toString(16)}`).toBe(false);
    expect(svg).toContain(NASTY_SHOWN);
    // The spec JupyterLab draws carries the escapes too, not the raw characters.
    const spec = JSON.stringify(chart.spec);
    for (const [c] of HOSTILE) expect(spec.includes(c)).toBe(false);
  });

  it('keeps labels readable around the escapes', async () => {
    const chart = topEntitiesChart(result([['entity', 'string'], ['failures', 'bigint']], [[USER, 3n]]));
    expect(await chart.toSvg({ onWarning: () => undefined })).toContain(`>adm${NASTY_SHOWN}in (user)</text>`);
  });

  it('makes a hand-written spec with control characters valid XML as the last guard', async () => {
    const spec = { data: { values: [{ a: 'x\u0007y', n: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'n', type: 'quantitative' } }, title: 'bell\u0007' };
    const svg = await renderSvg(spec, { onWarning: () => undefined });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('bell\\x07');
    expect(svg).toContain('x\\x07y');
    expect(xmlSafe('a\u0001\ud800\u{1f600}\t')).toBe('a\\x01\\ud800\u{1f600}\t');
  });
});
