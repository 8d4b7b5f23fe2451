/**
 * The one-scan query: N rules in one statement with a rule column, each rule's hits equal to
 * its predicate over the parsed records, on the cloudtrail table and on the OCSF tables (the
 * local engine maps the same CloudTrail files to OCSF), with `?` only where Athena takes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { placeholderClauses } from '../../lib/engines/athena/placeholders';
import { couldMatchS3Data, detectionQuery } from '../../lib/detections/query';
import { runDetections } from '../../lib/detections/run';
import type { CompiledRule, SigmaRule } from '../../lib/detections/types';
import { sql } from '../../lib/sql';
import { makeEvent, tempDir, type Event } from '../support/cloudtrail-fixtures';
import { compiledRules, fieldSql, record, ruleOn, writeLogs, type TestRule } from './crafted';

const WINDOW = { start: '2024-03-12T10:00:00Z', end: '2024-03-12T11:00:00Z' };
const inWindow = (e: Event) => Date.parse(e.eventTime) >= Date.parse(WINDOW.start) && Date.parse(e.eventTime) < Date.parse(WINDOW.end);

const EVENTS: Event[] = [
  ...Array.from({ length: 40 }, (_, i) => record(`u${i % 5}`, new Date(Date.parse('2024-03-12T09:50:00Z') + i * 97_000).toISOString().replace('.000', ''),
    ['CreateUser', 'ListUsers', 'CreateAccessKey', 'GetUser'][i % 4]!, i % 3 === 0 ? { errorCode: 'AccessDenied' } : {})),
  // S3 data events: in the lake's s3_data table, not the management one.
  ...Array.from({ length: 6 }, (_, i) => makeEvent(i * 5, { eventTime: `2024-03-12T10:1${i}:00Z`, eventID: `s3-${i}` })),
];

const RULES: readonly TestRule[] = [
  ruleOn('create-user', 'eventName', 'CreateUser', 'high'),
  ruleOn('denied', 'errorCode', 'AccessDenied', 'low'),
  ruleOn('key', 'eventName', 'CreateAccessKey', 'critical'),
  ruleOn('never', 'eventName', 'NoSuchCall'),
  ruleOn('get-object', 'eventName', 'GetObject'),
];

/** The same rules over the OCSF columns. */
function ocsfRule(r: TestRule): CompiledRule {
  const detection = r.compiled.rule.detection as { selection: Record<string, string> };
  const [[field, value]] = Object.entries(detection.selection) as [[string, string]];
  const column = field === 'eventName' ? sql`api.operation` : sql`api.response.error`;
  return { ...r.compiled, target: 'ocsf', where: sql`(${column} = ${value})` };
}

const scratch = tempDir();
let engine: LocalEngine;

beforeAll(async () => {
  writeLogs(scratch.path, EVENTS);
  engine = await LocalEngine.open({ logs: scratch.path, cache: false, ocsfSource: 'cloudtrail' });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  scratch.cleanup();
});

/** Event ids by rule id, as the tests' predicates find them. */
function expectedHits(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of RULES) {
    const ids = EVENTS.filter((e) => inWindow(e) && r.matches(e)).map((e) => String(e.eventID)).sort();
    if (ids.length > 0) out[r.compiled.rule.id] = ids;
  }
  return out;
}

function hitsByRule(records: readonly Record<string, unknown>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of records) (out[String(r.rule_id)] ??= []).push(String(r.event_id));
  for (const ids of Object.values(out)) ids.sort();
  return out;
}

