/**
 * Sigma correlation rules as SQL levels over the hits of the one detection query (see
 * `query.ts`): no second scan. Each hit is paired with the correlations whose rules it
 * matched (`corr_no`; 0 stands for the rule's own report), grouped by the correlation's
 * fields, and tested with window functions over its group, ordered by event time:
 *
 * - `event_count`: the events in the timespan ending at an event (`RANGE BETWEEN span
 *   PRECEDING AND CURRENT ROW`) satisfy the condition;
 * - `value_count`: the distinct values of the condition's field in that span do
 *   (`array_agg` + `array_distinct`: `COUNT(DISTINCT)` is not allowed in a Trino window);
 * - `temporal`: every listed rule (or as many as the condition asks) has a hit in that span;
 * - `temporal_ordered`: the rules' hits occur in the listed order within the span (same-second
 *   hits count as in order: CloudTrail times have whole seconds);
 * - `new_value` (irbook's own): an event inside the window whose value of the field its group
 *   has not shown in the lookback before that event, when the group has other hits in that
 *   lookback (a group seen for the first time is not news about a value). The history may lie
 *   inside the window, so a window that starts where the logs start still finds new values.
 *
 * An event belongs to a correlation's hit when it lies in the span before an event where the
 * condition holds. Events whose group fields are missing are in no group. Only events inside
 * the window count; new_value's lookback alone reaches before it.
 */

import { OptionError } from '../errors';
import { sql, type SqlFragment } from '../sql';
import type { CorrelationCondition, CorrelationType, RuleProblem, SigmaCorrelation, SigmaRule } from './types';

/** A correlation ready for the query: numbered, its rules resolved, its fields as SQL. */
export interface PlannedCorrelation {
  readonly correlation: SigmaCorrelation;
  /** corr_no in the query, 1-based. */
  readonly no: number;
  /** The rule_no of each rule it combines, in the listed order. */
  readonly ruleNos: readonly number[];
  /** The group-by fields' SQL over one row of the table. */
  readonly groupBy: readonly SqlFragment[];
  /** value_count's counted field, new_value's field. */
  readonly value: SqlFragment | undefined;
  readonly timespanMs: number;
  /** new_value: how far before the window the scan reaches; 0 for the others. */
  readonly lookbackMs: number;
  /** The columns it adds to the base level: `c<no>_g<i>` and `c<no>_v`, as text. */
  columns(): SqlFragment[];
}

/** How a correlation's rules and fields are found. */
export interface PlanContext {
  /** The detection rules of the query, rule_no `n` at index `n - 1`. */
  readonly rules: readonly SigmaRule[];
  /** A Sigma field name as SQL on the target; throws (with a reason) when it has no mapping. */
  readonly fieldSql: (field: string) => SqlFragment;
}

/** Correlations planned, and those that could not be (reported, never dropped). */
export interface CorrelationPlan {
  readonly planned: readonly PlannedCorrelation[];
  readonly problems: readonly RuleProblem[];
}

const TYPES: readonly CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'new_value'];

/**
 * Resolve each correlation's rules (by `name` or `id`) and fields; a correlation that refers to
 * a rule not compiled, to another correlation, or to a field with no mapping is a problem.
 *
 * @example
 * const { planned, problems } = planCorrelations(compiled.correlations, { rules, fieldSql: (f) => fieldExpression('cloudtrail', f) });
 */
export function planCorrelations(correlations: readonly SigmaCorrelation[], context: PlanContext): CorrelationPlan {
  const planned: PlannedCorrelation[] = [];
  const problems: RuleProblem[] = [];
  for (const correlation of correlations) {
    try {
      planned.push(planOne(correlation, planned.length + 1, context, correlations));
    } catch (error) {
      problems.push({ title: correlation.title, id: correlation.id, source: correlation.source, reason: (error as Error).message });
    }
  }
  return { planned, problems };
}

