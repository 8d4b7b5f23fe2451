/**
 * Finding structure in a token list: matching brackets, the arguments of a call, and
 * whether an argument is one of the shapes a rewrite cares about. Ranges are half-open
 * `[start, end)` token indices.
 */
import { isPunct, isSignificant, isWord, type TrinoToken } from './tokens';

/** A half-open range of token indices. */
export interface TokenRange {
  readonly start: number;
  readonly end: number;
}

/** A call `name(arg, …)`: the name token, its brackets and the argument ranges. */
export interface TokenCall {
  readonly name: number;
  readonly open: number;
  readonly close: number;
  readonly args: readonly TokenRange[];
}

const OPENERS = new Set(['(', '[']);
const CLOSERS = new Set([')', ']']);

/**
 * Index of the next significant token at or after `from` (and before `end`), or -1.
 *
 * @example
 * nextSignificant(tokenizeTrino('a  b'), 1); // 2
 */
export function nextSignificant(tokens: readonly TrinoToken[], from: number, end = tokens.length): number {
  for (let i = from; i < end; i++) if (isSignificant(tokens[i]!)) return i;
  return -1;
}

/**
 * Index of the last significant token before `from` (and at or after `start`), or -1.
 *
 * @example
 * previousSignificant(tokenizeTrino('a  b'), 2); // 0
 */
export function previousSignificant(tokens: readonly TrinoToken[], from: number, start = 0): number {
  for (let i = from - 1; i >= start; i--) if (isSignificant(tokens[i]!)) return i;
  return -1;
}

/**
 * Indices of the significant tokens in a range.
 *
 * @example
 * significantIn(tokenizeTrino('a b'), { start: 0, end: 3 }); // [0, 2]
 */
export function significantIn(tokens: readonly TrinoToken[], range: TokenRange): number[] {
  const out: number[] = [];
  for (let i = range.start; i < range.end; i++) if (isSignificant(tokens[i]!)) out.push(i);
  return out;
}

/**
 * Index of the bracket closing the one at `open`, or -1 when the text is unbalanced.
 *
 * @example
 * matchingClose(tokenizeTrino('(a[1])'), 0); // 5
 */
export function matchingClose(tokens: readonly TrinoToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (OPENERS.has(t.text)) depth++;
    else if (CLOSERS.has(t.text) && --depth === 0) return i;
  }
  return -1;
}

/**
 * The call whose name is the token at `name`, when a `(` follows it and is closed.
 *
 * @example
 * callAt(tokenizeTrino('f(a, b)'), 0)?.args.length; // 2
 */
export function callAt(tokens: readonly TrinoToken[], name: number): TokenCall | undefined {
  const open = nextSignificant(tokens, name + 1);
  if (open < 0 || !isPunct(tokens[open], '(')) return undefined;
  const close = matchingClose(tokens, open);
  if (close < 0) return undefined;
  return { name, open, close, args: splitTopLevel(tokens, { start: open + 1, end: close }, ',') };
}

/**
 * Splits a range at the depth-0 punctuation `separator`; an all-blank range has no parts.
 *
 * @example
 * splitTopLevel(tokenizeTrino('a, f(b, c)'), { start: 0, end: 10 }, ',').length; // 2
 */
export function splitTopLevel(tokens: readonly TrinoToken[], range: TokenRange, separator: string): TokenRange[] {
  if (nextSignificant(tokens, range.start, range.end) < 0) return [];
  const parts: TokenRange[] = [];
  let depth = 0;
  let start = range.start;
  for (let i = range.start; i < range.end; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (OPENERS.has(t.text)) depth++;
    else if (CLOSERS.has(t.text)) depth--;
    else if (depth === 0 && t.text === separator) {
      parts.push({ start, end: i });
      start = i + 1;
    }
  }
  parts.push({ start, end: range.end });
  return parts;
}

/**
 * Index of the first depth-0 word `word` (lower case) in a range, or -1.
 *
 * @example
 * topLevelWord(tokenizeTrino('CAST(x AS y) AS z'), { start: 0, end: 12 }, 'as'); // 9
 */
export function topLevelWord(tokens: readonly TrinoToken[], range: TokenRange, word: string): number {
  let depth = 0;
  for (let i = range.start; i < range.end; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && OPENERS.has(t.text)) depth++;
    else if (t.kind === 'punct' && CLOSERS.has(t.text)) depth--;
    else if (depth === 0 && isWord(t, word)) return i;
  }
  return -1;
}

/**
 * The range without blanks at its ends and without brackets that enclose all of it.
 *
 * @example
 * unwrap(tokenizeTrino(' ((a)) '), { start: 0, end: 7 }); // { start: 3, end: 4 }, the token 'a'
 */
export function unwrap(tokens: readonly TrinoToken[], range: TokenRange): TokenRange {
  let { start, end } = range;
  for (;;) {
    const first = nextSignificant(tokens, start, end);
    const last = previousSignificant(tokens, end, start);
    if (first < 0) return { start, end: start };
    if (isPunct(tokens[first], '(') && matchingClose(tokens, first) === last) {
      start = first + 1;
      end = last;
      continue;
    }
    return { start: first, end: last + 1 };
  }
}

/**
 * The call that spans all of `range` (ignoring enclosing brackets), if there is one.
 *
 * @example
 * wholeCall(tokenizeTrino('(f(x))'), { start: 0, end: 6 })?.name; // 1
 */
export function wholeCall(tokens: readonly TrinoToken[], range: TokenRange): TokenCall | undefined {
  const inner = unwrap(tokens, range);
  const first = tokens[inner.start];
  if (inner.start >= inner.end || first?.kind !== 'word') return undefined;
  const call = callAt(tokens, inner.start);
  return call && call.close === inner.end - 1 ? call : undefined;
}

/**
 * Text of a range.
 *
 * @example
 * textOf(tokenizeTrino('a + b'), { start: 2, end: 5 }); // '+ b'
 */
export function textOf(tokens: readonly TrinoToken[], range: TokenRange): string {
  let out = '';
  for (let i = range.start; i < range.end; i++) out += tokens[i]!.text;
  return out;
}
