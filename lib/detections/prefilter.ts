/**
 * A cheap condition every event a rule set can match passes: the event names the rules pin.
 * Most CloudTrail rules test `eventName` against a few names; testing `lower(eventname)` once
 * against all of them throws away almost every event before the rules' own conditions (case
 * folding, JSON members, patterns, each NULL-safe) are evaluated at all. Rules that do not
 * pin a name keep their own condition in the prefilter, so nothing is lost.
 */

import { detectionCondition, isRecord, type ConditionNode } from './condition';
import { parseFieldSpec, readWildcards } from './values';
import type { SigmaRule } from './types';

/** Undefined: any event name. */
type Names = ReadonlySet<string> | undefined;

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The event names (lower case) a rule can only match, or undefined when its condition does not
 * restrict the name (or restricts it in a way this does not read: patterns, modifiers, `not`).
 * A necessary condition, never a sufficient one.
 *
 * @example
 * necessaryEventNames(rule); // Set { 'deletetrail', 'stoplogging' }
 */
export function necessaryEventNames(rule: SigmaRule): Names {
  return necessaryValues(rule, 'eventName');
}

/**
 * The values (lower case) a rule can only match in a top-level text field (`eventName`,
 * `eventSource`), read as {@link necessaryEventNames} reads names; undefined when unrestricted.
 *
 * @example
 * necessaryValues(rule, 'eventSource'); // Set { 'cloudtrail.amazonaws.com' }
 */
export function necessaryValues(rule: SigmaRule, field: string): Names {
  const detection = rule.detection;
  let tree: ConditionNode;
  try {
    tree = detectionCondition(detection);
  } catch {
    return undefined; // the compiler reports what is wrong with it
  }
  return ofNode(tree, (name) => ofSearch(detection[name], field.toLowerCase()));
}

function ofNode(node: ConditionNode, search: (name: string) => Names): Names {
  switch (node.kind) {
    case 'search':
      return search(node.name);
    case 'not':
    case 'of':
      return undefined;
    case 'or':
      return union(node.items.map((item) => ofNode(item, search)));
    case 'and':
      return intersection(node.items.map((item) => ofNode(item, search)));
  }
}

/** A search: a map (all its fields) or a list of maps (any of them). */
function ofSearch(value: unknown, field: string): Names {
  if (Array.isArray(value)) {
    if (value.length === 0 || !value.every(isRecord)) return undefined;
    return union(value.map((map) => ofMap(map, field)));
  }
  return isRecord(value) ? ofMap(value, field) : undefined;
}

function ofMap(map: Readonly<Record<string, unknown>>, field: string): Names {
  const tests: Names[] = [];
  for (const [key, value] of Object.entries(map)) {
    let spec;
    try {
      spec = parseFieldSpec(key);
    } catch {
      return undefined;
    }
    if (spec.field.toLowerCase() !== field || !spec.modifiers.every((m) => m === 'cased')) continue;
    tests.push(namesOf(value));
  }
  return intersection(tests);
}

/** A value or list of values, each a name without wildcards. */
function namesOf(value: unknown): Names {
  const values = Array.isArray(value) ? value : [value];
  const names = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string') return undefined;
    const literal = readWildcards(v).literal;
    if (literal === undefined || !PRINTABLE_ASCII.test(literal)) return undefined;
    names.add(literal.toLowerCase());
  }
  return names.size === 0 ? undefined : names;
}

function union(sets: readonly Names[]): Names {
  if (sets.length === 0 || sets.some((s) => s === undefined)) return undefined;
  return new Set(sets.flatMap((s) => [...s!]));
}

function intersection(sets: readonly Names[]): Names {
  const known = sets.filter((s): s is ReadonlySet<string> => s !== undefined);
  if (known.length === 0) return undefined;
  return new Set([...known[0]!].filter((name) => known.every((s) => s.has(name))));
}
