/**
 * Sigma's `condition`: search identifiers combined with `and`, `or`, `not` (precedence
 * not > and > or), parentheses and the quantifiers `1 of X*`, `all of X*`, `1 of them`,
 * `all of them` (`any of` reads as `1 of`). Parsing gives a tree; `expandCondition` resolves
 * patterns and `them` against the rule's identifiers, so every leaf names one search.
 */
import { RuleReason } from './errors';

/** A parsed condition. `of` nodes remain until `expandCondition` resolves them. */
export type ConditionNode =
  | { readonly kind: 'search'; readonly name: string }
  | { readonly kind: 'and' | 'or'; readonly items: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly item: ConditionNode }
  | { readonly kind: 'of'; readonly quantifier: 'one' | 'all'; readonly pattern: string };

type Token = { readonly text: string; readonly at: number };

const TOKEN = /\s*(\(|\)|[^\s()]+)/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (;;) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null) {
      if (text.slice(start).trim() !== '') throw new RuleReason(`condition: cannot read "${text.slice(start).trim()}"`);
      return tokens;
    }
    tokens.push({ text: match[1]!, at: match.index + match[0].length - match[1]!.length });
  }
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', '(', ')']);

/**
 * Parse a condition into a tree. Keywords are case-insensitive; identifiers are kept as written.
 *
 * @example
 * parseCondition('selection and not 1 of filter_*');
 * // { kind: 'and', items: [{ kind: 'search', name: 'selection' },
 * //   { kind: 'not', item: { kind: 'of', quantifier: 'one', pattern: 'filter_*' } }] }
 */
export function parseCondition(text: string): ConditionNode {
  if (text.includes('|')) {
    throw new RuleReason(`condition "${text}": aggregations after "|" are not supported (write a correlation rule)`);
  }
  const tokens = tokenize(text);
  let next = 0;
  const peek = (): string | undefined => tokens[next]?.text.toLowerCase();
  const fail = (what: string): never => {
    const token = tokens[next];
    throw new RuleReason(`condition "${text}": ${what}${token === undefined ? ' at its end' : ` at "${token.text}"`}`);
  };

  const orExpr = (): ConditionNode => {
    const items = [andExpr()];
    while (peek() === 'or') {
      next++;
      items.push(andExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const andExpr = (): ConditionNode => {
    const items = [notExpr()];
    while (peek() === 'and') {
      next++;
      items.push(notExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const notExpr = (): ConditionNode => {
    if (peek() === 'not') {
      next++;
      return { kind: 'not', item: notExpr() };
    }
    return primary();
  };
  const primary = (): ConditionNode => {
    const word = peek();
    if (word === undefined) return fail('a search identifier is missing');
    if (word === '(') {
      next++;
      const inner = orExpr();
      if (peek() !== ')') fail('")" expected');
      next++;
      return inner;
    }
    if (word === '1' || word === 'any' || word === 'all') {
      if (tokens[next + 1]?.text.toLowerCase() === 'of') {
        next += 2;
        const target = tokens[next];
        if (target === undefined || (KEYWORDS.has(target.text.toLowerCase()) && target.text.toLowerCase() !== 'them')) {
          return fail(`"${word} of" needs a pattern or "them"`);
        }
        next++;
        const pattern = target.text.toLowerCase() === 'them' ? 'them' : target.text;
        return { kind: 'of', quantifier: word === 'all' ? 'all' : 'one', pattern };
      }
    }
    if (KEYWORDS.has(word)) return fail('a search identifier expected');
    if (/^\d+$/.test(word)) return fail(`only "1 of" and "all of" are supported, not "${word}"`);
    next++;
    return { kind: 'search', name: tokens[next - 1]!.text };
  };

  const tree = orExpr();
  if (next < tokens.length) fail('"and" or "or" expected');
  return tree;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * Resolve `of` nodes against the rule's search identifiers: `1 of X*` is an OR of the
 * identifiers the pattern matches, `all of` an AND; `them` means every identifier not
 * starting with `_` (Sigma's convention). A name or pattern matching none is an error naming it.
 *
 * @example
 * expandCondition(parseCondition('1 of sel_*'), ['sel_a', 'sel_b']);
 * // { kind: 'or', items: [{ kind: 'search', name: 'sel_a' }, { kind: 'search', name: 'sel_b' }] }
 */
export function expandCondition(node: ConditionNode, identifiers: readonly string[]): ConditionNode {
  switch (node.kind) {
    case 'search':
      if (!identifiers.includes(node.name)) {
        throw new RuleReason(`condition names "${node.name}", which is not a search identifier of the rule (it has ${identifiers.join(', ') || 'none'})`);
      }
      return node;
    case 'not':
      return { kind: 'not', item: expandCondition(node.item, identifiers) };
    case 'and':
    case 'or':
      return { kind: node.kind, items: node.items.map((item) => expandCondition(item, identifiers)) };
    case 'of': {
      const names = node.pattern === 'them'
        ? identifiers.filter((name) => !name.startsWith('_'))
        : identifiers.filter((name) => globToRegExp(node.pattern).test(name));
      if (names.length === 0) {
        throw new RuleReason(`condition's "${node.quantifier === 'all' ? 'all' : '1'} of ${node.pattern}" matches no search identifier of the rule`);
      }
      const items = names.map((name): ConditionNode => ({ kind: 'search', name }));
      return items.length === 1 ? items[0]! : { kind: node.quantifier === 'all' ? 'and' : 'or', items };
    }
  }
}

/** The condition texts of a `detection` section: one, or (Sigma 1.x) a list meaning any of them. */
function conditionTexts(detection: Readonly<Record<string, unknown>>): readonly string[] {
  const condition = detection['condition'];
  if (typeof condition === 'string' && condition.trim() !== '') return [condition];
  if (Array.isArray(condition) && condition.length > 0 && condition.every((c) => typeof c === 'string' && c.trim() !== '')) {
    return condition as string[];
  }
  throw new RuleReason('detection has no condition');
}

/**
 * A rule's `detection` condition parsed and expanded over its search identifiers (`1 of X*`
 * spelled out), several conditions joined by OR: what the compiler and the prefilter read.
 *
 * @throws RuleReason for a missing condition or one that does not parse
 */
export function detectionCondition(detection: Readonly<Record<string, unknown>>): ConditionNode {
  const identifiers = Object.keys(detection).filter((key) => key !== 'condition');
  const trees = conditionTexts(detection).map((text) => expandCondition(parseCondition(text), identifiers));
  return trees.length === 1 ? trees[0]! : { kind: 'or', items: trees };
}

/** A YAML map (not a list, not a scalar): a search, a rule document, a section. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
