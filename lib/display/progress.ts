/** A long query's progress, shown in place in the notebook cell while it runs. */

import { escapeHtml } from './escape';
import { formatDuration } from './format';
import { loadTslab } from './notebook';

/** What an engine reports while a query runs. */
export interface QueryProgress {
  /** The engine's state word: `RUNNING`, or Athena's `QUEUED`, `RUNNING`, … */
  readonly state: string;
  /** Anything else worth a glance: data scanned so far, files to read. */
  readonly detail?: string;
}

/** One display slot that can be overwritten (tslab's `newDisplay()`). */
export interface ProgressSlot {
  html(html: string): void;
}

/** Where progress goes; tests swap it. `undefined`: not in a notebook, show nothing. */
export type ProgressSlotFactory = () => ProgressSlot | undefined;

function tslabSlot(): ProgressSlot | undefined {
  return loadTslab()?.newDisplay?.();
}

/** Options for {@link withProgress}. */
export interface ProgressOptions {
  /** What is running, e.g. `Query on athena`. */
  readonly label: string;
  /** Show nothing for queries faster than this. Default 1000 ms. */
  readonly delayMs?: number;
  /** How often the elapsed time is redrawn. Default 500 ms. */
  readonly intervalMs?: number;
  readonly slot?: ProgressSlotFactory;
}

/**
 * Run `work`, and if it takes longer than `delayMs`, show one line in the cell that updates in
 * place: the label, the engine's latest state and the elapsed time. On success the line is
 * cleared (the result's summary gives the time); on failure it stays and says how it ended.
 * Outside a notebook, or when tslab is not attached to a kernel, nothing is shown.
 *
 * @example
 * const result = await withProgress({ label: 'Query on local' }, (report) => engine.query(q, { onProgress: report }));
 */
export async function withProgress<T>(
  options: ProgressOptions,
  work: (report: (progress: QueryProgress) => void) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let latest: QueryProgress = { state: 'RUNNING' };
  // undefined until the first draw; null when there is nowhere to draw. A slot is kept only
  // once it has taken a line, so a slot means the line is on screen.
  let slot: ProgressSlot | null | undefined;
  const show = (html: string) => {
    if (slot === null) return;
    try {
      slot ??= (options.slot ?? tslabSlot)() ?? null;
      slot?.html(html);
    } catch {
      // tslab loaded outside a kernel throws "Not ready": progress is optional, stay quiet.
      slot = null;
    }
  };
  const draw = (finalState?: string) => {
    const elapsed = formatDuration(performance.now() - started);
    const state = finalState ?? latest.state;
    const detail = latest.detail ? ` · ${escapeHtml(latest.detail)}` : '';
    show(`<div class="irbook-progress" style="font-family:monospace;color:#555">${escapeHtml(options.label)}: ` +
      `<b>${escapeHtml(state)}</b> · ${elapsed}${detail}</div>`);
  };
  let timer: NodeJS.Timeout | undefined;
  const delay = setTimeout(() => {
    draw();
    timer = setInterval(() => draw(), options.intervalMs ?? 500);
  }, options.delayMs ?? 1000);
  try {
    const value = await work((progress) => {
      latest = progress;
    });
    // On success the line goes away: the result's own summary says how long it took.
    if (slot) show('');
    return value;
  } catch (error) {
    if (slot) draw(error instanceof Error && error.name === 'QueryCancelledError' ? 'CANCELLED' : 'FAILED');
    throw error;
  } finally {
    clearTimeout(delay);
    clearInterval(timer);
  }
}
