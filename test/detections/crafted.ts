/**
 * Crafted CloudTrail records and hand-written compiled rules for the detection query's tests,
 * so they do not depend on the compiler: each rule is a SQL condition and the same test as a
 * JS predicate over the record.
 */
import { sql, type SqlFragment } from '../../lib/sql';
import type { CompiledRule, CompiledRules, CorrelationType, SigmaCorrelation, SigmaLevel, SigmaRule } from '../../lib/detections/types';
import { deliveryFile, deliveryPath, makeEvent, writeFile, type Event } from '../support/cloudtrail-fixtures';

export const ACCOUNT = '111122223333';
export const arn = (user: string) => `arn:aws:iam::${ACCOUNT}:user/${user}`;

let serial = 0;
/** One record by `user` at `time` (UTC ISO), with the given name, error and source address. */
export function record(user: string, time: string, eventName: string, extra: { errorCode?: string; ip?: string; id?: string } = {}): Event {
  const event = makeEvent(0, {
    eventTime: time,
    eventName,
    eventSource: 'iam.amazonaws.com',
    eventCategory: 'Management',
    managementEvent: true,
    sourceIPAddress: extra.ip ?? '198.51.100.1',
    eventID: extra.id ?? `crafted-${++serial}`,
    userIdentity: { type: 'IAMUser', arn: arn(user), accountId: ACCOUNT, userName: user, principalId: `AIDA${user.toUpperCase()}` },
  });
  delete event.errorCode;
  delete event.errorMessage;
  if (extra.errorCode) event.errorCode = extra.errorCode;
  return event;
}

/** Writes records as delivery files, one per day (CloudTrail's S3 layout). */
export function writeLogs(root: string, events: readonly Event[]): void {
  const byDay = new Map<string, Event[]>();
  for (const e of events) byDay.set(e.eventTime.slice(0, 10), [...(byDay.get(e.eventTime.slice(0, 10)) ?? []), e]);
  let n = 0;
  for (const [day, list] of byDay) writeFile(deliveryPath(root, ACCOUNT, 'us-east-1', day, ++n), deliveryFile(list));
}

const header = (id: string, level: SigmaLevel) => ({
  id, name: id, title: `Rule ${id}`, author: 'tests', references: [`https://example.com/${id}`], source: `crafted/${id}.yml`,
  level, status: 'test', description: undefined, tags: [], falsePositives: [],
});

/** A test rule: its SQL condition and the same condition in JS. */
export interface TestRule {
  readonly compiled: CompiledRule;
  readonly matches: (e: Event) => boolean;
}

/** A rule matching records whose `field` (eventName or errorCode) equals `value`. */
export function ruleOn(id: string, field: 'eventName' | 'errorCode', value: string, level: SigmaLevel = 'medium'): TestRule {
  const column = field === 'eventName' ? sql`eventname` : sql`errorcode`;
  const rule: SigmaRule = { ...header(id, level), kind: 'detection', logsource: { product: 'aws', service: 'cloudtrail' }, detection: { selection: { [field]: value }, condition: 'selection' } };
  return { compiled: { rule, target: 'cloudtrail', where: sql`(${column} = ${value})` }, matches: (e) => e[field] === value };
}

/** A correlation over rules by id, grouped by userIdentity.arn. */
export function correlation(id: string, type: CorrelationType, rules: readonly string[], timespanSeconds: number, extra: Partial<SigmaCorrelation> = {}): SigmaCorrelation {
  return {
    ...header(id, 'high'), kind: 'correlation', type, rules, groupBy: ['userIdentity.arn'], timespanSeconds,
    condition: undefined, generate: false, ...(type === 'new_value' ? { lookbackSeconds: timespanSeconds } : {}), ...extra,
  };
}

export function compiledRules(rules: readonly TestRule[], correlations: readonly SigmaCorrelation[] = []): CompiledRules {
  return { target: 'cloudtrail', compiled: rules.map((r) => r.compiled), correlations, problems: [] };
}

/** The group-by and counted fields the tests use, as the compiler maps them. */
export function fieldSql(field: string): SqlFragment {
  const known: Record<string, SqlFragment> = {
    'userIdentity.arn': sql`useridentity.arn`,
    eventName: sql`eventname`,
    sourceIPAddress: sql`sourceipaddress`,
  };
  const found = known[field];
  if (!found) throw new Error(`field "${field}" is not mapped in the test`);
  return found;
}
