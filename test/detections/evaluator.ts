/**
 * An independent Sigma evaluator for the equivalence tests: reads rule YAML itself, parses
 * conditions itself and decides, record by record over parsed CloudTrail JSON, whether a
 * detection rule matches. It imports nothing from lib/, so an agreement with the compiler is
 * evidence, not an echo.
 *
 * Semantics (the Sigma specification and the plan):
 * - plain strings, `contains`, `startswith`, `endswith` and wildcards match case-insensitively
 *   unless `cased`; `re` is case-sensitive unless `re|i`, finds its match anywhere, and its
 *   `.` stops only at the newline character (all characters with `s`);
 * - a missing field or JSON null matches only `null` and `exists: false` (the plan;
 *   the spec's `exists` counts a present null as existing, but the `cloudtrail` table cannot
 *   tell a null struct member from a missing one); an object or array member equals no
 *   string, is not null and exists;
 * - a whole JSON-text member (`requestParameters`) is its compact JSON text, as the table's;
 * - numbers and booleans, in rules and in records, compare as their text;
 * - lists OR (AND with `all`), maps AND, lists of maps OR;
 * - `fieldref` compares with another field's value (taken literally, no wildcards), with
 *   `contains`/`startswith`/`endswith` too, case-insensitively unless `cased`; a missing
 *   value on either side never matches.
 * Keyword (field-less) searches and modifiers it does not know throw `UnsupportedRule`.
 */
import { parseAllDocuments } from 'yaml';
import {
  cidrMatcher,
  fieldOf,
  scalarText,
  sigmaPieces,
  sigmaRegExp,
  wildcardMatcher,
  type FieldValue,
  type JsonRecord,
  type RuleScalar,
} from './evaluator-values';

export type { JsonRecord } from './evaluator-values';

/** A rule the evaluator does not evaluate, and why. */
export class UnsupportedRule extends Error {
  override readonly name = 'UnsupportedRule';
}

/** One detection rule as the evaluator read it. */
export interface EvaluatorRule {
  readonly id: string | undefined;
  readonly title: string;
  readonly source: string;
  /** Whether a record matches; throws UnsupportedRule for what it does not evaluate. */
  readonly matches: (record: JsonRecord) => boolean;
}

/** What one YAML file holds, for the evaluator. */
export interface EvaluatorRuleFile {
  readonly rules: readonly EvaluatorRule[];
  /** Correlation documents (not single-event rules): left to other tests. */
  readonly correlations: number;
  /** Detection documents it does not evaluate, with the reason. */
  readonly unsupported: readonly { readonly id: string | undefined; readonly title: string; readonly source: string; readonly reason: string }[];
}

type Predicate = (record: JsonRecord) => boolean;

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads every YAML document of a file: detection rules, correlation counts, what it cannot evaluate. */
export function readEvaluatorRules(text: string, source: string): EvaluatorRuleFile {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) throw new Error(`${source}: not YAML documents`);
  const rules: EvaluatorRule[] = [];
  const unsupported: { id: string | undefined; title: string; source: string; reason: string }[] = [];
  let correlations = 0;
  documents.forEach((document, index) => {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0]!.message}`);
    const data: unknown = document.toJS();
    if (data === null || data === undefined) return;
    if (!isMap(data)) throw new Error(`${source}: document ${index + 1} is not a map`);
    const where = documents.length > 1 ? `${source}#${index + 1}` : source;
    if ('correlation' in data) {
      correlations++;
      return;
    }
    const title = typeof data.title === 'string' ? data.title : where;
    const id = typeof data.id === 'string' ? data.id : undefined;
    try {
      if (!isMap(data.detection)) throw new UnsupportedRule('no detection map');
      rules.push({ id, title, source: where, matches: detectionPredicate(data.detection) });
    } catch (error) {
      if (!(error instanceof UnsupportedRule)) throw error;
      unsupported.push({ id, title, source: where, reason: error.message });
    }
  });
  return { rules, correlations, unsupported };
}

