/** `Chart`: a Vega-Lite spec with its SVG rendering and notebook display, one method each. */

import { inspect } from 'node:util';
import { showBundle, type BundleTarget } from './bundle';
import { renderSvg, type RenderOptions } from './render';
import type { VegaLiteSpec } from './spec';

/**
 * The MIME type of a Vega-Lite v5 spec, which JupyterLab renders interactively.
 *
 * @example
 * showBundle({ [VEGA_LITE_MIME]: spec, 'text/plain': 'chart' });
 */
export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/**
 * What a chart says about itself in one line of text.
 *
 * @example
 * new Chart(spec, { title: 'Top entities', summary: '12 entities' });
 */
export interface ChartInfo {
  readonly title: string;
  /** What the chart holds, e.g. `12 entities` or `2,000 events; 310 failed`. */
  readonly summary: string;
}

/**
 * A chart built from a query result: the Vega-Lite spec, its SVG, and a notebook display
 * that carries both (interactive in JupyterLab; the SVG in classic Notebook, GitHub and
 * nbconvert HTML). The chart builders return one; a spec written by hand can be wrapped too.
 *
 * @example
 * await topEntitiesChart(result).display();
 * const svg = await timelineChart(events).toSvg();
 */
export class Chart {
  /** The Vega-Lite v5 spec, plain JSON with the data inlined. */
  readonly spec: VegaLiteSpec;
  readonly title: string;
  /** One line: the title and what the chart holds (the notebook's `text/plain`). */
  readonly description: string;

  /**
   * Wrap a Vega-Lite spec. The spec is kept, not copied.
   *
   * @example
   * new Chart({ mark: 'bar', data: { values: [] }, encoding: {} }, { title: 'Empty', summary: 'no rows' });
   */
  constructor(spec: VegaLiteSpec, info: ChartInfo) {
    this.spec = spec;
    this.title = info.title;
    this.description = `Chart "${info.title}": ${info.summary}`;
  }

  /**
   * The chart as SVG text, rendered in Node (vega is loaded on first use). The same chart
   * always gives the same bytes.
   *
   * @example
   * await fs.writeFile('timeline.svg', await chart.toSvg());
   */
  toSvg(options?: RenderOptions): Promise<string> {
    return renderSvg(this.spec, options);
  }

  /**
   * Show the chart in the running tslab notebook as one display: the Vega-Lite spec, its SVG
   * and a line of text. Outside a notebook, print that line and how to get the SVG.
   * Await it, so the output lands in the cell that made it.
   *
   * It resolves to nothing on purpose: tslab prints a cell's last value, even after `;`, so a
   * returned `'bundle'` would appear under every chart. {@link showBundle} says which was shown.
   *
   * @example
   * await topEntitiesChart(top).display();
   */
  async display(target: BundleTarget & RenderOptions = {}): Promise<void> {
    const svg = await this.toSvg(target);
    showBundle(
      {
        [VEGA_LITE_MIME]: this.spec,
        'image/svg+xml': svg,
        'text/plain': `${this.description} (SVG: await chart.toSvg())`,
      },
      target,
    );
  }

  /**
   * The Vega-Lite spec: `JSON.stringify(chart)` writes a spec any Vega-Lite tool opens.
   *
   * @example
   * await fs.writeFile('chart.vl.json', JSON.stringify(chart));
   */
  toJSON(): VegaLiteSpec {
    return this.spec;
  }

  /** What `console.log` and a cell's last-expression output show: {@link Chart.description}. */
  [inspect.custom](): string {
    return `${this.description} (show it: await chart.display())`;
  }
}
