/**
 * Trino type names that DuckDB spells differently, as they appear after `AS` in a CAST:
 * `ARRAY(T)` is `T[]`, `ROW(name T, …)` is `STRUCT(…)`, `VARBINARY` is `BLOB`, and DuckDB's
 * `TIMESTAMP WITH TIME ZONE` takes no precision. Everything else DuckDB reads as it is.
 */
import { isPunct, isWord, type TrinoToken } from './tokens';

interface Parsed {
  readonly text: string;
  readonly next: number;
}

/**
 * DuckDB's spelling of the Trino type written by `sig` (significant tokens), or undefined
 * when the type needs no change or is not understood (DuckDB then reports it).
 *
 * @example
 * duckdbTypeName(tokenizeTrino('ARRAY(VARCHAR)').filter(isSignificant)); // 'VARCHAR[]'
 */
export function duckdbTypeName(sig: readonly TrinoToken[]): string | undefined {
  const parsed = parseType(sig, 0);
  if (!parsed || parsed.next !== sig.length) return undefined;
  const original = sig.map((t) => t.text).join(' ');
  return normalize(parsed.text) === normalize(original) ? undefined : parsed.text;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

function parseType(sig: readonly TrinoToken[], at: number): Parsed | undefined {
  const head = sig[at];
  if (head?.kind !== 'word' && head?.kind !== 'quoted') return undefined;
  const name = head.text.toLowerCase();
  const hasArgs = isPunct(sig[at + 1], '(');
  if (name === 'array' && hasArgs) {
    const element = parseType(sig, at + 2);
    if (!element || !isPunct(sig[element.next], ')')) return undefined;
    return { text: `${element.text}[]`, next: element.next + 1 };
  }
  if (name === 'map' && hasArgs) {
    const key = parseType(sig, at + 2);
    if (!key || !isPunct(sig[key.next], ',')) return undefined;
    const value = parseType(sig, key.next + 1);
    if (!value || !isPunct(sig[value.next], ')')) return undefined;
    return { text: `MAP(${key.text}, ${value.text})`, next: value.next + 1 };
  }
  if (name === 'row' && hasArgs) return parseRow(sig, at + 2);
  if (name === 'varbinary') return { text: 'BLOB', next: at + 1 };
  if (name === 'timestamp' || name === 'time') return parseDateTime(sig, at, name);
  return parsePlain(sig, at);
}

/** `ROW(a T, b U)`; anonymous fields have no DuckDB spelling, so they are not understood. */
function parseRow(sig: readonly TrinoToken[], at: number): Parsed | undefined {
  const fields: string[] = [];
  let next = at;
  for (;;) {
    const field = sig[next];
    if (field?.kind !== 'word' && field?.kind !== 'quoted') return undefined;
    const type = parseType(sig, next + 1);
    if (!type) return undefined;
    fields.push(`${field.text} ${type.text}`);
    next = type.next;
    if (isPunct(sig[next], ')')) return { text: `STRUCT(${fields.join(', ')})`, next: next + 1 };
    if (!isPunct(sig[next], ',')) return undefined;
    next++;
  }
}

/** `TIMESTAMP[(p)] [WITH TIME ZONE | WITHOUT TIME ZONE]`, and the same for TIME. */
function parseDateTime(sig: readonly TrinoToken[], at: number, name: string): Parsed {
  let next = at + 1;
  let precision = '';
  if (isPunct(sig[next], '(') && sig[next + 1]?.kind === 'number' && isPunct(sig[next + 2], ')')) {
    precision = `(${sig[next + 1]!.text})`;
    next += 3;
  }
  const zone = (word: string) =>
    isWord(sig[next], word) && isWord(sig[next + 1], 'time') && isWord(sig[next + 2], 'zone');
  const upper = name.toUpperCase();
  if (zone('with')) return { text: `${upper} WITH TIME ZONE`, next: next + 3 };
  if (zone('without')) next += 3;
  return { text: `${upper}${precision}`, next };
}

/** A name with optional parameters, `VARCHAR(10)`, `DECIMAL(10, 2)`, `DOUBLE PRECISION`. */
function parsePlain(sig: readonly TrinoToken[], at: number): Parsed {
  let text = sig[at]!.text;
  let next = at + 1;
  if (isWord(sig[at], 'double') && isWord(sig[next], 'precision')) return { text: 'DOUBLE', next: next + 1 };
  if (isPunct(sig[next], '(')) {
    const params: string[] = [];
    next++;
    while (next < sig.length && !isPunct(sig[next], ')')) {
      if (!isPunct(sig[next], ',')) params.push(sig[next]!.text);
      next++;
    }
    text += `(${params.join(', ')})`;
    next++;
  }
  return { text, next };
}
