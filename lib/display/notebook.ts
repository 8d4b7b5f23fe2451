/** Showing output in a tslab notebook, with plain text when there is no notebook. */

/** The part of tslab's module irbook uses. tslab is the kernel, not a dependency of irbook. */
export interface TslabLike {
  readonly display: { html(html: string): void };
  /** A display slot that later calls overwrite in place (tslab's `newDisplay()`). */
  readonly newDisplay?: () => { html(html: string): void };
}

/** Where {@link showHtml} sends output; tests and other front ends swap these. */
export interface ShowTarget {
  /** Find tslab, or `undefined` when not running in a tslab kernel. */
  readonly loadTslab?: () => TslabLike | undefined;
  /** Write the plain-text fallback. Default: `process.stdout`, with a final newline. */
  readonly writeText?: (text: string) => void;
}

/**
 * Load a module of the tslab running this kernel: the first copy that `accept`s, preferring
 * one whose `attached` check passes. tslab answers `require('tslab')` from a cell with its own
 * instance, but library code resolves from its own folder, where tslab may be missing (the
 * kernel is a global or separate install) or a second copy not wired to the kernel. The
 * kernel's main module resolves the kernel's own copy, so it is asked first.
 *
 * @example
 * kernelModule('tslab/dist/jupyter', isJupyter, (m) => m.lastWriteDisplayData !== null);
 */
export function kernelModule<T>(id: string, accept: (mod: unknown) => mod is T, attached: (mod: T) => boolean = () => true): T | undefined {
  const resolvers = [(name: string) => require.main?.require(name), (name: string) => require(name)];
  let found: T | undefined;
  for (const resolve of resolvers) {
    try {
      const mod: unknown = resolve(id);
      if (!accept(mod)) continue;
      if (attached(mod)) return mod;
      found ??= mod;
    } catch {
      // Not resolvable from here: try the next place.
    }
  }
  return found;
}

/**
 * Find the tslab module the running kernel uses, or `undefined` outside a tslab kernel's reach.
 *
 * @example
 * loadTslab()?.display.html('<b>hi</b>');
 */
export function loadTslab(): TslabLike | undefined {
  return kernelModule('tslab', isTslab);
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
