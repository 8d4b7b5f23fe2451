/**
 * Correlation rules on the local engine against crafted records: the events each correlation
 * reports equal those a brute-force reading of the semantics finds in plain JS (every event
 * against every other, no window functions), and the cases that matter are named: exactly at
 * the threshold and the timespan, a burst crossing the window's start, groups kept apart,
 * ordered against unordered, new values against the lookback.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { runDetections } from '../../lib/detections/run';
import type { Detections } from '../../lib/detections/detections';
import type { CorrelationCondition, SigmaCorrelation } from '../../lib/detections/types';
import { tempDir, type Event } from '../support/cloudtrail-fixtures';
import { arn, compiledRules, correlation, fieldSql, record, ruleOn, writeLogs, type TestRule } from './crafted';

const WINDOW = { start: '2024-03-12T10:00:00Z', end: '2024-03-12T12:00:00Z' };
const ms = (iso: string) => Date.parse(iso);

const deny = ruleOn('deny', 'errorCode', 'AccessDenied', 'low');
const createUser = ruleOn('create-user', 'eventName', 'CreateUser', 'medium');
const attach = ruleOn('attach', 'eventName', 'AttachUserPolicy', 'medium');
const createKey = ruleOn('create-key', 'eventName', 'CreateAccessKey', 'medium');
const login = ruleOn('login', 'eventName', 'ConsoleLogin', 'informational');
const RULES: readonly TestRule[] = [deny, createUser, attach, createKey, login];

const t = (hms: string) => `2024-03-12T${hms}Z`;
const EVENTS: Event[] = [
  // event_count (≥ 3 denials in 300 s): exactly 300 s apart fires …
  record('p1', t('10:00:00'), 'ListUsers', { errorCode: 'AccessDenied' }),
  record('p1', t('10:02:00'), 'ListUsers', { errorCode: 'AccessDenied' }),
  record('p1', t('10:05:00'), 'GetUser', { errorCode: 'AccessDenied' }),
  // … 301 s apart does not; and the same denials by another principal are their own group.
  record('p2', t('10:10:00'), 'ListRoles', { errorCode: 'AccessDenied' }),
  record('p2', t('10:12:00'), 'ListRoles', { errorCode: 'AccessDenied' }),
  record('p2', t('10:15:01'), 'ListRoles', { errorCode: 'AccessDenied' }),
  // A burst crossing the window's start: only two of its three are inside.
  record('p3', '2024-03-12T09:59:30Z', 'ListUsers', { errorCode: 'AccessDenied' }),
  record('p3', t('10:00:30'), 'ListUsers', { errorCode: 'AccessDenied' }),
  record('p3', t('10:01:00'), 'ListUsers', { errorCode: 'AccessDenied' }),
  // Two bursts of one principal, hours apart: two hits.
  record('p4', t('11:00:00'), 'ListUsers', { errorCode: 'AccessDenied' }),
  record('p4', t('11:00:10'), 'ListUsers', { errorCode: 'AccessDenied' }),
  record('p4', t('11:00:20'), 'ListUsers', { errorCode: 'AccessDenied' }),
  record('p4', t('11:40:00'), 'ListUsers', { errorCode: 'AccessDenied' }),
  record('p4', t('11:40:01'), 'ListGroups', { errorCode: 'AccessDenied' }),
  record('p4', t('11:40:02'), 'ListUsers', { errorCode: 'AccessDenied' }),
  // temporal chain, in order within the hour …
  record('p1', t('10:20:00'), 'CreateUser'),
  record('p1', t('10:30:00'), 'AttachUserPolicy'),
  record('p1', t('10:40:00'), 'CreateAccessKey'),
  // … in reverse order (temporal yes, ordered no) …
  record('p2', t('10:20:00'), 'CreateAccessKey'),
  record('p2', t('10:30:00'), 'AttachUserPolicy'),
  record('p2', t('10:40:00'), 'CreateUser'),
  // … spread over 3601 s (neither) …
  record('p3', t('10:10:00'), 'CreateUser'),
  record('p3', t('10:40:00'), 'AttachUserPolicy'),
  record('p3', t('11:10:01'), 'CreateAccessKey'),
  // … split across two principals (neither) …
  record('p5', t('10:20:00'), 'CreateUser'),
  record('p6', t('10:25:00'), 'AttachUserPolicy'),
  record('p5', t('10:30:00'), 'CreateAccessKey'),
  // … and all in the same second (in order, as CloudTrail cannot tell).
  record('p7', t('11:15:00'), 'CreateAccessKey'),
  record('p7', t('11:15:00'), 'AttachUserPolicy'),
  record('p7', t('11:15:00'), 'CreateUser'),
  // new_value (a login address new to a principal with history in the day before):
  record('p1', '2024-03-11T12:00:00Z', 'ConsoleLogin', { ip: '192.0.2.1' }),
  record('p1', t('10:50:00'), 'ConsoleLogin', { ip: '192.0.2.1' }),
  record('p1', t('11:00:00'), 'ConsoleLogin', { ip: '192.0.2.2' }),
  record('p1', t('11:30:00'), 'ConsoleLogin', { ip: '192.0.2.2' }),
  record('p1', t('12:00:00'), 'ConsoleLogin', { ip: '192.0.2.9' }), // at the window's end: outside
  record('p2', t('10:50:00'), 'ConsoleLogin', { ip: '192.0.2.3' }), // no history: not reported
  record('p3', '2024-03-11T09:00:00Z', 'ConsoleLogin', { ip: '192.0.2.4' }), // history older than the lookback
  record('p3', t('10:50:00'), 'ConsoleLogin', { ip: '192.0.2.5' }),
  record('p4', '2024-03-11T20:00:00Z', 'ConsoleLogin', { ip: '192.0.2.6' }),
  record('p4', t('10:55:00'), 'ConsoleLogin', { ip: '192.0.2.6' }), // seen before: not new
  record('p8', t('10:05:00'), 'ConsoleLogin', { ip: '192.0.2.7' }), // history inside the window…
  record('p8', t('10:45:00'), 'ConsoleLogin', { ip: '192.0.2.8' }), // …makes this one new
];

const CORRELATIONS: readonly SigmaCorrelation[] = [
  correlation('burst', 'event_count', ['deny'], 300, { condition: { op: 'gte', value: 3 } }),
  correlation('variety', 'value_count', ['deny'], 300, { condition: { op: 'gte', value: 2, field: 'eventName' } }),
  correlation('chain', 'temporal', ['create-user', 'attach', 'create-key'], 3600, { generate: true }),
  correlation('ordered-chain', 'temporal_ordered', ['create-user', 'attach', 'create-key'], 3600),
  correlation('new-address', 'new_value', ['login'], 86_400, { valueField: 'sourceIPAddress' }),
];

// ---- the semantics, brute force -------------------------------------------------------------

interface Hit { id: string; t: number; group: string; rule: string; e: Event }

function hitsOf(c: SigmaCorrelation, from: number): Hit[] {
  return EVENTS.flatMap((e) => {
    const when = ms(e.eventTime);
    if (when < from || when >= ms(WINDOW.end)) return [];
    return RULES.filter((r) => c.rules.includes(r.compiled.rule.id) && r.matches(e))
      .map((r) => ({ id: e.eventID as string, t: when, group: String(e.userIdentity.arn), rule: r.compiled.rule.id, e }));
  });
}

const holds = (n: number, c: CorrelationCondition) => ({ gt: n > c.value, gte: n >= c.value, lt: n < c.value, lte: n <= c.value, eq: n === c.value, neq: n !== c.value })[c.op];

/** The event ids each correlation should report, by group. */
function expected(c: SigmaCorrelation): Map<string, Set<string>> {
  const span = c.timespanSeconds * 1000;
  const start = ms(WINDOW.start);
  const out = new Map<string, Set<string>>();
  const add = (h: Hit) => out.set(h.group, (out.get(h.group) ?? new Set()).add(h.id));
  if (c.type === 'new_value') {
    const all = hitsOf(c, start - span);
    const value = (h: Hit) => String(h.e.sourceIPAddress);
    for (const h of all) {
      if (h.t < start) continue;
      // The lookback before this event, wherever the window starts.
      const group = all.filter((o) => o.group === h.group && o.t < h.t && o.t >= h.t - span);
      const history = group.length > 0;
      const seenBefore = group.some((o) => value(o) === value(h));
      if (history && !seenBefore) add(h);
    }
    return out;
  }
  const all = hitsOf(c, start);
  const qualifies = (r: Hit): boolean => {
    const inSpan = all.filter((o) => o.group === r.group && o.t <= r.t && o.t >= r.t - span);
    switch (c.type) {
      case 'event_count': return holds(inSpan.length, c.condition!);
      case 'value_count': return holds(new Set(inSpan.map((o) => o.e.eventName)).size, c.condition!);
      case 'temporal': return c.rules.every((rule) => inSpan.some((o) => o.rule === rule));
      case 'temporal_ordered': {
        if (r.rule !== c.rules[c.rules.length - 1]) return false;
        // A chain: each rule's hit no earlier than the one before, all within the span.
        const chain = (k: number, notAfter: number): boolean => k < 0 || inSpan.some((o) => o.rule === c.rules[k] && o.t <= notAfter && chain(k - 1, o.t));
        return chain(c.rules.length - 2, r.t);
      }
      default: throw new Error(c.type);
    }
  };
  const qualifying = all.filter(qualifies);
  for (const e of all) if (qualifying.some((r) => r.group === e.group && e.t <= r.t && e.t >= r.t - span)) add(e);
  return out;
}

