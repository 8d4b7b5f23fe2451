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
import { Detections, type CorrelationHit, type HitEvent } from './detections';
import { detectionQuery } from './query';
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
  const query = detectionQuery({ target: compiled.target, rules, standalone, correlations: planned, window: options.window, region: options.region });
  // queryResults: the notebook's progress line, and the kernel's interrupt stops the query.
  const result = await queryResults(query.sql, { engine, signal: options.signal, onProgress: options.onProgress, maxRows: Infinity });
  const { hits, correlationHits } = readHits(result, rules.map((r) => r.rule), planned);
  return new Detections({
    hits,
    correlationHits,
    problems: [...compiled.problems, ...problems],
    rulesRun: standalone.size + planned.length,
    stats: result.stats,
    sql: result.sql,
    context: { window: query.sql.scope().window! },
  });
}

const str = (v: Value | undefined): string | null => (v === null || v === undefined ? null : String(v));

/** The query's rows as hit events: a rule's own hits, and each correlation hit's events. */
function readHits(result: QueryResult, rules: readonly RuleHeader[], correlations: readonly PlannedCorrelation[]): { hits: HitEvent[]; correlationHits: CorrelationHit[] } {
  const at = (name: string) => result.columnNames.indexOf(name);
  const i = {
    corr: at('corr_no'), rule: at('rule_no'), t: at('t_ms'), id: at('event_id'), name: at('event_name'), source: at('event_source'),
    principal: at('principal'), ip: at('source_ip'), error: at('error_code'), region: at('region'), account: at('account'), d: at('d'),
  };
  const groupCols = result.columnNames.flatMap((name, index) => (/^g\d+$/.test(name) ? [index] : []));
  const hits: HitEvent[] = [];
  // corr_no → group key → its events
  const grouped = new Map<number, Map<string, { group: string; events: HitEvent[] }>>();
  for (const row of result.rows) {
    const corrNo = Number(row[i.corr]);
    const correlation = corrNo > 0 ? correlations[corrNo - 1] : undefined;
    const rule: RuleHeader | undefined = correlation ? correlation.correlation : rules[Number(row[i.rule]) - 1];
    if (rule === undefined) throw new Error(`detection query returned rule ${String(row[i.rule])}, correlation ${corrNo}, which it was not given`);
    let group: string | null = null;
    if (correlation) {
      const c = correlation.correlation;
      const parts = c.groupBy.map((field, g) => `${field}=${str(row[groupCols[g]!]) ?? ''}`);
      if (c.type === 'new_value') parts.push(`${c.valueField}=${str(row[i.d]) ?? ''}`);
      group = parts.join(', ');
    }
    const event: HitEvent = {
      rule, time: new Date(Number(row[i.t])), eventId: str(row[i.id]), eventName: str(row[i.name]), eventSource: str(row[i.source]),
      principal: str(row[i.principal]), sourceIp: str(row[i.ip]), errorCode: str(row[i.error]), region: str(row[i.region]), account: str(row[i.account]), group,
    };
    hits.push(event);
    if (correlation && group !== null) {
      const byGroup = grouped.get(corrNo) ?? new Map();
      grouped.set(corrNo, byGroup);
      const entry = byGroup.get(group) ?? { group, events: [] };
      entry.events.push(event);
      byGroup.set(group, entry);
    }
  }
  const correlationHits: CorrelationHit[] = [];
  for (const [corrNo, byGroup] of grouped) {
    const c = correlations[corrNo - 1]!;
    for (const { group, events } of byGroup.values()) correlationHits.push(...splitBursts(c, group, events));
  }
  correlationHits.sort((a, b) => a.first.getTime() - b.first.getTime() || a.rule.title.localeCompare(b.rule.title));
  return { hits, correlationHits };
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
