import { describe, expect, it } from 'vitest';
import { escapeInvisiblesInJson, revealInvisibles } from '../../lib/display/escape';

const DISGUISES = ['\u001b[2J', '\u009b', '\u202e', '\u200b', '\u00ad', '\u2066', '\ufeff', '\u{e0041}', '\u061c', '\u3164'];

describe('revealInvisibles', () => {
  it('shows controls, bidi, zero-width and tag characters as escapes', () => {
    expect(DISGUISES.map((c) => revealInvisibles(`a${c}b`))).toEqual([
      'a\\x1b[2Jb',
      'a\\x9bb',
      'a\\u202eb',
      'a\\u200bb',
      'a\\xadb',
      'a\\u2066b',
      'a\\ufeffb',
      'a\\u{e0041}b',
      'a\\u061cb',
      'a\\u3164b',
    ]);
    expect(revealInvisibles('a\nb\tc')).toBe('a\\nb\\tc');
    expect(revealInvisibles('a\nb\tc', true)).toBe('a\nb\tc');
    expect(revealInvisibles('ünïcödé 日本語 🚨 e\u0301')).toBe('ünïcödé 日本語 🚨 e\u0301');
  });
});

describe('escapeInvisiblesInJson', () => {
  it('escapes what JSON.stringify leaves raw, meaning the same data', () => {
    const value = { who: DISGUISES.join('|'), ok: 'ünïcödé 🚨', n: 1 };
    const json = JSON.stringify(value, null, 2);
    const escaped = escapeInvisiblesInJson(json);
    expect(JSON.parse(escaped)).toEqual(value);
    expect(escaped).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]|\u{e0041}/u);
    expect(escaped).toContain('\\u202e');
    expect(escaped).toContain('\\udb40\\udc41');
    expect(escaped).toContain('ünïcödé 🚨');
  });
});
