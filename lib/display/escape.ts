/**
 * Making untrusted text safe to show. CloudTrail fields are attacker-controlled (user agents,
 * request parameters, error messages, even S3 object names), so every value is treated as hostile.
 */

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escape text for HTML element content and for quoted attribute values.
 *
 * @example
 * escapeHtml('<script>alert("x")</script>'); // '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

// C0 and C1 controls, DEL, zero-width and bidi-control characters, line/paragraph separators,
// BOM. They can move a terminal's cursor, recolour it, or make `admin\u200b` look like `admin`
// and reorder text on screen (U+202E), so they are shown as escapes instead.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Replace control and invisible characters with visible escapes (`\n`, `\x1b`, `\u202e`).
 *
 * @param keepLineBreaks  keep `\n`, `\r` and `\t` as they are (HTML cells wrap on them);
 *   a terminal table escapes them to stay one line per row
 * @example
 * revealInvisibles('ok\u001b[31mred'); // 'ok\\x1b[31mred'
 */
export function revealInvisibles(text: string, keepLineBreaks = false): string {
  return text.replace(INVISIBLE, (c) => {
    if (keepLineBreaks && (c === '\n' || c === '\r' || c === '\t')) return c;
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) return short;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
