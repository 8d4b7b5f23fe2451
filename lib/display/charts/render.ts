/** Compiling a Vega-Lite spec and rendering it to SVG in Node, with vega loaded on first use. */

import { createHash } from 'node:crypto';
import { IrbookError } from '../../errors';
import { revealInvisibles } from '../escape';
import type { VegaLiteSpec } from './spec';

/**
 * A chart could not be compiled or rendered. `spec` is the Vega-Lite spec that failed.
 *
 * @example
 * try { await chart.toSvg(); } catch (e) { if (e instanceof ChartRenderError) console.log(e.spec); }
 */
export class ChartRenderError extends IrbookError {
  override readonly name: string = 'ChartRenderError';
  constructor(
    message: string,
    readonly spec: VegaLiteSpec,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Options of {@link renderSvg} and {@link compileSpec}.
 *
 * @example
 * await renderSvg(spec, { onWarning: (m) => warnings.push(m) });
 */
export interface RenderOptions {
  /** Called with each warning from vega-lite or vega. Default: written to stderr. */
  readonly onWarning?: (message: string) => void;
}

// vega 6 and vega-lite 6 are ES modules (vega with top-level await). The library compiles to
// CommonJS, where TypeScript keeps this `import()` as a real dynamic import (module node16),
// so they load on first use and a notebook that draws no chart never pays for them. A static
// import would turn into `require()` and kill a tslab kernel (ERR_REQUIRE_ASYNC_MODULE).
async function loadVega() {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { vega, vegaLite };
}

function warningSink(options: RenderOptions): (message: string) => void {
  return options.onWarning ?? ((message: string) => void process.stderr.write(`chart warning: ${message}\n`));
}

/** vega's logger interface, routed to one warning callback; errors throw. */
function logger(warn: (message: string) => void) {
  const text = (args: readonly unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  let level = 2; // vega's Warn
  const log = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return log;
    },
    error(...args: readonly unknown[]): never {
      throw new Error(text(args));
    },
    warn(...args: readonly unknown[]) {
      if (level >= 2) warn(text(args));
      return log;
    },
    info() {
      return log;
    },
    debug() {
      return log;
    },
  };
  return log;
}

/**
 * Compile a Vega-Lite spec to a Vega spec (vega-lite is loaded on first use). Warnings go to
 * `onWarning`.
 *
 * @throws ChartRenderError when vega-lite rejects the spec
 * @example
 * const { vegaSpec, warnings } = await compileSpec(chart.spec);
 */
export async function compileSpec(
  spec: VegaLiteSpec,
  options: RenderOptions = {},
): Promise<{ vegaSpec: object; warnings: string[] }> {
  const { vegaLite } = await loadVega();
  const warnings: string[] = [];
  const warn = warningSink(options);
  try {
    // The spec is plain JSON from the caller; vega-lite checks it as it compiles.
    const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0], {
      logger: logger((m) => {
        warnings.push(m);
        warn(m);
      }),
    });
    return { vegaSpec: compiled.spec, warnings };
  } catch (cause) {
    throw new ChartRenderError(`vega-lite could not compile the chart: ${errorText(cause)}`, spec, { cause });
  }
}

/**
 * Render a Vega-Lite spec to SVG text in Node: compiled with vega-lite, drawn by a headless
 * vega View (no DOM, no canvas), which is finalized afterwards. The output is deterministic:
 * the same spec gives the same bytes, whatever the machine's time zone or what was rendered
 * before (see {@link stableSvgIds}).
 *
 * @throws ChartRenderError when the spec cannot be compiled or drawn
 * @example
 * await fs.writeFile('top-entities.svg', await renderSvg(topEntitiesChart(result).spec));
 */
export async function renderSvg(spec: VegaLiteSpec, options: RenderOptions = {}): Promise<string> {
  const { vega } = await loadVega();
  const { vegaSpec } = await compileSpec(spec, options);
  let view: InstanceType<typeof vega.View> | undefined;
  try {
    const runtime = vega.parse(vegaSpec as Parameters<typeof vega.parse>[0]);
    view = new vega.View(runtime, { renderer: 'none', logger: logger(warningSink(options)) });
    return xmlSafe(stableSvgIds(await view.toSVG()));
  } catch (cause) {
    if (cause instanceof ChartRenderError) throw cause;
    throw new ChartRenderError(`vega could not render the chart: ${errorText(cause)}`, spec, { cause });
  } finally {
    view?.finalize();
  }
}

// vega names clip paths and gradients from process-wide counters (`clip7`, `gradient_3`), so
// the same chart would get other ids each time. Pages that inline several SVGs (classic
// Notebook, nbconvert HTML) share one id space, so ids must also differ between charts.
const SVG_ID = /(id="|="url\(#)((?:p_)?(?:clip\d+|gradient_\d+))(?=[")])/g;

/**
 * Renumber vega's clip-path and gradient ids by first appearance and prefix them with a hash
 * of the drawing: stable for the same chart, distinct between different charts on one page.
 *
 * @example
 * stableSvgIds(svg); // 'clip7' → 'c3f9a1b2e-1'
 */
export function stableSvgIds(svg: string): string {
  const numbers = new Map<string, number>();
  const numbered = svg.replace(SVG_ID, (_match, before: string, id: string) => {
    let n = numbers.get(id);
    if (n === undefined) {
      n = numbers.size + 1;
      numbers.set(id, n);
    }
    return `${before}\u0000${n}`;
  });
  if (numbers.size === 0) return svg;
  const hash = createHash('sha256').update(numbered).digest('hex').slice(0, 8);
  return numbered.replace(/(id="|="url\(#)\u0000(\d+)/g, (_m, before: string, n: string) => `${before}c${hash}-${n}`);
}

// Characters XML 1.0 does not allow anywhere in a document (its `Char` production).
const NOT_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/**
 * Replace characters XML does not allow with visible escapes (`\x1b`), so the SVG parses
 * whatever text reached it. Chart data is escaped on the way in (`chartValue`); this
 * is the last guard, for text that came another way (a hand-written spec).
 *
 * @example
 * xmlSafe('<text>a\u001bb</text>'); // '<text>a\\x1bb</text>'
 */
export function xmlSafe(svg: string): string {
  return svg.replace(NOT_XML, (c) => revealInvisibles(c));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
