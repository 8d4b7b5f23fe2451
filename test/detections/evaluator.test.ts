/**
 * The independent evaluator held to the Sigma specification's own examples, so the
 * equivalence tests compare the compiler with something that is itself right.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedRule, detectionPredicate, readEvaluatorRules } from './evaluator';
import { cidrMatcher, fieldOf, ipBytes, sigmaPieces, sigmaRegExp, wildcardMatcher } from './evaluator-values';

const matchesText = (pattern: string, text: string, cased = false) => wildcardMatcher(sigmaPieces(pattern), cased)(text);

describe('Sigma strings', () => {
  it('reads escapes as the specification lists them', () => {
    // Plain backslash; `\*` a star; `\\*` a backslash then a wildcard; `\\\*` both plain; `\\\\` two backslashes.
    expect(matchesText('C:\\Windows', 'C:\\Windows')).toBe(true);
    expect(matchesText('C:\\\\Windows', 'C:\\Windows')).toBe(true);
    expect(matchesText('a\\*b', 'a*b')).toBe(true);
    expect(matchesText('a\\*b', 'axb')).toBe(false);
    expect(matchesText('a\\\\*', 'a\\anything')).toBe(true);
    expect(matchesText('a\\\\\\*', 'a\\*')).toBe(true);
    expect(matchesText('a\\\\\\*', 'a\\x')).toBe(false);
    expect(matchesText('a\\\\\\\\', 'a\\\\')).toBe(true);
    expect(matchesText('a\\?', 'a?')).toBe(true);
    expect(matchesText('a\\?', 'ab')).toBe(false);
  });

  it('matches wildcards over whole text, case-insensitively unless cased, one code point per ?', () => {
    expect(matchesText('Get*', 'getObject')).toBe(true);
    expect(matchesText('Get*', 'getObject', true)).toBe(false);
    expect(matchesText('a?c', 'a🚀c')).toBe(true);
    expect(matchesText('a?c', 'abbc')).toBe(false);
    expect(matchesText('a*', 'a\nb')).toBe(true);
    expect(matchesText('%_', 'ab')).toBe(false);
  });
});

describe('regular expressions', () => {
  const flags = { i: false, m: false, s: false };
  it('stop . only at a newline, and start and end lines at newlines only under m', () => {
    expect(sigmaRegExp('a.b', flags).test('a\rb')).toBe(true);
    expect(sigmaRegExp('a.b', flags).test('a\nb')).toBe(false);
    expect(sigmaRegExp('a.b', { ...flags, s: true }).test('a\nb')).toBe(true);
    expect(sigmaRegExp('a[.]b', flags).test('axb')).toBe(false);
    expect(sigmaRegExp('a\\.b', flags).test('axb')).toBe(false);
    expect(sigmaRegExp('^b$', { ...flags, m: true }).test('a\nb\nc')).toBe(true);
    expect(sigmaRegExp('^b$', { ...flags, m: true }).test('a\rb\rc')).toBe(false);
    expect(sigmaRegExp('^b', flags).test('a\nb')).toBe(false);
    expect(sigmaRegExp('B', { ...flags, i: true }).test('abc')).toBe(true);
    expect(sigmaRegExp('[]a]', flags).test(']')).toBe(true);
  });
});

describe('fields of a record', () => {
  const record = { a: { b: 'x', n: 5, t: false, z: null, o: { p: 1 }, l: [1] }, requestParameters: { k: 'v' } };
  it('tells absent, text and structured apart', () => {
    expect(fieldOf(record, 'a.b')).toEqual({ kind: 'text', text: 'x' });
    expect(fieldOf(record, 'a.n')).toEqual({ kind: 'text', text: '5' });
    expect(fieldOf(record, 'a.t')).toEqual({ kind: 'text', text: 'false' });
    expect(fieldOf(record, 'a.z')).toEqual({ kind: 'absent' });
    expect(fieldOf(record, 'a.B')).toEqual({ kind: 'absent' });
    expect(fieldOf(record, 'a.o')).toEqual({ kind: 'structured' });
    expect(fieldOf(record, 'a.l')).toEqual({ kind: 'structured' });
    expect(fieldOf(record, 'a.l.0')).toEqual({ kind: 'absent' });
    expect(fieldOf(record, 'requestParameters')).toEqual({ kind: 'text', text: '{"k":"v"}' });
  });
});

describe('addresses', () => {
  it('parses IPv4 and IPv6, and tests networks of the same family only', () => {
    expect(ipBytes('2001:db8::1')).toEqual([0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), 1]);
    expect(ipBytes('::ffff:10.0.0.1')?.slice(10)).toEqual([255, 255, 10, 0, 0, 1]);
    expect(ipBytes('10.0.0.256')).toBeUndefined();
    expect(ipBytes('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(cidrMatcher('10.0.0.0/8')('10.200.1.1')).toBe(true);
    expect(cidrMatcher('10.0.0.0/8')('11.0.0.1')).toBe(false);
    expect(cidrMatcher('2001:db8::/33')('2001:db8:7fff::1')).toBe(true);
    expect(cidrMatcher('2001:db8::/33')('2001:db8:8000::1')).toBe(false);
    expect(cidrMatcher('0.0.0.0/0')('2001:db8::1')).toBe(false);
  });
});

describe('detections and conditions', () => {
  const record = { eventName: 'CreateUser', errorCode: 'AccessDenied', userIdentity: { arn: 'arn:aws:iam::1:user/Bob', userName: 'bob' } };
  const run = (detection: Record<string, unknown>) => detectionPredicate(detection)(record);

  it('binds not tighter than and, and tighter than or; parentheses first', () => {
    const d = { t: { eventName: 'CreateUser' }, f: { eventName: 'Nope' }, condition: '' };
    expect(run({ ...d, condition: 'f and f or t' })).toBe(true);
    expect(run({ ...d, condition: 'f and (f or t)' })).toBe(false);
    expect(run({ ...d, condition: 'not f and t' })).toBe(true);
    expect(run({ ...d, condition: 'not (f or t)' })).toBe(false);
  });

  it('puts the wildcards of contains/startswith/endswith around the value as read', () => {
    // `C:\` ends in a plain backslash; the added `*` is a wildcard, not an escaped star.
    const d = (key: string, value: string) => detectionPredicate({ s: { [key]: value }, condition: 's' })({ userAgent: 'C:\\tools\\x' });
    expect(d('userAgent|startswith', 'C:\\')).toBe(true);
    expect(d('userAgent|contains', 'tools\\')).toBe(true);
    expect(d('userAgent|endswith', '\\x')).toBe(true);
  });

  it('leaves identifiers starting with _ out of "them" only', () => {
    const d = { a: { eventName: 'Nope' }, _b: { eventName: 'CreateUser' } };
    expect(run({ ...d, condition: '1 of them' })).toBe(false);
    expect(run({ ...d, condition: '1 of _*' })).toBe(true);
  });

  it('compares fields with fields, and a missing side never matches, even under not', () => {
    expect(run({ s: { 'userIdentity.arn|fieldref|endswith': 'userIdentity.userName' }, condition: 's' })).toBe(true);
    expect(run({ s: { 'userIdentity.arn|fieldref|endswith|cased': 'userIdentity.userName' }, condition: 's' })).toBe(false);
    expect(run({ s: { 'userIdentity.arn|fieldref': 'noSuchField' }, condition: 'not s' })).toBe(true);
    expect(run({ s: { 'noSuchField|fieldref': 'noOtherField' }, condition: 's' })).toBe(false);
  });

  it('reports keyword searches and unknown modifiers instead of guessing', () => {
    expect(() => run({ k: ['CreateUser'], condition: 'k' })).toThrow(UnsupportedRule);
    expect(() => run({ s: { 'eventName|base64': 'x' }, condition: 's' })).toThrow(/base64/);
    expect(() => run({ s: { eventName: 'x' }, condition: 's and t' })).toThrow(/unknown search identifier "t"/);
  });

  it('reads every document of a file, counting correlations apart', () => {
    const file = readEvaluatorRules(
      'title: one\ndetection:\n  s:\n    eventName: CreateUser\n  condition: s\n---\ntitle: two\ncorrelation:\n  type: event_count\n---\ntitle: three\ndetection:\n  k: [x]\n  condition: k\n',
      'f.yml',
    );
    expect(file.rules.map((r) => [r.title, r.source, r.matches(record)])).toEqual([['one', 'f.yml#1', true]]);
    expect(file.correlations).toBe(1);
    expect(file.unsupported.map((u) => u.source)).toEqual(['f.yml#3']);
  });
});