function planOne(c: SigmaCorrelation, no: number, context: PlanContext, all: readonly SigmaCorrelation[]): PlannedCorrelation {
  if (!TYPES.includes(c.type)) throw new Error(`correlation type "${String(c.type)}" is not supported (${TYPES.join(', ')})`);
  if (c.rules.length === 0) throw new Error('rules: the correlation names no rules');
  const ruleNos = c.rules.map((ref) => {
    const at = context.rules.findIndex((r) => r.id === ref || (r.name !== undefined && r.name === ref));
    if (at >= 0) return at + 1;
    if (all.some((o) => o.id === ref || o.name === ref)) throw new Error(`rules: "${ref}" is a correlation; correlations of correlations are not supported`);
    throw new Error(`rules: no compiled detection rule is named "${ref}" (by name or id)`);
  });
  if (!(c.timespanSeconds > 0) && c.type !== 'new_value') throw new Error('timespan: must be a positive duration');
  const fieldOf = (option: string, field: string): SqlFragment => {
    let expr: SqlFragment;
    try {
      expr = context.fieldSql(field);
    } catch (error) {
      throw new Error(`${option}: ${(error as Error).message}`);
    }
    // Athena takes `?` only in WHERE; a group key is selected, so it must bind nothing.
    if (expr.compile().params.length > 0) throw new Error(`${option}: field "${field}" needs bound values, which Athena does not accept outside WHERE`);
    return expr;
  };
  const groupBy = c.groupBy.map((f) => fieldOf('group-by', f));
  let value: SqlFragment | undefined;
  if (c.type === 'value_count') {
    if (c.condition?.field === undefined) throw new Error('condition: value_count needs the field whose distinct values are counted');
    value = fieldOf('condition.field', c.condition.field);
  }
  if (c.type === 'new_value') {
    if (c.valueField === undefined) throw new Error('new_value needs the field whose new values are reported');
    if (!(c.lookbackSeconds !== undefined && c.lookbackSeconds > 0)) throw new Error('new_value needs a positive lookback');
    value = fieldOf('field', c.valueField);
  }
  if ((c.type === 'event_count' || c.type === 'value_count') && c.condition === undefined) throw new Error(`condition: ${c.type} needs a condition (e.g. gte: 10)`);
  const columns = () => [
    ...groupBy.map((g, i) => sql`CAST(${g} AS VARCHAR) AS ${sql.raw(`c${no}_g${i + 1}`)}`),
    ...(value ? [sql`CAST(${value} AS VARCHAR) AS ${sql.raw(`c${no}_v`)}`] : []),
  ];
  return Object.freeze({
    correlation: c,
    no,
    ruleNos,
    groupBy,
    value,
    timespanMs: Math.round(c.timespanSeconds * 1000),
    lookbackMs: c.type === 'new_value' ? Math.round((c.lookbackSeconds ?? 0) * 1000) : 0,
    columns,
  });
}

/** What {@link correlationLevels} needs besides the base level. */
export interface LevelOptions {
  readonly correlations: readonly PlannedCorrelation[];
  /** rule_no of the rules that report their own hits. */
  readonly standalone: ReadonlySet<number>;
  /** The window's start, epoch ms: standalone hits and correlations count from here. */
  readonly startMs: number;
}

/** The columns every level's output ends with, after `corr_no` and the base's hit columns. */
const HIT_FIELDS = 'rule_no, t_ms, event_id, event_name, event_source, principal, source_ip, error_code, region, account';

const n = (value: number) => sql.raw(String(value));

/**
 * The levels on top of the base (one row per event and rule it matched): a row per hit of a
 * standalone rule (`corr_no` 0) and a row per event of a correlation's hit, with the
 * group values `g1…gK` and the counted value `d`.
 */
