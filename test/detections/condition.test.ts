/** Sigma conditions: the tree the parser builds, pattern expansion, and errors that name the part. */
import { describe, expect, it } from 'vitest';
import { expandCondition, parseCondition, type ConditionNode } from '../../lib/detections/condition';
import { RuleReason } from '../../lib/detections/errors';

const s = (name: string): ConditionNode => ({ kind: 'search', name });

/** Evaluates a tree for one assignment of the searches, the way Sigma defines and/or/not. */
function truth(node: ConditionNode, value: (name: string) => boolean): boolean {
  switch (node.kind) {
    case 'search': return value(node.name);
    case 'not': return !truth(node.item, value);
    case 'and': return node.items.every((i) => truth(i, value));
    case 'or': return node.items.some((i) => truth(i, value));
    case 'of': throw new Error('expand first');
  }
}

describe('parseCondition', () => {
  it('binds not tighter than and, and and tighter than or', () => {
    expect(parseCondition('a or b and not c')).toEqual({ kind: 'or', items: [s('a'), { kind: 'and', items: [s('b'), { kind: 'not', item: s('c') }] }] });
    expect(parseCondition('not a and b')).toEqual({ kind: 'and', items: [{ kind: 'not', item: s('a') }, s('b')] });
  });

  it('agrees with the precedence rule on every assignment of three searches', () => {
    const tree = parseCondition('a and not b or c and a');
    for (let bits = 0; bits < 8; bits++) {
      const value = (name: string) => Boolean(bits & (1 << 'abc'.indexOf(name)));
      expect(truth(tree, value)).toBe((value('a') && !value('b')) || (value('c') && value('a')));
    }
  });

  it('follows parentheses', () => {
    expect(parseCondition('a and (b or c)')).toEqual({ kind: 'and', items: [s('a'), { kind: 'or', items: [s('b'), s('c')] }] });
    expect(parseCondition('not (a or b)')).toEqual({ kind: 'not', item: { kind: 'or', items: [s('a'), s('b')] } });
    expect(parseCondition('((a))')).toEqual(s('a'));
  });

  it('reads keywords in any case and keeps identifiers as written', () => {
    expect(parseCondition('Sel AND NOT Filter')).toEqual({ kind: 'and', items: [s('Sel'), { kind: 'not', item: s('Filter') }] });
  });

  it('reads 1 of, any of, all of, with patterns and them', () => {
    expect(parseCondition('1 of selection_*')).toEqual({ kind: 'of', quantifier: 'one', pattern: 'selection_*' });
    expect(parseCondition('any of them')).toEqual({ kind: 'of', quantifier: 'one', pattern: 'them' });
    expect(parseCondition('all of filter*')).toEqual({ kind: 'of', quantifier: 'all', pattern: 'filter*' });
    expect(parseCondition('sel and not 1 of filter_main_*')).toEqual({
      kind: 'and', items: [s('sel'), { kind: 'not', item: { kind: 'of', quantifier: 'one', pattern: 'filter_main_*' } }],
    });
  });

  it.each([
    ['a and', /missing at its end/],
    ['(a or b', /"\)" expected/],
    ['a b', /"and" or "or" expected at "b"/],
    ['2 of sel*', /only "1 of" and "all of"/],
    ['1 of', /needs a pattern/],
    ['sel | count() > 5', /aggregations/],
    ['', /missing/],
  ])('refuses %j, saying where', (text, reason) => {
    expect(() => parseCondition(text)).toThrow(RuleReason);
    expect(() => parseCondition(text)).toThrow(reason);
  });
});

describe('expandCondition', () => {
  const ids = ['selection', 'filter_a', 'filter_b', '_private'];

  it('expands 1 of to an OR, all of to an AND, of the matching identifiers', () => {
    expect(expandCondition(parseCondition('1 of filter_*'), ids)).toEqual({ kind: 'or', items: [s('filter_a'), s('filter_b')] });
    expect(expandCondition(parseCondition('all of filter_*'), ids)).toEqual({ kind: 'and', items: [s('filter_a'), s('filter_b')] });
    expect(expandCondition(parseCondition('1 of sel*'), ids)).toEqual(s('selection'));
  });

  it('takes them as every identifier not starting with _', () => {
    expect(expandCondition(parseCondition('all of them'), ids)).toEqual({ kind: 'and', items: [s('selection'), s('filter_a'), s('filter_b')] });
  });

  it('names an unknown identifier, and a pattern that matches nothing', () => {
    expect(() => expandCondition(parseCondition('selection and not filtr'), ids)).toThrow(/"filtr"/);
    expect(() => expandCondition(parseCondition('1 of nothing_*'), ids)).toThrow(/1 of nothing_\*/);
  });
});
