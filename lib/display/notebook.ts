/** Showing output in a tslab notebook, with plain text when there is no notebook. */

/** The part of tslab's module irbook uses. tslab is the kernel, not a dependency of irbook. */
export interface TslabLike {
  readonly display: { html(html: string): void };
}

/** Where {@link showHtml} sends output; tests and other front ends swap these. */
export interface ShowTarget {
  /** Find tslab, or `undefined` when not running in a tslab kernel. */
  readonly loadTslab?: () => TslabLike | undefined;
  /** Write the plain-text fallback. Default: `process.stdout`, with a final newline. */
  readonly writeText?: (text: string) => void;
}

/**
 * Find the tslab module the running kernel uses, or `undefined`.
 *
 * tslab answers `require('tslab')` from a cell with its own instance, but library code
 * resolves from its own folder, where tslab is usually not installed (the kernel is a global
 * or separate install), or is a second copy whose display is not wired to the kernel. The
 * kernel's main module can resolve the kernel's own copy, so that is asked first.
 *
 * @example
 * loadTslab()?.display.html('<b>hi</b>');
 */
export function loadTslab(): TslabLike | undefined {
  const resolvers = [(id: string) => require.main?.require(id), (id: string) => require(id)];
  for (const resolve of resolvers) {
    try {
      const mod: unknown = resolve('tslab');
      if (isTslab(mod)) return mod;
    } catch {
      // Not resolvable from here: try the next place, then fall back to text.
    }
  }
  return undefined;
}

function isTslab(mod: unknown): mod is TslabLike {
  if (typeof mod !== 'object' || mod === null || !('display' in mod)) return false;
  const display: unknown = mod.display;
  return typeof display === 'object' && display !== null && 'html' in display && typeof display.html === 'function';
}

/**
 * Show HTML in the tslab notebook running this code; outside a notebook (tslab missing, or
 * loaded but not attached to a kernel, where it throws), print the text instead.
 *
 * @param html  the HTML to display; it must already be safe (escaped)
 * @param text  the plain-text version, built only if needed
 * @returns which of the two was shown
 * @example
 * showHtml(renderHtmlTable(result), () => renderTextTable(result));
 */
export function showHtml(html: string, text: () => string, target: ShowTarget = {}): 'html' | 'text' {
  const tslab = (target.loadTslab ?? loadTslab)();
  if (tslab) {
    try {
      tslab.display.html(html);
      return 'html';
    } catch {
      // tslab outside a kernel throws "Not ready": fall through to text.
    }
  }
  const write = target.writeText ?? ((s: string) => void process.stdout.write(`${s}\n`));
  write(text());
  return 'text';
}
