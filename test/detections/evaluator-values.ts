/**
 * The independent evaluator's view of one CloudTrail record's field, and how one Sigma value
 * matches it. Written from the Sigma specification (rules, modifiers appendix) and the
 * semantics in the plan, over parsed JSON; nothing here comes from lib/detections.
 */

/** A record as parsed from a CloudTrail file. */
export type JsonRecord = Readonly<Record<string, unknown>>;

/**
 * What a Sigma field names in a record: nothing (missing, or JSON null), text (a string, or a
 * number or boolean as its JSON text), or structured (an object or array member).
 */
export type FieldValue =
  | { readonly kind: 'absent' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'structured' };

const ABSENT: FieldValue = { kind: 'absent' };

/**
 * CloudTrail members the `cloudtrail` table keeps as JSON text (Athena's STRING): named whole,
 * such a member is its JSON text, so `requestParameters|contains: 'Suspended'` searches it.
 */
const JSON_TEXT_MEMBERS = new Set(['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails', 'edgeDeviceDetails']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asField(value: unknown): FieldValue {
  if (value === null || value === undefined) return ABSENT;
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (typeof value === 'number' || typeof value === 'boolean') return { kind: 'text', text: String(value) };
  return { kind: 'structured' };
}

/**
 * The field a Sigma name (`userIdentity.sessionContext.sessionIssuer.type`,
 * `requestParameters.bucketName`) names: member by member, keys spelled exactly; a path
 * that runs into an array or a scalar names nothing.
 */
export function fieldOf(record: JsonRecord, name: string): FieldValue {
  if (name.toLowerCase() === 'status') return { kind: 'text', text: eventStatus(record) };
  const path = name.split('.');
  if (path.length === 1 && JSON_TEXT_MEMBERS.has(name)) {
    const whole = record[name];
    if (whole === null || whole === undefined) return ABSENT;
    // CloudTrail writes compact JSON; the crafted files are written with JSON.stringify.
    return typeof whole === 'object' ? { kind: 'text', text: JSON.stringify(whole) } : asField(whole);
  }
  let current: unknown = record;
  for (const key of path) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return ABSENT;
    current = current[key];
  }
  return asField(current);
}

/**
 * OCSF's `status` of a CloudTrail record, which Sigma rules may name (CloudTrail has no such
 * field): a console sign-in says Success or Failure itself; otherwise an errorCode is Failure.
 */
function eventStatus(record: JsonRecord): string {
  const response = record.responseElements;
  const login = isObject(response) ? response.ConsoleLogin : undefined;
  if (record.eventSource === 'signin.amazonaws.com' && (login === 'Success' || login === 'Failure')) return login;
  return record.errorCode === undefined || record.errorCode === null ? 'Success' : 'Failure';
}

/** A value as a rule writes it: YAML scalars only (lists and maps are structure, not values). */
export type RuleScalar = string | number | boolean | null;

/** Text of a rule's number or boolean, as the spec compares them. */
export function scalarText(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

/** One piece of a Sigma string: literal text, or a wildcard. */
export type Piece = { readonly literal: string } | { readonly wildcard: '*' | '?' };

/**
 * A Sigma string's pieces. A backslash escapes `*`, `?` and itself; before any other
 * character it is a plain backslash (the spec: `\\*` is a backslash then a wildcard,
 * `\\\*` a backslash then a star, `\\\\` two backslashes).
 */
export function sigmaPieces(value: string): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  const chars = [...value];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const next = chars[i + 1];
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      literal += next;
      i++;
    } else if (c === '*' || c === '?') {
      if (literal) pieces.push({ literal });
      literal = '';
      pieces.push({ wildcard: c });
    } else {
      literal += c;
    }
  }
  if (literal) pieces.push({ literal });
  return pieces;
}

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** A whole-string matcher for Sigma pieces; case-insensitive compares lower-cased text. */
export function wildcardMatcher(pieces: readonly Piece[], cased: boolean): (text: string) => boolean {
  const source = pieces
    .map((p) => ('literal' in p ? escapeRegExp(cased ? p.literal : p.literal.toLowerCase()) : p.wildcard === '*' ? '[\\s\\S]*' : '[\\s\\S]'))
    .join('');
  const regex = new RegExp(`^${source}$`, 'u');
  return (text) => regex.test(cased ? text : text.toLowerCase());
}

/**
 * A Sigma `re` value as a JavaScript RegExp. The spec's `.` stops only at the newline
 * character (`s` lifts that) and `m` makes `^`/`$` match at newlines; JavaScript also stops at
 * `\r`, U+2028 and U+2029, so `.` outside a character class becomes `[^\n]` (or any
 * character under `s`) and `^`/`$` under `m` become lookarounds on `\n`.
 */
export function sigmaRegExp(pattern: string, flags: { readonly i: boolean; readonly m: boolean; readonly s: boolean }): RegExp {
  let out = '';
  let inClass = false;
  const chars = [...pattern];
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k]!;
    if (c === '\\') {
      out += c + (chars[++k] ?? '');
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (chars[k + 1] === '^') out += chars[++k];
      if (chars[k + 1] === ']') out += '\\' + chars[++k];
    } else if (c === '.') {
      out += flags.s ? '[\\s\\S]' : '[^\\n]';
    } else if (c === '^' && flags.m) {
      out += '(?<=^|\\n)';
    } else if (c === '$' && flags.m) {
      out += '(?=$|\\n)';
    } else {
      out += c;
    }
  }
  return new RegExp(out, flags.i ? 'iu' : 'u');
}

// ---- IP addresses and networks (the `cidr` modifier) -----------------------------------

/** An address as bytes (4 for IPv4, 16 for IPv6), or undefined when the text is not one. */
export function ipBytes(text: string): number[] | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    return parts.every((p) => p <= 255) ? parts : undefined;
  }
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return undefined;
  let tail: number[] = [];
  let hex = text;
  const v4 = /:(\d{1,3}(\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const bytes = ipBytes(v4[1]!);
    if (!bytes) return undefined;
    tail = bytes;
    hex = text.slice(0, v4.index + 1) + '0:0';
  }
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (all.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  const bytes = all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** A test of addresses against a network `a.b.c.d/n` or `x::/n`; throws on a malformed network. */
export function cidrMatcher(network: string): (text: string) => boolean {
  const slash = network.lastIndexOf('/');
  const base = ipBytes(slash < 0 ? network : network.slice(0, slash));
  const bits = slash < 0 ? (base?.length ?? 0) * 8 : Number(network.slice(slash + 1));
  if (!base || !Number.isInteger(bits) || bits < 0 || bits > base.length * 8) throw new Error(`not a network: ${network}`);
  return (text) => {
    const address = ipBytes(text);
    if (!address || address.length !== base.length) return false;
    for (let bit = 0; bit < bits; bit++) {
      const mask = 0x80 >> bit % 8;
      if ((address[bit >> 3]! & mask) !== (base[bit >> 3]! & mask)) return false;
    }
    return true;
  };
}
