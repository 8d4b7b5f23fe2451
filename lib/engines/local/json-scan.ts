/**
 * One pass over a file's decompressed bytes before DuckDB sees them: how deep the JSON
 * nests (DuckDB crashes the process on JSON nested about 17,000 levels deep), whether the
 * text is exactly one JSON value, and whether that value is a CloudTrail-style
 * `{"Records":[…]}` object. It never parses values; brackets inside strings do not count,
 * so a userAgent full of `[` nests nothing.
 *
 * It also turns each line break outside strings into a space, in place, so the file becomes
 * one line of newline-delimited JSON with the same meaning (a line break is only whitespace
 * outside strings; inside a string it is invalid JSON, left as it is for DuckDB to refuse).
 */

/** What the scan found. */
export type JsonScan =
  /** Nested deeper than the limit somewhere. */
  | { readonly kind: 'too-deep' }
  /**
   * One object whose first member is `"Records": [`; `open` is the offset just past its `{`,
   * `elements` the objects and arrays one level inside its members (its records, for progress).
   */
  | { readonly kind: 'records-object'; readonly open: number; readonly elements: number }
  /** Anything else (an array, JSON lines, a truncated or malformed file, a BOM): read it the slow way. */
  | { readonly kind: 'other' };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const SPACE = 0x20;

/**
 * Scans `bytes`. Line breaks outside strings become spaces only in a records object (a file
 * of JSON lines is left as it is, for the exact reading).
 */
export function scanJson(bytes: Uint8Array, maxDepth: number): JsonScan {
  const scan = scanPass(bytes, maxDepth, false);
  if (scan.kind === 'records-object' && bytes.includes(NEWLINE)) scanPass(bytes, maxDepth, true);
  return scan;
}

function scanPass(bytes: Uint8Array, maxDepth: number, flatten: boolean): JsonScan {
  const length = bytes.length;
  let depth = 0;
  let values = 0;
  let first = -1;
  let elements = 0;
  for (let i = 0; i < length; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      if (depth === 0) values += 2;
      i = stringEnd(bytes, i);
      continue;
    }
    // `{` 0x7b and `[` 0x5b differ only in bit 0x20; so do `}` 0x7d and `]` 0x5d.
    const folded = c | 0x20;
    if (folded === 0x7b) {
      if (depth === 0) {
        values++;
        if (first < 0) first = i;
      } else if (depth === 2) {
        elements++;
      }
      if (++depth > maxDepth) return { kind: 'too-deep' };
    } else if (folded === 0x7d) {
      depth--;
      if (depth < 0) return { kind: 'other' };
    } else if (c === NEWLINE) {
      if (flatten) bytes[i] = SPACE;
    } else if (depth === 0 && c > SPACE) {
      // A scalar at the top level (or a BOM): not a records object.
      values += 2;
    }
  }
  if (depth !== 0 || values !== 1 || bytes[first] !== 0x7b) return { kind: 'other' };
  const open = first + 1;
  return startsWithRecordsArray(bytes, open) ? { kind: 'records-object', open, elements } : { kind: 'other' };
}

/**
 * The offset of the quote that ends the string opening at `open` (the length when there is
 * none). Found with `indexOf`, which runs natively: most of a log's bytes are inside strings.
 */
function stringEnd(bytes: Uint8Array, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote < 0) return bytes.length;
    let backslash = quote - 1;
    while (backslash > open && bytes[backslash] === BACKSLASH) backslash--;
    // An even number of backslashes before the quote escape each other, not the quote.
    if (((quote - 1 - backslash) & 1) === 0) return quote;
    from = quote + 1;
  }
}

const RECORDS = Buffer.from('"Records"');

function startsWithRecordsArray(bytes: Uint8Array, from: number): boolean {
  let i = skipSpace(bytes, from);
  for (let k = 0; k < RECORDS.length; k++, i++) if (bytes[i] !== RECORDS[k]) return false;
  i = skipSpace(bytes, i);
  if (bytes[i] !== 0x3a) return false;
  i = skipSpace(bytes, i + 1);
  return bytes[i] === 0x5b;
}

function skipSpace(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length && (bytes[i] === SPACE || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === NEWLINE)) i++;
  return i;
}