describe('cloudtrail', () => {
  it('runs every rule in one statement, with each rule\'s hits as its predicate finds them', async () => {
    const found = await runDetections(engine, compiledRules(RULES), { window: WINDOW, fieldSql });
    expect(hitsByRule(found.hits.toRecords())).toEqual(expectedHits());
    // An event denied while creating a user is a hit of both rules.
    expect(EVENTS.some((e) => inWindow(e) && e.eventName === 'CreateUser' && e.errorCode === 'AccessDenied')).toBe(true);
    // One statement, one FROM cloudtrail: events meet the rules by name, and the rule that
    // pins no name (errorCode only) meets every event.
    expect(found.sql.match(/FROM cloudtrail/g)).toHaveLength(1);
    expect(found.sql).toContain('(0, 2)');
  });

  it('with only rules that pin event names, drops the other events at the scan, same hits', async () => {
    const pinned = RULES.filter((r) => r.compiled.rule.id !== 'denied');
    const found = await runDetections(engine, compiledRules(pinned), { window: WINDOW, fieldSql });
    const { denied: _, ...expected } = expectedHits();
    expect(hitsByRule(found.hits.toRecords())).toEqual(expected);
    expect(found.sql).toMatch(/AND lower\(eventname\) IN \(\?, \?, \?, \?\)/);
  });

  it('rows per rule: counts, first and last, principals; most severe first', async () => {
    const found = await runDetections(engine, compiledRules(RULES), { window: WINDOW, fieldSql });
    const expected = expectedHits();
    const rows = found.toRecords();
    expect(rows.map((r) => r.rule_id)).toEqual(['key', 'create-user', 'get-object', 'denied'].filter((id) => id in expected));
    for (const row of rows) {
      const events = EVENTS.filter((e) => inWindow(e) && RULES.find((r) => r.compiled.rule.id === row.rule_id)!.matches(e));
      const times = events.map((e) => Date.parse(e.eventTime));
      expect(row.hits).toBe(events.length);
      expect((row.first_seen as Date).getTime()).toBe(Math.min(...times));
      expect((row.last_seen as Date).getTime()).toBe(Math.max(...times));
      expect([...(row.principals as string[])].sort()).toEqual([...new Set(events.map((e) => String(e.userIdentity.arn)))].sort());
      expect(row.author).toBe('tests');
    }
    expect(found.rulesRun).toBe(RULES.length);
    expect(found.toText()).toMatch(new RegExp(`${rows.length} of ${RULES.length} rules fired`));
    expect(found.toText()).toContain('https://example.com/key');
  });

  it('lists only the first hitsPerRule events of a rule, with every count, principal and bucket still exact', async () => {
    const full = await runDetections(engine, compiledRules(RULES), { window: WINDOW, fieldSql });
    const cut = await runDetections(engine, compiledRules(RULES), { window: WINDOW, fieldSql, hitsPerRule: 2 });
    expect(cut.toJSON()).toEqual(full.toJSON());
    expect(cut.byPrincipal().toJSON()).toEqual(full.byPrincipal().toJSON());
    expect(cut.chart().spec).toEqual(full.chart().spec);
    const listed = hitsByRule(cut.hits.toRecords());
    for (const [rule, ids] of Object.entries(expectedHits())) expect(listed[rule]).toEqual(ids.length > 2 ? expect.any(Array) : ids);
    expect(Object.values(listed).every((ids) => ids.length <= 2)).toBe(true);
    // The first two by time.
    const firstTwo = EVENTS.filter((e) => inWindow(e) && e.eventName === 'CreateUser').sort((a, b) => a.eventTime.localeCompare(b.eventTime)).slice(0, 2).map((e) => String(e.eventID));
    expect(listed['create-user']).toEqual(firstTwo.sort());
    expect(cut.toText()).toContain('hits lists the first 2 events of each rule');
  });

  it('binds every rule value, and only in WHERE clauses (Athena takes ? nowhere else)', () => {
    const q = detectionQuery({ target: 'cloudtrail', rules: RULES.map((r) => r.compiled), standalone: new Set([1, 2, 3, 4, 5]), window: WINDOW });
    const { text, params } = q.sql.compile();
    expect(new Set(placeholderClauses(text))).toEqual(new Set(['WHERE']));
    for (const r of RULES) {
      const value = Object.values((r.compiled.rule.detection as { selection: Record<string, string> }).selection)[0]!;
      expect(text).not.toContain(value);
      expect(params).toContain(value);
    }
  });

  it('with no rules, still one valid query, and nothing fired', async () => {
    const found = await runDetections(engine, compiledRules([]), { window: WINDOW, fieldSql });
    expect(found.rowCount).toBe(0);
    expect(found.hits.rowCount).toBe(0);
  });
});

describe('ocsf', () => {
  it('finds the same hits in the lake tables, S3 data events included', async () => {
    const compiled = { target: 'ocsf' as const, compiled: RULES.map(ocsfRule), correlations: [], problems: [] };
    const found = await runDetections(engine, compiled, { window: WINDOW, fieldSql, region: 'us-east-1' });
    expect(hitsByRule(found.hits.toRecords())).toEqual(expectedHits());
    expect(expectedHits()['get-object']?.length).toBeGreaterThan(0);
    expect(found.sql).toContain('amazon_security_lake_table_us_east_1_s3_data_2_0');
    const principals = new Set(found.hits.column('principal'));
    expect(principals).toEqual(new Set(EVENTS.filter(inWindow).filter((e) => RULES.some((r) => r.matches(e))).map((e) => e.userIdentity.arn)));
  });

  it('reads the S3 data table only when some rule could match an S3 data event', () => {
    const rule = (selection: Record<string, unknown>): SigmaRule => ({ ...RULES[0]!.compiled.rule, detection: { selection, condition: 'selection' } });
    expect(couldMatchS3Data(rule({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }))).toBe(false);
    expect(couldMatchS3Data(rule({ 'eventSource|endswith': ['iam.amazonaws.com', 's3.amazonaws.com'] }))).toBe(true);
    expect(couldMatchS3Data(rule({ eventName: 'PutBucketPolicy' }))).toBe(true);
    // "anything but IAM" matches S3 data events too, though it names only IAM.
    const notIam: SigmaRule = { ...RULES[0]!.compiled.rule, detection: { selection: { eventName: 'DeleteObject' }, filter: { eventSource: 'iam.amazonaws.com' }, condition: 'selection and not filter' } };
    expect(couldMatchS3Data(notIam)).toBe(true);
    // A rule that pins a service by a pattern is not read: the S3 table stays in.
    expect(couldMatchS3Data(rule({ 'eventSource|startswith': 'iam.' }))).toBe(true);
    const iamOnly = { ...ocsfRule(RULES[0]!), rule: rule({ eventSource: 'iam.amazonaws.com' }) };
    const q = detectionQuery({ target: 'ocsf', rules: [iamOnly], standalone: new Set([1]), window: WINDOW });
    expect(q.tables).toEqual(['amazon_security_lake_table_us_west_2_cloud_trail_mgmt_2_0']);
  });
});