export function correlationLevels(base: SqlFragment, options: LevelOptions): SqlFragment {
  const { correlations, standalone, startMs } = options;
  const own = [...standalone].sort((a, b) => a - b);
  const ownRows = own.length === 0 ? sql`(1 = 0)` : sql`(corr_no = 0 AND t_ms >= ${n(startMs)} AND rule_no IN (${n(0)}${sql.raw(own.map((r) => `, ${r}`).join(''))}))`;
  if (correlations.length === 0) {
    return sql`SELECT 0 AS corr_no, ${sql.raw(HIT_FIELDS)}, CAST(NULL AS VARCHAR) AS d
FROM (${base}) AS h
WHERE rule_no IN (${n(0)}${sql.raw(own.map((r) => `, ${r}`).join(''))})`;
  }
  const k = Math.max(1, ...correlations.map((c) => c.groupBy.length));
  const groups = Array.from({ length: k }, (_, i) => `g${i + 1}`);
  const partition = sql.raw(`corr_no, ${groups.join(', ')}`);
  const caseOf = (pick: (c: PlannedCorrelation) => string | undefined, otherwise = 'NULL') => {
    const arms = correlations.map((c) => [c.no, pick(c)] as const).filter(([, e]) => e !== undefined);
    return arms.length === 0 ? otherwise : `CASE corr_no ${arms.map(([no, e]) => `WHEN ${no} THEN ${e}`).join(' ')} ELSE ${otherwise} END`;
  };

  // Level 1: each hit paired with its correlations; group values, counted value, position.
  const groupCols = groups.map((g, i) => `${caseOf((c) => (i < c.groupBy.length ? `c${c.no}_g${i + 1}` : undefined))} AS ${g}`);
  const d = caseOf((c) => {
    if (c.value) return `c${c.no}_v`;
    if (c.correlation.type === 'temporal' || c.correlation.type === 'temporal_ordered') return positionCase(c, (p) => `'${p}'`);
    return undefined;
  });
  const pos = caseOf((c) => (c.correlation.type === 'temporal_ordered' ? positionCase(c, String) : undefined));
  const pairs = correlations.map((c) => {
    const notNull = c.groupBy.map((_, i) => ` AND c${c.no}_g${i + 1} IS NOT NULL`).join('');
    const inWindow = c.correlation.type === 'new_value' ? '' : ` AND t_ms >= ${startMs}`;
    return `(corr_no = ${c.no} AND rule_no IN (${c.ruleNos.join(', ')})${inWindow}${notNull})`;
  });
  const level1 = sql`SELECT corr_no, ${sql.raw(HIT_FIELDS)}, ${sql.raw(groupCols.join(', '))}, ${sql.raw(d)} AS d, ${sql.raw(pos)} AS pos
FROM (${base}) AS h
CROSS JOIN UNNEST(ARRAY[${sql.raw(['0', ...correlations.map((c) => String(c.no))].join(', '))}]) AS c(corr_no)
WHERE ${ownRows} OR ${sql.raw(pairs.join('\n  OR '))}`;

  // Level 2: counts over the span before each event, one column per distinct span.
  const spansOf = (types: readonly CorrelationType[]) => [...new Set(correlations.filter((c) => types.includes(c.correlation.type)).map((c) => c.timespanMs))];
  const preceding = (span: number) => `(PARTITION BY ${partition} ORDER BY t_ms RANGE BETWEEN ${span} PRECEDING AND CURRENT ROW)`;
  const windowCols = [
    ...spansOf(['event_count']).map((s) => `count(*) OVER ${preceding(s)} AS n_${s}`),
    ...spansOf(['value_count', 'temporal']).map((s) => `cardinality(array_distinct(filter(array_agg(d) OVER ${preceding(s)}, x -> x IS NOT NULL))) AS dc_${s}`),
  ];
  if (correlations.some((c) => c.correlation.type === 'new_value')) {
    // One column pair per lookback: the latest earlier hit of the group, and of the group with this value.
    for (const l of spansOf(['new_value'])) {
      const before = `ORDER BY t_ms RANGE BETWEEN ${l} PRECEDING AND 1 PRECEDING`;
      windowCols.push(`max(t_ms) OVER (PARTITION BY ${partition} ${before}) AS seen_g_${l}`, `max(t_ms) OVER (PARTITION BY ${partition}, d ${before}) AS seen_d_${l}`);
    }
  }
  let level = windowCols.length === 0 ? level1 : sql`SELECT *, ${sql.raw(windowCols.join(',\n  '))}\nFROM (${level1}) AS l1`;
  // temporal_ordered: f_k is the latest start of a chain of the first k rules ending at or
  // before the event (its peers included); one level per step, each over the one before.
  const longest = Math.max(0, ...correlations.filter((c) => c.correlation.type === 'temporal_ordered').map((c) => c.ruleNos.length));
  for (let step = 1; step < longest; step++) {
    const previous = step === 1 ? 't_ms' : `f_${step - 1}`;
    level = sql`SELECT *, max(CASE WHEN pos = ${n(step)} THEN ${sql.raw(previous)} END) OVER (PARTITION BY ${partition} ORDER BY t_ms RANGE UNBOUNDED PRECEDING) AS ${sql.raw(`f_${step}`)}\nFROM (${level}) AS o${n(step)}`;
  }

  // Level 3: where the condition holds.
  const holds = caseOf((c) => `(${conditionSql(c, startMs)})`, 'false');
  const level3 = sql`SELECT *, ${sql.raw(holds)} AS q FROM (${level}) AS l2`;

  // Level 4: the events in the span before a place the condition holds.
  const spans = [...new Set(correlations.filter((c) => c.correlation.type !== 'new_value').map((c) => c.timespanMs))];
  const following = spans.map((s) => `max(CASE WHEN q THEN 1 ELSE 0 END) OVER (PARTITION BY ${partition} ORDER BY t_ms RANGE BETWEEN CURRENT ROW AND ${s} FOLLOWING) AS inv_${s}`);
  const level4 = following.length === 0 ? level3 : sql`SELECT *, ${sql.raw(following.join(',\n  '))} FROM (${level3}) AS l3`;
  const involved = caseOf((c) => (c.correlation.type === 'new_value' ? 'q' : `inv_${c.timespanMs} = 1`), 'false');
  return sql`SELECT corr_no, ${sql.raw(HIT_FIELDS)}, d, ${sql.raw(groups.join(', '))}
FROM (${level4}) AS l4
WHERE corr_no = 0 OR ${sql.raw(involved)}`;
}

