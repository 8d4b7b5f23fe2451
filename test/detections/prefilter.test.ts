/** The event names a rule pins: a necessary condition, read through and/or/not and quantifiers. */
import { describe, expect, it } from 'vitest';
import { necessaryEventNames } from '../../lib/detections/prefilter';
import type { SigmaRule } from '../../lib/detections/types';

const rule = (detection: Record<string, unknown>): SigmaRule => ({
  kind: 'detection', id: 'x', name: undefined, title: 'x', author: undefined, references: [], source: 'x.yml', level: 'low',
  status: undefined, description: undefined, tags: [], falsePositives: [], logsource: {}, detection,
});
const names = (detection: Record<string, unknown>) => {
  const found = necessaryEventNames(rule(detection));
  return found === undefined ? undefined : [...found].sort();
};

describe('necessaryEventNames', () => {
  it('reads plain names, lists, maps and lists of maps, lower-cased', () => {
    expect(names({ sel: { eventSource: 's3.amazonaws.com', eventName: ['PutBucketPolicy', 'DeleteBucketPolicy'] }, condition: 'sel' })).toEqual(['deletebucketpolicy', 'putbucketpolicy']);
    expect(names({ sel: [{ eventName: 'A' }, { eventName: 'B' }], condition: 'sel' })).toEqual(['a', 'b']);
    expect(names({ sel: { 'eventName|cased': 'A' }, condition: 'sel' })).toEqual(['a']);
  });

  it('and: either side pins; or: both sides must; not: pins nothing', () => {
    expect(names({ a: { eventName: 'A' }, b: { userAgent: 'x' }, condition: 'a and b' })).toEqual(['a']);
    expect(names({ a: { eventName: 'A' }, b: { eventName: ['A', 'B'] }, condition: 'a and b' })).toEqual(['a']);
    expect(names({ a: { eventName: 'A' }, b: { userAgent: 'x' }, condition: 'a or b' })).toBeUndefined();
    expect(names({ a: { eventName: 'A' }, b: { eventName: 'B' }, condition: 'a or b' })).toEqual(['a', 'b']);
    expect(names({ a: { eventName: 'A' }, condition: 'not a' })).toBeUndefined();
    expect(names({ sel_a: { eventName: 'A' }, sel_b: { eventName: 'B' }, condition: '1 of sel_*' })).toEqual(['a', 'b']);
    expect(names({ sel: { eventName: 'A' }, filter: { eventName: 'B' }, condition: 'sel and not filter' })).toEqual(['a']);
  });

  it('pins nothing for patterns, other modifiers, non-text values or unreadable conditions', () => {
    expect(names({ sel: { eventName: 'Delete*' }, condition: 'sel' })).toBeUndefined();
    expect(names({ sel: { 'eventName|startswith': 'Delete' }, condition: 'sel' })).toBeUndefined();
    expect(names({ sel: { eventName: null }, condition: 'sel' })).toBeUndefined();
    expect(names({ sel: { eventName: 'A' }, condition: 'sel and' })).toBeUndefined();
    // An escaped wildcard is the character itself.
    expect(names({ sel: { eventName: 'A\\*' }, condition: 'sel' })).toEqual(['a*']);
  });
});
