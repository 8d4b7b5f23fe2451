/**
 * One Sigma field test (`field|modifier|…: value or list`) as a SQL condition. Rule values
 * are always bound parameters; only column expressions from `fields.ts` and fixed SQL are
 * text. Matching follows the Sigma specification as ISSUE14's "Semantics" states it: plain
 * strings compare case-insensitively (unless `cased`), `re` is case-sensitive (unless `|i`),
 * numbers and booleans compare as their text, a missing field matches only `null`.
 */
import { sql, type SqlFragment } from '../sql';
import { RuleReason } from './errors';
import { fieldAccess, type FieldAccess } from './fields';
import type { DetectionTarget } from './types';

/** Modifiers irbook compiles. */
const SUPPORTED = new Set([
  'contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'cidr', 'fieldref', 'exists', 'cased',
  'lt', 'lte', 'gt', 'gte',
]);
/** Sigma modifiers irbook knows but does not compile, with why. */
const REFUSED: Readonly<Record<string, string>> = {
  windash: 'it is for Windows command lines',
  base64: 'CloudTrail values are not base64-encoded by Sigma rules for it',
  base64offset: 'CloudTrail values are not base64-encoded by Sigma rules for it',
  utf16: 'it is for Windows encodings',
  utf16le: 'it is for Windows encodings',
  utf16be: 'it is for Windows encodings',
  wide: 'it is for Windows encodings',
  expand: 'placeholders need a pipeline that fills them',
};
const TRANSFORMS = ['contains', 'startswith', 'endswith'] as const;
type Transform = (typeof TRANSFORMS)[number];
const COMPARISONS: Readonly<Record<string, string>> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** A field test's name part, read: `userAgent|contains|all` → field and modifiers. */
export interface FieldSpec {
  readonly field: string;
  readonly modifiers: readonly string[];
}

/** Splits `field|mod|mod` and checks every modifier is one irbook compiles. */
export function parseFieldSpec(spec: string): FieldSpec {
  const [field = '', ...modifiers] = spec.split('|');
  if (field === '') throw new RuleReason(`"${spec}": a field name is missing (keyword searches are not supported)`);
  for (const modifier of modifiers) {
    if (Object.hasOwn(REFUSED, modifier)) throw new RuleReason(`field "${field}": modifier "${modifier}" is not supported (${REFUSED[modifier]})`);
    if (!SUPPORTED.has(modifier)) throw new RuleReason(`field "${field}": unknown modifier "${modifier}"`);
  }
  return { field, modifiers };
}

/**
 * A Sigma value with wildcards read: a LIKE pattern (escape character `\`), or the literal
 * text when it has none. `*` is any run, `?` one character; `\*`, `\?` and `\\` are the
 * characters themselves, any other backslash is a backslash.
 */
export function readWildcards(value: string): { readonly like: string; readonly literal: string | undefined } {
  let like = '';
  let literal = '';
  let wild = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const following = value[i + 1];
    if (c === '\\' && (following === '*' || following === '?' || following === '\\')) {
      like += following === '\\' ? '\\\\' : following;
      literal += following;
      i++;
    } else if (c === '*' || c === '?') {
      like += c === '*' ? '%' : '_';
      wild = true;
    } else {
      like += c === '%' || c === '_' || c === '\\' ? `\\${c}` : c;
      literal += c;
    }
  }
  return { like, literal: wild ? undefined : literal };
}