/** The predicate of a `detection` map: its search identifiers joined by its condition. */
export function detectionPredicate(detection: Readonly<Record<string, unknown>>): Predicate {
  const searches = new Map<string, Predicate>();
  for (const [name, value] of Object.entries(detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    searches.set(name, searchPredicate(name, value));
  }
  const condition = detection.condition;
  const texts = Array.isArray(condition) ? condition : [condition];
  if (texts.length === 0 || !texts.every((t): t is string => typeof t === 'string')) throw new UnsupportedRule('condition must be text');
  // A list of conditions is their OR (the spec).
  const parts = texts.map((t) => parseCondition(t, searches));
  return (record) => parts.some((p) => p(record));
}

// ---- search identifiers -------------------------------------------------------------------

function searchPredicate(name: string, value: unknown): Predicate {
  if (isMap(value)) return mapPredicate(value);
  if (Array.isArray(value) && value.length > 0 && value.every(isMap)) {
    const maps = value.map(mapPredicate);
    return (record) => maps.some((m) => m(record));
  }
  throw new UnsupportedRule(`${name}: keyword searches are not supported`);
}

function mapPredicate(map: Readonly<Record<string, unknown>>): Predicate {
  const fields = Object.entries(map).map(([key, value]) => fieldPredicate(key, value));
  return (record) => fields.every((f) => f(record));
}

const KNOWN_MODIFIERS = new Set(['contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'cidr', 'fieldref', 'exists', 'cased']);

function fieldPredicate(key: string, raw: unknown): Predicate {
  const [field, ...modifierList] = key.split('|');
  if (!field) throw new UnsupportedRule(`${key}: keyword searches are not supported`);
  const modifiers = new Set(modifierList);
  for (const m of modifierList) if (!KNOWN_MODIFIERS.has(m)) throw new UnsupportedRule(`${key}: modifier ${m} is not supported`);
  if (!modifiers.has('re') && ['i', 'm', 's'].some((m) => modifiers.has(m))) throw new UnsupportedRule(`${key}: i, m and s go with re`);
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new UnsupportedRule(`${key}: an empty list`);
  if (values.some((v) => v !== null && !['string', 'number', 'boolean'].includes(typeof v))) {
    throw new UnsupportedRule(`${key}: values must be strings, numbers, booleans or null`);
  }
  const tests = (values as RuleScalar[]).map((v) => valueTest(key, field, modifiers, v));
  const all = modifiers.has('all');
  return (record) => {
    const here = fieldOf(record, field);
    const matches = (t: ValueTest) => t(here, record);
    return all ? tests.every(matches) : tests.some(matches);
  };
}

type ValueTest = (value: FieldValue, record: JsonRecord) => boolean;

/** How one rule value tests a field's value. */
function valueTest(key: string, field: string, modifiers: ReadonlySet<string>, value: RuleScalar): ValueTest {
  const cased = modifiers.has('cased');
  const textOf = (v: FieldValue) => (v.kind === 'text' ? v.text : undefined);
  if (modifiers.has('exists')) {
    if (typeof value !== 'boolean' || modifiers.size > 1) throw new UnsupportedRule(`${key}: exists takes true or false, alone`);
    return (v) => (v.kind !== 'absent') === value;
  }
  if (value === null) {
    if ([...modifiers].some((m) => m !== 'all')) throw new UnsupportedRule(`${key}: null with modifiers`);
    return (v) => v.kind === 'absent';
  }
  const text = scalarText(value);
  if (modifiers.has('re')) {
    const regex = sigmaRegExp(text, { i: modifiers.has('i'), m: modifiers.has('m'), s: modifiers.has('s') });
    return (v) => textOf(v) !== undefined && regex.test(textOf(v)!);
  }
  if (modifiers.has('cidr')) {
    const inNetwork = cidrMatcher(text);
    return (v) => textOf(v) !== undefined && inNetwork(textOf(v)!);
  }
  const where = modifiers.has('contains') ? 'contains' : modifiers.has('startswith') ? 'startswith' : modifiers.has('endswith') ? 'endswith' : 'equals';
  if (modifiers.has('fieldref')) {
    if (text === field) throw new UnsupportedRule(`${key}: a field compared with itself`);
    const fold = (s: string) => (cased ? s : s.toLowerCase());
    const compare: Record<typeof where, (a: string, b: string) => boolean> = {
      equals: (a, b) => a === b,
      contains: (a, b) => a.includes(b),
      startswith: (a, b) => a.startsWith(b),
      endswith: (a, b) => a.endsWith(b),
    };
    return (v, record) => {
      const other = textOf(fieldOf(record, text));
      const mine = textOf(v);
      return mine !== undefined && other !== undefined && compare[where](fold(mine), fold(other));
    };
  }
  // contains/startswith/endswith put `*` around the value as read (its escapes already
  // resolved, so a trailing backslash stays one); its own wildcards stay wildcards.
  const star = { wildcard: '*' } as const;
  const pieces = sigmaPieces(text);
  const pattern = where === 'contains' ? [star, ...pieces, star] : where === 'startswith' ? [...pieces, star] : where === 'endswith' ? [star, ...pieces] : pieces;
  const matches = wildcardMatcher(pattern, cased);
  return (v) => textOf(v) !== undefined && matches(textOf(v)!);
}

// ---- conditions ---------------------------------------------------------------------------

/**
 * A condition's predicate. Precedence, least binding first: or, and, not, `x of`,
 * parentheses. `1 of them`/`all of them` take every search identifier not starting with `_`;
 * a pattern's `*` matches any run of characters.
 */
export function parseCondition(text: string, searches: ReadonlyMap<string, Predicate>): Predicate {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at]?.toLowerCase();
  const fail = (what: string): never => {
    throw new UnsupportedRule(`condition "${text}": ${what}`);
  };
  const orExpr = (): Predicate => {
    const parts = [andExpr()];
    while (peek() === 'or') {
      at++;
      parts.push(andExpr());
    }
    return parts.length === 1 ? parts[0]! : (r) => parts.some((p) => p(r));
  };
  const andExpr = (): Predicate => {
    const parts = [notExpr()];
    while (peek() === 'and') {
      at++;
      parts.push(notExpr());
    }
    return parts.length === 1 ? parts[0]! : (r) => parts.every((p) => p(r));
  };
  const notExpr = (): Predicate => {
    if (peek() !== 'not') return primary();
    at++;
    const inner = notExpr();
    return (r) => !inner(r);
  };
  const primary = (): Predicate => {
    const token = tokens[at];
    if (token === undefined) return fail('ends too early');
    if (token === '(') {
      at++;
      const inner = orExpr();
      if (tokens[at] !== ')') fail('a parenthesis is not closed');
      at++;
      return inner;
    }
    if ((token === '1' || token.toLowerCase() === 'all') && tokens[at + 1]?.toLowerCase() === 'of') {
      const target = tokens[at + 2];
      if (target === undefined) return fail(`"${token} of" names nothing`);
      at += 3;
      const chosen = ofTargets(target);
      if (chosen.length === 0) fail(`"${target}" matches no search identifier`);
      return token === '1' ? (r) => chosen.some((p) => p(r)) : (r) => chosen.every((p) => p(r));
    }
    const search = searches.get(token);
    if (search === undefined) return fail(`unknown search identifier "${token}"`);
    at++;
    return search;
  };
  const ofTargets = (target: string): Predicate[] => {
    if (target.toLowerCase() === 'them') return [...searches].filter(([name]) => !name.startsWith('_')).map(([, p]) => p);
    const pattern = new RegExp(`^${target.split('*').map((s) => s.replace(/[\\^$.+?()[\]{}|]/g, '\\$&')).join('.*')}$`);
    return [...searches].filter(([name]) => pattern.test(name)).map(([, p]) => p);
  };
  const predicate = orExpr();
  if (at !== tokens.length) fail(`unexpected "${tokens[at]}"`);
  return predicate;
}
