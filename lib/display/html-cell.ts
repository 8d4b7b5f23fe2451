/**
 * One table cell's text as HTML: escaped, invisible characters revealed, cut when long (the
 * whole value in the hover title) and given places to wrap, so identifiers such as ARNs and
 * user agents wrap at their separators instead of squeezing a column or widening it off-screen.
 */

import { escapeHtml, revealInvisibles } from './escape';

/** Characters a long value may wrap after: the separators of ARNs, paths, JSON and URLs. */
const BREAK_AFTER = new Set(['/', ':', ',', ';', '_', '=', '&', '?', '|']);
/** Characters the browser already wraps at. */
const WHITESPACE = /^\s$/u;
/** A run of this many characters with nowhere to wrap gets a wrap point (hashes, base64). */
const LONGEST_RUN = 24;
/** A value with more lines than this is cut after them. */
const MAX_LINES = 6;
/** A value this short never wraps: times, IPs, event names and error codes stay on one line. */
const NOWRAP_CHARS = 32;
/** The hover title keeps this many characters; a 1 MB policy would make the page huge. */
const TITLE_CHARS = 4000;

/**
 * A cell's HTML content and, when the value was cut, the full value for its `title`.
 * Both are escaped, ready to put between tags and between `"` quotes.
 */
export interface HtmlCell {
  readonly html: string;
  readonly title: string | undefined;
  /** The value is short and one line: the cell should not wrap it (`2024-03-` / `19T05…`). */
  readonly short: boolean;
}

/**
 * Render a cell's text: control and invisible characters shown as escapes (line breaks and tabs
 * kept), text longer than `maxChars` characters or {@link MAX_LINES} lines cut with `…`, and
 * `<wbr>` after separators (`/`, `:`, `,`, `_`, …) and inside long runs.
 *
 * @param maxChars  characters shown before the value is cut; `Infinity` never cuts
 * @example
 * cellHtml('arn:aws:iam::123456789012:user/alice', 120).html;
 * // 'arn:<wbr>aws:<wbr>iam:<wbr>:<wbr>123456789012:<wbr>user/<wbr>alice'
 */
export function cellHtml(text: string, maxChars: number): HtmlCell {
  const shown = revealInvisibles(text, true);
  const chars = Array.from(shown); // by code point: a cut never splits a surrogate pair
  let end = Math.min(chars.length, maxChars);
  let lines = 1;
  for (let i = 0; i < end; i++) {
    if (chars[i] === '\n' && ++lines > MAX_LINES) end = i;
  }
  if (end >= chars.length) {
    const short = chars.length <= NOWRAP_CHARS && !/[\r\n]/.test(shown);
    return { html: short ? escapeHtml(shown) : withWrapPoints(chars), title: undefined, short };
  }
  const title =
    chars.length > TITLE_CHARS
      ? `${chars.slice(0, TITLE_CHARS).join('')}… (${chars.length - TITLE_CHARS} more characters)`
      : shown;
  return {
    html: `${withWrapPoints(chars.slice(0, end))}<span class="irbook-more">…</span>`,
    title: escapeHtml(title),
    short: false,
  };
}

function withWrapPoints(chars: readonly string[]): string {
  let out = '';
  let run = 0;
  chars.forEach((ch, i) => {
    out += escapeHtml(ch);
    if (WHITESPACE.test(ch) || ch === '-') {
      run = 0;
      return;
    }
    run++;
    const last = i === chars.length - 1;
    if (!last && (BREAK_AFTER.has(ch) || run >= LONGEST_RUN)) {
      out += '<wbr>';
      run = 0;
    }
  });
  return out;
}
