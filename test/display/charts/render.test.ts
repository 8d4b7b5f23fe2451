import { afterEach, describe, expect, it } from 'vitest';
import {
  activityByHourChart,
  Chart,
  ChartRenderError,
  compileSpec,
  failuresOverTimeChart,
  renderSvg,
  timelineChart,
  topEntitiesChart,
  type VegaLiteSpec,
} from '../../../lib/display/charts';
import { stableSvgIds } from '../../../lib/display/charts/render';
import { activityByHour, ALICE, DEPLOY, events, failuresOverTime, HOSTILE, topEntities } from './fixtures';

/** Render, failing the test on any warning from vega-lite or vega. */
async function svgOf(chart: Chart | VegaLiteSpec): Promise<string> {
  const warnings: string[] = [];
  const svg = await renderSvg(chart instanceof Chart ? chart.spec : chart, { onWarning: (m) => void warnings.push(m) });
  expect(warnings).toEqual([]);
  return svg;
}

/** The marks vega drew with this ARIA role description (`bar`, `tick`, `rect`, …). */
function marks(svg: string, role: string): string[] {
  return svg.match(new RegExp(`<path [^>]*aria-roledescription="${role}"[^>]*>`, 'g')) ?? [];
}

const many = Array.from({ length: 30 }, (_, i) => [i % 10, `arn:aws:iam::123456789012:user/u${i % 13}`, 1 + (i % 4)] as const);

const ALL_CHARTS: readonly [string, () => Chart][] = [
  ['topEntities', () => topEntitiesChart(topEntities([ALICE, DEPLOY, HOSTILE, 'ci-deploy']))],
  ['topEntities, empty', () => topEntitiesChart(topEntities([]))],
  ['failuresOverTime bars', () => failuresOverTimeChart(failuresOverTime(many))],
  ['failuresOverTime lines', () => failuresOverTimeChart(failuresOverTime(many), { mark: 'line', maxSeries: 4 })],
  ['failuresOverTime, one bucket', () => failuresOverTimeChart(failuresOverTime([[5, ALICE, 3]]))],
  ['activityByHour', () => activityByHourChart(activityByHour([[0, 3], [9, 5], [23, 1]]))],
  ['activityByHour by series', () => activityByHourChart(activityByHour([[0, 3, 'a'], [9, 5, 'b']]), { series: 'entity', workingHours: [22, 6] })],
  ['activityByHour, empty', () => activityByHourChart(activityByHour([]))],
  ['timeline', () => timelineChart(events(50))],
  ['timeline, empty', () => timelineChart(events(0))],
];

describe('compiling and rendering', () => {
  afterEach(() => {
    process.env.TZ = 'UTC';
  });

  it.each(ALL_CHARTS)('%s: compiles with vega-lite and renders without warnings', async (_name, build) => {
    const chart = build();
    const { vegaSpec, warnings } = await compileSpec(chart.spec, { onWarning: () => undefined });
    expect(warnings).toEqual([]);
    expect(vegaSpec).toHaveProperty('marks');
    expect(await svgOf(chart)).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('draws one bar per entity, labelled, with hostile text escaped', async () => {
    const entities = [ALICE, DEPLOY, HOSTILE, 'ci-deploy', 'x'];
    const svg = await svgOf(topEntitiesChart(topEntities(entities)));
    expect(marks(svg, 'bar')).toHaveLength(entities.length);
    expect(svg).toContain('>alice (user, 123456789012)</text>');
    expect(svg).toContain('>ci-deploy</text>');
    expect(svg).toContain('>R/x&amp;y&lt;z&gt;"q (role session, 123456789012)</text>');
    expect(svg).not.toContain('<z>');
    expect(svg).not.toContain('x&y');
  });

  it('colours failed ticks apart from succeeded ones in the drawing', async () => {
    const svg = await svgOf(timelineChart(events(40, 4)));
    const ticks = marks(svg, 'tick');
    expect(ticks).toHaveLength(40);
    const fills = ticks.map((t) => /fill="([^"]+)"/.exec(t)?.[1]);
    const failed = ticks.filter((t) => t.includes('AccessDenied')).map((t) => /fill="([^"]+)"/.exec(t)?.[1]);
    expect(failed).toHaveLength(10);
    expect(new Set(failed)).toEqual(new Set(['#e45756']));
    expect(fills.filter((f) => f === '#4c78a8')).toHaveLength(30);
  });

  it('shows all 24 hours on the axis when only three have data', async () => {
    const svg = await svgOf(activityByHourChart(activityByHour([[0, 3], [9, 5], [23, 1]])));
    for (let h = 0; h < 24; h++) expect(svg).toContain(`>${String(h).padStart(2, '0')}</text>`);
    const bars = marks(svg, 'bar');
    expect(bars).toHaveLength(3);
    expect(bars.filter((b) => b.includes('fill="#d9480f"'))).toHaveLength(2); // 00 and 23: after hours
  });

  it('gives the same bytes for the same chart, whatever was drawn before and whatever the time zone', async () => {
    const build = () => failuresOverTimeChart(failuresOverTime(many));
    const first = await svgOf(build());
    await svgOf(timelineChart(events(10)));
    process.env.TZ = 'Asia/Kolkata';
    expect(new Date(0).getHours()).toBe(5); // the zone change took effect
    const second = await svgOf(build());
    process.env.TZ = 'America/Los_Angeles';
    const third = await svgOf(build());
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(first).toContain('>01 AM</text>'); // UTC hours on the axis
  });

  it('makes clip-path ids stable for one chart and distinct between charts', async () => {
    const clipped = (n: number): VegaLiteSpec => ({
      data: { values: [{ a: 1 }, { a: n }] },
      mark: { type: 'point', clip: true },
      encoding: { x: { field: 'a', type: 'quantitative', scale: { domain: [0, 2] } } },
    });
    const ids = (svg: string) => [...svg.matchAll(/<clipPath id="([^"]+)"/g)].map((m) => m[1]);
    const a1 = await svgOf(clipped(3));
    const b = await svgOf(clipped(4));
    const a2 = await svgOf(clipped(3));
    expect(a2).toBe(a1);
    expect(ids(a1)).toHaveLength(1);
    expect(ids(a1)[0]).not.toBe(ids(b)[0]);
    expect(a1).toContain(`clip-path="url(#${ids(a1)[0]})"`);
  });

  it('throws ChartRenderError carrying the spec when vega-lite rejects it', async () => {
    const spec: VegaLiteSpec = { data: { values: [] }, mark: 'nonsense' };
    const error = await renderSvg(spec, { onWarning: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChartRenderError);
    expect(error).toMatchObject({ spec });
  });
});

describe('stableSvgIds', () => {
  it('renumbers ids by first appearance and leaves an SVG without ids alone', () => {
    const svg = (x: number, y: number) =>
      `<svg><clipPath id="clip${x}"/><g clip-path="url(#clip${x})"/><clipPath id="clip${y}"/><g clip-path="url(#clip${y})"/></svg>`;
    expect(stableSvgIds(svg(7, 12))).toBe(stableSvgIds(svg(1, 2)));
    expect(stableSvgIds(svg(7, 12))).toMatch(/id="c[0-9a-f]{8}-1".*url\(#c[0-9a-f]{8}-1\).*id="c[0-9a-f]{8}-2"/);
    expect(stableSvgIds('<svg><text>clip1</text></svg>')).toBe('<svg><text>clip1</text></svg>');
  });
});