/** A CASE over rule_no giving the 1-based position of the rule in the correlation's list. */
function positionCase(c: PlannedCorrelation, show: (position: number) => string): string {
  const seen = new Set<number>();
  const arms = c.ruleNos.flatMap((r, i) => (seen.has(r) ? [] : (seen.add(r), [`WHEN ${r} THEN ${show(i + 1)}`])));
  return `CASE rule_no ${arms.join(' ')} END`;
}

const OPS: Readonly<Record<CorrelationCondition['op'], string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', neq: '<>' };

function compare(value: string, condition: CorrelationCondition): string {
  const op = OPS[condition.op];
  if (op === undefined || !Number.isFinite(condition.value)) throw new OptionError('condition', condition, `correlation condition ${JSON.stringify(condition)} is not a comparison`);
  return `${value} ${op} ${condition.value}`;
}

/** Whether the condition holds at a row of this correlation. */
function conditionSql(c: PlannedCorrelation, startMs: number): string {
  const s = c.timespanMs;
  switch (c.correlation.type) {
    case 'event_count':
      return compare(`n_${s}`, c.correlation.condition!);
    case 'value_count':
      return compare(`dc_${s}`, c.correlation.condition!);
    case 'temporal': {
      const distinctRules = new Set(c.ruleNos).size;
      return c.correlation.condition ? compare(`dc_${s}`, c.correlation.condition) : `dc_${s} = ${distinctRules}`;
    }
    case 'temporal_ordered': {
      const last = c.ruleNos.length;
      return last === 1 ? 'pos = 1' : `pos = ${last} AND f_${last - 1} >= t_ms - ${s}`;
    }
    case 'new_value':
      return `t_ms >= ${startMs} AND d IS NOT NULL AND seen_g_${s} IS NOT NULL AND seen_d_${s} IS NULL`;
  }
}
