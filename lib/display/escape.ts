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

// C0 and C1 controls, DEL, and characters that draw nothing or reorder text: soft hyphen,
// zero-width and bidi-control characters, line/paragraph separators, invisible operators,
// Hangul fillers, interlinear annotation marks, BOM, Unicode tags; also lone surrogates and
// U+FFFE/U+FFFF, which XML does not allow. They can move a terminal's
// cursor, recolour it, make `admin\u200b` or `ad\u00admin` look like `admin`, and reorder
// text on screen (U+202E), so they are shown as escapes instead.
const INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ud800-\udfff\ufeff\uffa0\ufff9-\ufffb\ufffe\uffff\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}]/gu;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Replace control and invisible characters with visible escapes (`\n`, `\x1b`, `\u202e`,
 * `\u{e0041}`).
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
    const code = c.codePointAt(0) ?? 0;
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

// The characters of INVISIBLE that JSON.stringify leaves as they are (it escapes C0 controls
// and lone surrogates itself), matched by UTF-16 unit so tags and musical controls, which are
// surrogate pairs, become two `\u` escapes.
const JSON_INVISIBLE =
  /[\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]|\udb40[\udc00-\udc7f]|\ud834[\udd73-\udd7a]/g;

/**
 * Escape, in JSON text, the invisible and control characters that `JSON.stringify` leaves
 * raw (C1 controls such as the 8-bit CSI U+009B, bidi overrides, zero-width characters) as
 * `\uXXXX`. The JSON means exactly the same; it just cannot drive a terminal or hide a name.
 *
 * @example
 * escapeInvisiblesInJson(JSON.stringify({ who: 'admin\u202e' })); // '{"who":"admin\\u202e"}'
 */
export function escapeInvisiblesInJson(json: string): string {
  return json.replace(JSON_INVISIBLE, (match) => {
    let out = '';
    for (let i = 0; i < match.length; i++) out += `\\u${match.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}
