/**
 * The Trino dialect rewrite works on tokens, never on raw text, so that nothing inside a
 * string literal, a quoted identifier or a comment can be mistaken for SQL, and `?`
 * placeholders pass through as they are. Joining the tokens' `text` gives back the input.
 */

/** What a token is; `param` is a `?` placeholder. */
export type TrinoTokenKind = 'space' | 'comment' | 'string' | 'quoted' | 'number' | 'word' | 'param' | 'punct';

/** One token of SQL text. */
export interface TrinoToken {
  readonly kind: TrinoTokenKind;
  readonly text: string;
}

// Sticky patterns, tried in this order at each position. Unterminated strings, quoted
// identifiers and comments run to the end of the text, so DuckDB reports the syntax error.
const RULES: readonly (readonly [TrinoTokenKind, RegExp])[] = [
  ['space', /\s+/y],
  ['comment', /--[^\n]*/y],
  ['comment', /\/\*[\s\S]*?(?:\*\/|$)/y],
  ['string', /'(?:[^']|'')*(?:'|$)/y],
  ['quoted', /"(?:[^"]|"")*(?:"|$)/y],
  ['word', /[\p{L}_][\p{L}\p{N}_$]*/uy],
  ['number', /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y],
  ['param', /\?/y],
  ['punct', /->|=>|<=|>=|<>|!=|\|\||::|[\s\S]/y],
];

/**
 * Splits SQL text into tokens.
 *
 * @example
 * tokenizeTrino("a = 'x'").map((t) => t.kind); // ['word', 'space', 'punct', 'space', 'string']
 */
export function tokenizeTrino(sql: string): TrinoToken[] {
  const tokens: TrinoToken[] = [];
  let at = 0;
  while (at < sql.length) {
    for (const [kind, rule] of RULES) {
      rule.lastIndex = at;
      const match = rule.exec(sql);
      if (match && match[0].length > 0) {
        tokens.push({ kind, text: match[0] });
        at += match[0].length;
        break;
      }
    }
  }
  return tokens;
}

/**
 * Whether a token carries meaning (not whitespace, not a comment).
 *
 * @example
 * tokenizeTrino('a -- note\nb').filter(isSignificant).map((t) => t.text); // ['a', 'b']
 */
export function isSignificant(token: TrinoToken): boolean {
  return token.kind !== 'space' && token.kind !== 'comment';
}

/**
 * Whether `token` is the keyword or name `word` (given in lower case), compared as SQL does.
 *
 * @example
 * isWord(tokenizeTrino('Cast')[0], 'cast'); // true
 */
export function isWord(token: TrinoToken | undefined, word: string): boolean {
  return token?.kind === 'word' && token.text.toLowerCase() === word;
}

/**
 * Whether `token` is the punctuation `text`.
 *
 * @example
 * isPunct(tokenizeTrino('(')[0], '('); // true
 */
export function isPunct(token: TrinoToken | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}