// ---- the engine -----------------------------------------------------------------------------

const scratch = tempDir();
let engine: LocalEngine;
let found: Detections;

beforeAll(async () => {
  writeLogs(scratch.path, EVENTS);
  engine = await LocalEngine.open({ logs: scratch.path, cache: false });
  found = await runDetections(engine, compiledRules(RULES, CORRELATIONS), { window: WINDOW, fieldSql });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  scratch.cleanup();
});

/** What the engine reported for a correlation: event ids by group. */
function reported(id: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of found.hits.toRecords()) {
    if (r.rule_id !== id) continue;
    const group = String(r.group).replace(/^userIdentity\.arn=/, '').replace(/, sourceIPAddress=.*$/, '');
    out.set(group, (out.get(group) ?? new Set()).add(String(r.event_id)));
  }
  return out;
}

describe('correlations equal the brute-force semantics', () => {
  for (const c of CORRELATIONS) {
    it(`${c.type} (${c.id})`, () => {
      expect(reported(c.id)).toEqual(expected(c));
    });
  }
});

describe('the cases that matter', () => {
  const groups = (id: string) => [...reported(id).keys()].sort();

  it('event_count: fires at exactly the threshold and the timespan, not one second wider, and only inside the window', () => {
    expect(groups('burst')).toEqual([arn('p1'), arn('p4')]);
    // p4's two bursts are two hits.
    const p4 = found.correlations.toRecords().filter((r) => r.rule_id === 'burst' && String(r.group).includes('p4'));
    expect(p4.map((r) => r.events)).toEqual([3, 3]);
    expect(p4.map((r) => (r.first_seen as Date).toISOString())).toEqual(['2024-03-12T11:00:00.000Z', '2024-03-12T11:40:00.000Z']);
  });

  it('value_count: counts distinct values of the field in the span', () => {
    expect(groups('variety')).toEqual([arn('p1'), arn('p4')]);
    expect(reported('variety').get(arn('p4'))?.size).toBe(3);
  });

  it('temporal: all rules in the span, any order, one group; temporal_ordered: in the listed order', () => {
    expect(groups('chain')).toEqual([arn('p1'), arn('p2'), arn('p7')]);
    expect(groups('ordered-chain')).toEqual([arn('p1'), arn('p7')]);
  });

  it('new_value: the first use of a value new to a group with history in the lookback before it', () => {
    expect([...(reported('new-address').get(arn('p1')) ?? [])].length).toBe(1);
    expect(groups('new-address')).toEqual([arn('p1'), arn('p8')]);
    const rows = found.correlations.toRecords().filter((r) => r.rule_id === 'new-address').map((r) => r.group).sort();
    expect(rows).toEqual([`userIdentity.arn=${arn('p1')}, sourceIPAddress=192.0.2.2`, `userIdentity.arn=${arn('p8')}, sourceIPAddress=192.0.2.8`]);
  });

  it('rules a correlation combines report alone only when it says generate', () => {
    const fired = new Set(found.column('rule_id'));
    expect(fired.has('deny')).toBe(false); // only in burst/variety, generate: false
    expect(fired.has('login')).toBe(false); // only in new-address, generate: false
    expect(fired.has('create-user')).toBe(true); // chain has generate: true
    const own = found.toRecords().find((r) => r.rule_id === 'create-user');
    const inWindow = EVENTS.filter((e) => e.eventName === 'CreateUser' && ms(e.eventTime) >= ms(WINDOW.start) && ms(e.eventTime) < ms(WINDOW.end));
    expect(own?.hits).toBe(inWindow.length);
  });
});
