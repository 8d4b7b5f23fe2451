/**
 * Runs compiled rules on an engine: plans the correlations, sends the one query, and turns its
 * rows into `Detections`. `detect()` loads and compiles the rules first; this part needs only
 * what compiling gives.
 */

import type { Engine, QueryOptions } from '../engines/engine';
import { queryResults } from '../query-results';
import type { TimeWindowInput } from '../playbooks/time-window';
import type { QueryResult } from '../result/query-result';
import type { Value } from '../result/types';
import type { SqlFragment } from '../sql';
import { planCorrelations, type PlannedCorrelation } from './correlation';
import { Detections, pushTo, rankCounts, summarizeEvents, type BucketHits, type CorrelationHit, type DetectionsData, type HitEvent, type PrincipalHits, type RuleSummary } from './detections';
import { detectionQuery, type DetectionQuery } from './query';
import type { CompiledRules, RuleHeader } from './types';

/** Options of {@link runDetections}. */
export interface RunOptions {
  readonly window: TimeWindowInput;
  /** OCSF: the lake's region in the table names. */
  readonly region?: string;
  /** A Sigma field as SQL on the target (the compiler's `fieldExpression`), for group-by fields. */
  readonly fieldSql: (field: string) => SqlFragment;
  readonly signal?: AbortSignal;
  readonly onProgress?: QueryOptions['onProgress'];
  /** Events of each rule's own hits listed in `hits` (default 1,000); counts are always exact. */
  readonly hitsPerRule?: number;
}

/**
 * Runs every compiled rule and correlation of `compiled` over the window, in one query.
 *
 * @example
 * const found = await runDetections(engine, compileRules(ruleSet, 'cloudtrail'), { window, fieldSql: (f) => fieldExpression('cloudtrail', f) });
 */
export async function runDetections(engine: Engine, compiled: CompiledRules, options: RunOptions): Promise<Detections> {
  const rules = compiled.compiled;
  const { planned, problems } = planCorrelations(compiled.correlations, { rules: rules.map((r) => r.rule), fieldSql: options.fieldSql });
  // A rule a correlation combines reports its own hits only when a correlation combining it
  // says generate (Sigma's default is not to).
  const quiet = new Set<number>();
  for (const c of planned) for (const r of c.ruleNos) quiet.add(r);
  for (const c of planned) if (c.correlation.generate) for (const r of c.ruleNos) quiet.delete(r);
  const standalone = new Set(rules.map((_, i) => i + 1).filter((n) => !quiet.has(n)));
  const query = detectionQuery({
    target: compiled.target, rules, standalone, correlations: planned, window: options.window,
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.hitsPerRule !== undefined ? { hitsPerRule: options.hitsPerRule } : {}),
  });
  // queryResults: the notebook's progress line, and the kernel's interrupt stops the query.
  const result = await queryResults(query.sql, { engine, signal: options.signal, onProgress: options.onProgress, maxRows: Infinity });
  return new Detections({
    ...readRows(result, query, rules.map((r) => r.rule), planned),
    problems: [...compiled.problems, ...problems],
    rulesRun: standalone.size + planned.length,
    stats: result.stats,
    sql: result.sql,
    context: { window: query.sql.scope().window! },
  });
}

const str = (v: Value | undefined): string | null => (v === null || v === undefined ? null : String(v));

/** What the query's rows give: summaries, by principal, by bucket, listed events, correlation hits. */
type Read = Omit<DetectionsData, 'problems' | 'rulesRun' | 'stats' | 'sql' | 'context'>;

/**
 * The query's rows read back. A rule's own hits come summarized (counts per rule, principal,
 * address and bucket on the rows that carry them); a correlation's events all come back and
 * are counted here.
 */