/** The text of a scalar rule value; numbers and booleans compare as their text. */
function valueText(field: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new RuleReason(`field "${field}": a value must be a string, number, boolean or null, not ${value === undefined ? 'nothing' : Array.isArray(value) ? 'a nested list' : typeof value}`);
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^([0-9A-Fa-f:.]+)\/(\d{1,3})$/;

/** Checked here, because on Athena a malformed CIDR fails the whole query at run time. */
function checkCidr(field: string, cidr: string): void {
  const v4 = IPV4_CIDR.exec(cidr);
  if (v4 !== null) {
    if (v4.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(v4[5]) <= 32) return;
  } else {
    const v6 = IPV6_CIDR.exec(cidr);
    if (v6 !== null && v6[1]!.includes(':') && Number(v6[2]) <= 128 && isIpv6(v6[1]!)) return;
  }
  throw new RuleReason(`field "${field}": "${cidr}" is not an IPv4 or IPv6 CIDR block`);
}

function isIpv6(address: string): boolean {
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  const tail = groups.at(-1);
  const hasV4Tail = tail !== undefined && tail.includes('.');
  if (hasV4Tail && !/^(\d{1,3})(\.\d{1,3}){3}$/.test(tail)) return false;
  const hexGroups = hasV4Tail ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (hasV4Tail ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

/** What RE2 (the local engine's regex library) lacks of Trino's Java-style syntax. */
const NOT_IN_RE2: readonly (readonly [RegExp, string])[] = [
  [/\(\?<?[=!]/, 'look-around'],
  [/\(\?>/, 'atomic groups'],
  [/(?<!\\)\\[1-9]/, 'back-references'],
  [/(?<!\\)[*+?}]\+/, 'possessive quantifiers'],
];

/** Refused where the same rule would run on Athena but fail on the local engine. */
function checkPortableRegex(field: string, pattern: string): void {
  for (const [construct, name] of NOT_IN_RE2) {
    if (construct.test(pattern)) throw new RuleReason(`field "${field}": the regular expression uses ${name}, which the local engine (RE2) does not support`);
  }
}

const ESCAPE = sql.raw(`ESCAPE '\\'`);

/** A string test on `text`; `fold` lowers both sides (Sigma's default case-insensitivity). */
function stringTest(text: SqlFragment, value: string, transform: Transform | undefined, fold: boolean): SqlFragment {
  const { like, literal } = readWildcards(value);
  const side = (x: SqlFragment) => (fold ? sql`lower(${x})` : x);
  if (transform === undefined && literal !== undefined) {
    return sql`${side(text)} = ${fold ? sql`lower(${literal})` : literal}`;
  }
  const pattern = transform === 'contains' ? `%${like}%` : transform === 'startswith' ? `${like}%` : transform === 'endswith' ? `%${like}` : like;
  return sql`${side(text)} LIKE ${fold ? sql`lower(${pattern})` : pattern} ${ESCAPE}`;
}

/** A comparison with another field's value (`fieldref`). */
function fieldrefTest(text: SqlFragment, other: SqlFragment, transform: Transform | undefined, fold: boolean): SqlFragment {
  const a = fold ? sql`lower(${text})` : text;
  const b = fold ? sql`lower(${other})` : other;
  switch (transform) {
    case undefined:
      return sql`${a} = ${b}`;
    case 'contains':
      return sql`strpos(${a}, ${b}) > 0`;
    case 'startswith':
      return sql`starts_with(${a}, ${b})`;
    case 'endswith':
      return sql`(length(${a}) >= length(${b}) AND substr(${a}, length(${a}) - length(${b}) + 1) = ${b})`;
  }
}

/** The test for one scalar value (null included). */
function oneValue(target: DetectionTarget, spec: FieldSpec, access: FieldAccess, value: unknown): SqlFragment {
  const { field, modifiers } = spec;
  const has = (m: string) => modifiers.includes(m);
  if (has('exists')) {
    if (typeof value !== 'boolean') throw new RuleReason(`field "${field}": "exists" takes true or false, not ${JSON.stringify(value)}`);
    return value ? access.present : sql`(NOT ${access.present})`;
  }
  if (value === null) return sql`(NOT ${access.present})`;
  const transform = TRANSFORMS.find((t) => has(t));
  const fold = !has('cased');
  if (has('re')) {
    const pattern = valueText(field, value);
    checkPortableRegex(field, pattern);
    const flags = ['i', 'm', 's'].filter((f) => has(f)).join('');
    return sql`regexp_like(${access.text}, ${flags === '' ? pattern : `(?${flags})${pattern}`})`;
  }
  if (has('cidr')) {
    const cidr = valueText(field, value);
    checkCidr(field, cidr);
    return sql`contains(${cidr}, TRY_CAST(${access.text} AS IPADDRESS))`;
  }
  if (has('fieldref')) {
    const other = valueText(field, value);
    return fieldrefTest(access.text, fieldAccess(target, other).text, transform, fold);
  }
  const comparison = modifiers.find((m) => Object.hasOwn(COMPARISONS, m));
  if (comparison !== undefined) {
    if (typeof value !== 'number') throw new RuleReason(`field "${field}": "${comparison}" takes a number, not ${JSON.stringify(value)}`);
    return sql`TRY_CAST(${access.text} AS DOUBLE) ${sql.raw(COMPARISONS[comparison]!)} ${value}`;
  }
  return stringTest(access.text, valueText(field, value), transform, fold);
}

/** Modifier combinations that mean nothing; refused rather than guessed. */
function checkCombination(spec: FieldSpec): void {
  const { field, modifiers } = spec;
  const has = (m: string) => modifiers.includes(m);
  const transforms = TRANSFORMS.filter((t) => has(t));
  const kinds = ['re', 'cidr', 'fieldref', 'exists', ...Object.keys(COMPARISONS)].filter((m) => has(m));
  const refuse = (why: string): never => {
    throw new RuleReason(`field "${field}": modifiers "${modifiers.join('|')}": ${why}`);
  };
  if (transforms.length > 1) refuse(`only one of ${TRANSFORMS.join(', ')} applies`);
  if (kinds.length > 1) refuse(`${kinds.join(' and ')} cannot be combined`);
  const kind = kinds[0];
  if (transforms.length > 0 && kind !== undefined && kind !== 'fieldref') refuse(`${transforms[0]} does not combine with ${kind}`);
  if (['i', 'm', 's'].some((f) => has(f)) && kind !== 're') refuse('i, m and s are flags of "re"');
  if (has('cased') && kind !== undefined && kind !== 'fieldref') refuse(`cased does not apply to ${kind}`);
  if (new Set(modifiers).size !== modifiers.length) refuse('a modifier is repeated');
}

/**
 * A field test as SQL: a list of values is an OR (an AND with `all`).
 *
 * @example
 * fieldTest('cloudtrail', 'eventName|startswith', 'Delete').compile();
 * // { text: "lower(eventname) LIKE lower(?) ESCAPE '\\'", params: ['Delete%'] }
 */
export function fieldTest(target: DetectionTarget, fieldSpec: string, value: unknown): SqlFragment {
  const spec = parseFieldSpec(fieldSpec);
  checkCombination(spec);
  const access = fieldAccess(target, spec.field);
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) throw new RuleReason(`field "${spec.field}": the list of values is empty`);
  const tests = values.map((v) => oneValue(target, spec, access, v));
  if (tests.length === 1) return tests[0]!;
  // ORs, not `lower(x) IN (…)`: DuckDB plans an IN list of expressions as a join, which
  // lowers every row before the rule's other tests can rule it out.
  return sql`(${sql.join(tests, sql.raw(spec.modifiers.includes('all') ? ' AND ' : ' OR '))})`;
}
