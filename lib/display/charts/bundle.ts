/** Sending one Jupyter display bundle (several MIME types at once) through the tslab kernel. */

import type { JsonValue } from '../../result/json';
import { kernelModule } from '../notebook';

/**
 * One Jupyter display: the same output in several MIME types, of which the front end shows
 * the richest it can. `text/plain` is required: it is also what is printed outside a kernel.
 *
 * @example
 * const bundle: DisplayBundle = { 'text/plain': 'Top entities', 'image/svg+xml': svg };
 */
export interface DisplayBundle {
  readonly 'text/plain': string;
  readonly [mimeType: string]: JsonValue;
}

/**
 * The message tslab's kernel sends as `display_data`.
 *
 * @example
 * jupyter.lastWriteDisplayData?.({ data: { 'text/plain': 'hi' }, metadata: {}, transient: {} }, false);
 */
export interface DisplayDataMessage {
  readonly data: DisplayBundle;
  readonly metadata: { readonly [key: string]: JsonValue };
  readonly transient: { readonly display_id?: string };
}

/**
 * The part of tslab's kernel module (`tslab/dist/jupyter`) irbook uses: the function the
 * running kernel sets for each execute request, `null` before the first one or outside a kernel.
 *
 * @example
 * const fake: TslabJupyterLike = { lastWriteDisplayData: (message) => sent.push(message) };
 */
export interface TslabJupyterLike {
  readonly lastWriteDisplayData: ((message: DisplayDataMessage, update: boolean) => void) | null;
}

/**
 * Where {@link showBundle} sends output; tests and other front ends swap these.
 *
 * @example
 * showBundle(bundle, { loadJupyter: () => undefined, writeText: (s) => lines.push(s) });
 */
export interface BundleTarget {
  /** Find tslab's kernel module, or `undefined`. Default: {@link loadTslabJupyter}. */
  readonly loadJupyter?: () => TslabJupyterLike | undefined;
  /** Write the plain-text fallback. Default: `process.stdout`, with a final newline. */
  readonly writeText?: (text: string) => void;
}

/**
 * Find the module of the running tslab kernel that sends display data, or `undefined`.
 *
 * tslab's public `display` sends one MIME type per call; a chart needs one bundle with the
 * Vega-Lite spec and its SVG, so irbook calls the kernel's writer directly. As with
 * `loadTslab`, the kernel's main module is asked first: a copy of tslab resolved from the
 * library's own folder is not the kernel and its writer stays `null`.
 *
 * @example
 * const jupyter = loadTslabJupyter();
 * if (jupyter?.lastWriteDisplayData) console.log('inside a tslab kernel');
 */
export function loadTslabJupyter(): TslabJupyterLike | undefined {
  return kernelModule('tslab/dist/jupyter', isTslabJupyter, (mod) => typeof mod.lastWriteDisplayData === 'function');
}

function isTslabJupyter(mod: unknown): mod is TslabJupyterLike {
  if (typeof mod !== 'object' || mod === null || !('lastWriteDisplayData' in mod)) return false;
  const write: unknown = mod.lastWriteDisplayData;
  return write === null || typeof write === 'function';
}

/**
 * Show one display bundle in the tslab notebook running this code, all MIME types in one
 * `display_data` message. Outside a kernel (tslab missing, or loaded without a kernel, or the
 * kernel's writer fails) print the bundle's `text/plain` instead.
 *
 * @returns `'bundle'` when the kernel took it, `'text'` when the text was printed
 * @example
 * showBundle({ 'text/plain': 'chart', 'image/svg+xml': svg, 'application/vnd.vegalite.v5+json': spec });
 */
export function showBundle(data: DisplayBundle, target: BundleTarget = {}): 'bundle' | 'text' {
  const jupyter = (target.loadJupyter ?? loadTslabJupyter)();
  const write = jupyter?.lastWriteDisplayData;
  if (typeof write === 'function') {
    try {
      write.call(jupyter, { data, metadata: {}, transient: {} }, false);
      return 'bundle';
    } catch {
      // A kernel that cannot send (socket closed): the text still reaches the user.
    }
  }
  const writeText = target.writeText ?? ((s: string) => void process.stdout.write(`${s}\n`));
  writeText(data['text/plain']);
  return 'text';
}