function readRows(result: QueryResult, query: DetectionQuery, rules: readonly RuleHeader[], correlations: readonly PlannedCorrelation[]): Read {
  const at = (name: string) => result.columnNames.indexOf(name);
  const i = {
    corr: at('corr_no'), rule: at('rule_no'), t: at('t_ms'), id: at('event_id'), name: at('event_name'), source: at('event_source'),
    principal: at('principal'), ip: at('source_ip'), error: at('error_code'), region: at('region'), account: at('account'), d: at('d'),
    rnRule: at('rn_rule'), nGroup: at('n_group'), firstGroup: at('first_group'), lastGroup: at('last_group'), rnGroup: at('rn_group'),
  };
  const num = (row: readonly Value[], index: number) => Number(row[index]);
  const groupCols = result.columnNames.flatMap((name, index) => (/^g\d+$/.test(name) ? [index] : []));
  const hits: HitEvent[] = [];
  // A rule's own hits: its groups (principal, address, bucket) and the events listed.
  const own = new Map<RuleHeader, { n: number; first: number; last: number; principals: Map<string, PrincipalHits>; ips: Map<string, number>; buckets: Map<number, number> }>();
  const correlated = new Map<number, HitEvent[]>();
  for (const row of result.rows) {
    const corrNo = num(row, i.corr);
    const correlation = corrNo > 0 ? correlations[corrNo - 1] : undefined;
    const rule: RuleHeader | undefined = correlation ? correlation.correlation : rules[num(row, i.rule) - 1];
    if (rule === undefined) throw new Error(`detection query returned rule ${String(row[i.rule])}, correlation ${corrNo}, which it was not given`);
    let group: string | null = null;
    if (correlation) {
      const c = correlation.correlation;
      const parts = c.groupBy.map((field, g) => `${field}=${str(row[groupCols[g]!]) ?? ''}`);
      if (c.type === 'new_value') parts.push(`${c.valueField}=${str(row[i.d]) ?? ''}`);
      group = parts.join(', ');
    }
    const t = num(row, i.t);
    const event: HitEvent = {
      rule, time: new Date(t), eventId: str(row[i.id]), eventName: str(row[i.name]), eventSource: str(row[i.source]),
      principal: str(row[i.principal]), sourceIp: str(row[i.ip]), errorCode: str(row[i.error]), region: str(row[i.region]), account: str(row[i.account]), group,
    };
    if (correlation) {
      hits.push(event);
      pushTo(correlated, corrNo, event);
      continue;
    }
    let summary = own.get(rule);
    if (!summary) {
      summary = { n: 0, first: Infinity, last: -Infinity, principals: new Map(), ips: new Map(), buckets: new Map() };
      own.set(rule, summary);
    }
    if (num(row, i.rnRule) <= query.hitsPerRule) hits.push(event);
    if (num(row, i.rnGroup) !== 1) continue;
    const n = num(row, i.nGroup);
    const first = num(row, i.firstGroup);
    const last = num(row, i.lastGroup);
    summary.n += n;
    summary.first = Math.min(summary.first, first);
    summary.last = Math.max(summary.last, last);
    if (event.principal !== null) {
      const p = summary.principals.get(event.principal);
      summary.principals.set(event.principal, p
        ? { ...p, hits: p.hits + n, first: new Date(Math.min(p.first.getTime(), first)), last: new Date(Math.max(p.last.getTime(), last)) }
        : { rule, principal: event.principal, hits: n, first: new Date(first), last: new Date(last) });
    }
    if (event.sourceIp !== null) summary.ips.set(event.sourceIp, (summary.ips.get(event.sourceIp) ?? 0) + n);
    const bucket = t - (t % query.bucketMs);
    summary.buckets.set(bucket, (summary.buckets.get(bucket) ?? 0) + n);
  }
  const summaries: RuleSummary[] = [];
  const principals: PrincipalHits[] = [];
  const buckets: BucketHits[] = [];
  for (const [rule, s] of own) {
    const counts = new Map([...s.principals].map(([p, v]) => [p, v.hits] as const));
    summaries.push({ rule, hits: s.n, first: new Date(s.first), last: new Date(s.last), principals: rankCounts(counts), sourceIps: rankCounts(s.ips) });
    principals.push(...s.principals.values());
    for (const [b, n] of s.buckets) buckets.push({ rule, bucket: new Date(b), hits: n });
  }
  const correlationHits: CorrelationHit[] = [];
  for (const [corrNo, events] of correlated) {
    const c = correlations[corrNo - 1]!;
    const counted = summarizeEvents(c.correlation, events, query.bucketMs);
    summaries.push(counted.summary);
    principals.push(...counted.principals);
    buckets.push(...counted.buckets);
    const byGroup = new Map<string, HitEvent[]>();
    for (const e of events) pushTo(byGroup, e.group!, e);
    for (const [group, list] of byGroup) correlationHits.push(...splitBursts(c, group, list));
  }
  correlationHits.sort((a, b) => a.first.getTime() - b.first.getTime() || a.rule.title.localeCompare(b.rule.title));
  return { summaries, principals, buckets, hits, hitsPerRule: query.hitsPerRule, correlationHits };
}

/**
 * One correlation hit per burst: a group's events further apart than the timespan belong to
 * separate hits (new_value: one hit per group and value).
 */
function splitBursts(c: PlannedCorrelation, group: string, events: HitEvent[]): CorrelationHit[] {
  const sorted = [...events].sort((a, b) => a.time.getTime() - b.time.getTime());
  const bursts: HitEvent[][] = [];
  for (const e of sorted) {
    const current = bursts[bursts.length - 1];
    const last = current?.[current.length - 1];
    if (current && last && (c.correlation.type === 'new_value' || e.time.getTime() - last.time.getTime() <= c.timespanMs)) current.push(e);
    else bursts.push([e]);
  }
  return bursts.map((b) => ({
    rule: c.correlation,
    type: c.correlation.type,
    group,
    first: b[0]!.time,
    last: b[b.length - 1]!.time,
    eventIds: [...new Set(b.map((e) => e.eventId).filter((id): id is string => id !== null))],
  }));
}
