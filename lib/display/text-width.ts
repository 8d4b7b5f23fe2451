/** How wide text is in a monospace terminal, and cutting it to fit. */

// Zero-width: combining marks, variation selectors, zero-width joiner.
const ZERO_WIDTH = /^[\p{M}\u200d\ufe00-\ufe0f]$/u;
// Two columns: East Asian wide and fullwidth blocks, and emoji shown as emoji by default.
const DOUBLE_WIDTH =
  /^(?:[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]|\p{Emoji_Presentation})$/u;

function charWidth(ch: string): number {
  if (ZERO_WIDTH.test(ch)) return 0;
  return DOUBLE_WIDTH.test(ch) ? 2 : 1;
}

/**
 * The number of terminal columns `text` takes: 2 for CJK and emoji, 0 for combining marks,
 * 1 otherwise. An approximation of Unicode's East Asian Width, good enough to align tables.
 *
 * @example
 * displayWidth('日本'); // 4
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/**
 * Cut `text` to at most `maxWidth` columns, ending with `…` when something was cut.
 * Never splits a surrogate pair.
 *
 * @example
 * truncateToWidth('AssumeRoleWithWebIdentity', 10); // 'AssumeRol…'
 */
export function truncateToWidth(text: string, maxWidth: number): string {
  if (displayWidth(text) <= maxWidth) return text;
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (width + w > maxWidth - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

/**
 * Pad `text` with spaces to `width` columns, on the right (left-aligned) or the left.
 *
 * @example
 * padToWidth('42', 5, 'right'); // '   42'
 */
export function padToWidth(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}
