/**
 * Trino's `format_datetime` / `parse_datetime` take Joda-Time patterns (`yyyy-MM-dd HH:mm`);
 * DuckDB's strftime and strptime take C-style `%` codes. The letters follow Joda's
 * DateTimeFormat: the count of a letter sets the padding of numbers and the form of text
 * (`MMM` Mar, `MMMM` March), text between single quotes is literal and `''` is a quote.
 * Letters with no DuckDB equivalent are refused with Trino's wording, never printed wrong.
 */
import { IrbookError } from '../../../errors';

/**
 * A Joda pattern letter DuckDB cannot print or parse the way Trino does; `letter` names it.
 *
 * @example
 * new UnsupportedJodaPatternError('G', 'era').message;
 * // "format_datetime pattern letter 'G' (era) is not supported on the embedded engine"
 */
export class UnsupportedJodaPatternError extends IrbookError {
  override readonly name = 'UnsupportedJodaPatternError';
  constructor(readonly letter: string, what: string) {
    super(`format_datetime pattern letter '${letter}' (${what}) is not supported on the embedded engine`);
  }
}

/** What one run of a letter becomes: [printing, parsing] for a given run length. */
type Rule = (count: number) => readonly [format: string, parse: string];

const padded = (short: string, long: string): Rule => (n) => (n >= 2 ? [long, long] : [short, long]);
const text = (abbreviated: string, full: string): Rule => (n) => (n >= 4 ? [full, full] : [abbreviated, abbreviated]);

const RULES: Readonly<Record<string, Rule>> = {
  // Joda prints `yy` as two digits and any other count as the whole year.
  y: (n) => (n === 2 ? ['%y', '%y'] : ['%Y', '%Y']),
  Y: (n) => (n === 2 ? ['%y', '%y'] : ['%Y', '%Y']),
  x: () => ['%G', '%G'],
  w: (n) => {
    if (n >= 2) return ['%V', '%V'];
    throw new UnsupportedJodaPatternError('w', 'week of weekyear unpadded: write ww');
  },
  e: () => ['%u', '%u'],
  E: text('%a', '%A'),
  D: (n) => (n >= 3 ? ['%j', '%j'] : ['%-j', '%j']),
  M: (n) => (n >= 4 ? ['%B', '%B'] : n === 3 ? ['%b', '%b'] : n === 2 ? ['%m', '%m'] : ['%-m', '%m']),
  d: padded('%-d', '%d'),
  a: () => ['%p', '%p'],
  h: padded('%-I', '%I'),
  H: padded('%-H', '%H'),
  m: padded('%-M', '%M'),
  s: padded('%-S', '%S'),
  S: (n) => {
    if (n === 3) return ['%g', '%g'];
    if (n === 6) return ['%f', '%f'];
    throw new UnsupportedJodaPatternError('S'.repeat(n), 'fraction of second: only SSS and SSSSSS are supported');
  },
  // The engine prints every timestamp in UTC (Athena's session zone), so the zone is known.
  Z: (n) => [n === 1 ? '+0000' : n === 2 ? '+00:00' : 'UTC', '%z'],
  z: () => ['UTC', '%Z'],
};

const REFUSED: Readonly<Record<string, string>> = {
  G: 'era',
  C: 'century of era',
  K: 'hour of halfday 0-11',
  k: 'clockhour of day 1-24',
};

/**
 * The DuckDB strftime (or, with `forParsing`, strptime) format for a Joda pattern.
 *
 * @throws UnsupportedJodaPatternError for a letter DuckDB has no code for, or an unclosed quote
 * @example
 * jodaToStrftime("yyyy-MM-dd'T'HH:mm:ss.SSS"); // '%Y-%m-%dT%H:%M:%S.%g'
 * jodaToStrftime('d MMM yyyy');                  // '%-d %b %Y'
 */
export function jodaToStrftime(pattern: string, forParsing = false): string {
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const { literalText, next } = quoted(pattern, i);
      out += literalText.replace(/%/g, '%%');
      i = next;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      out += ch === '%' ? '%%' : ch;
      i += 1;
      continue;
    }
    let count = 1;
    while (pattern[i + count] === ch) count += 1;
    const refused = Object.hasOwn(REFUSED, ch) ? REFUSED[ch] : undefined;
    if (refused) throw new UnsupportedJodaPatternError(ch, refused);
    const rule = Object.hasOwn(RULES, ch) ? RULES[ch] : undefined;
    if (!rule) throw new UnsupportedJodaPatternError(ch, 'not a Joda pattern letter; quote literal text');
    out += rule(count)[forParsing ? 1 : 0];
    i += count;
  }
  return out;
}

/** The text of a quoted run starting at `start` (`''` inside or alone is one quote). */
function quoted(pattern: string, start: number): { literalText: string; next: number } {
  if (pattern[start + 1] === "'") return { literalText: "'", next: start + 2 };
  let literalText = '';
  for (let i = start + 1; i < pattern.length; i++) {
    if (pattern[i] !== "'") {
      literalText += pattern[i];
      continue;
    }
    if (pattern[i + 1] === "'") {
      literalText += "'";
      i += 1;
      continue;
    }
    return { literalText, next: i + 1 };
  }
  throw new UnsupportedJodaPatternError("'", `unclosed quote in ${JSON.stringify(pattern)}`);
}
