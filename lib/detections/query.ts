/**
 * All of a target's compiled rules, and the correlations over them, as ONE query over the
 * window: one scan of the table (Athena bills by data scanned, and Trino inlines a CTE at each
 * reference, so nothing here is referenced twice).
 *
 * Athena takes `?` parameters only in WHERE clauses, and a rule's condition binds its Sigma
 * values, so a rule cannot be tested in the SELECT list (`IF(w1, 'id1')`). Instead each event
 * is paired with rule numbers from a `VALUES` list, and the WHERE keeps the pairs whose rule
 * matches (`CASE rule_no WHEN 1 THEN w1 WHEN 2 THEN w2 … END`). The pairing is an equality
 * join on the lower-cased event name against the names each rule pins (bound values, in the
 * WHERE: a hash join on both engines), so a rule's condition runs only on the events it could
 * match; rules that pin no name meet every event (see `pairs`). Then a rule's own hits are
 * summarized by window functions, and correlations are computed over the hits by window
 * functions (`correlation.ts`), all in the same statement.
 *
 * Cost: N rules and M correlations are one query and one scan of the window (reaching back
 * by the longest new_value lookback when there is one).
 */

import { sql, type SqlFragment } from '../sql';
import { ENTITY } from '../playbooks/entity';
import { inWindow, toTimeWindow, type TimeWindow, type TimeWindowInput } from '../playbooks/time-window';
import { lakeTable } from '../sources/ocsf/schema';
import { correlationLevels, type PlannedCorrelation } from './correlation';
import { necessaryEventNames, necessaryValues } from './prefilter';
import type { CompiledRule, DetectionTarget, SigmaRule } from './types';

/** What one hit row of {@link detectionQuery}'s SQL holds, in column order. */
export const HIT_COLUMNS = [
  'corr_no', 'rule_no', 't_ms', 'event_id', 'event_name', 'event_source', 'principal', 'source_ip', 'error_code', 'region', 'account',
] as const;

/** The hit's fields as SQL over one row of the target's table. */
interface TargetShape {
  /** Epoch milliseconds of the event (a BIGINT). */
  readonly timeMs: SqlFragment;
  readonly fields: Readonly<Record<Exclude<(typeof HIT_COLUMNS)[number], 'corr_no' | 'rule_no' | 't_ms'>, SqlFragment>>;
}

const SHAPES: Readonly<Record<DetectionTarget, TargetShape>> = {
  cloudtrail: {
    timeMs: sql`CAST(floor(to_unixtime(from_iso8601_timestamp(eventtime)) * 1000) AS BIGINT)`,
    fields: {
      event_id: sql`eventid`,
      event_name: sql`eventname`,
      event_source: sql`eventsource`,
      principal: ENTITY,
      source_ip: sql`sourceipaddress`,
      error_code: sql`errorcode`,
      region: sql`awsregion`,
      account: sql`recipientaccountid`,
    },
  },
  ocsf: {
    timeMs: sql`"time"`,
    fields: {
      event_id: sql`metadata.uid`,
      event_name: sql`api.operation`,
      event_source: sql`api.service.name`,
      // As ENTITY: the session's issuer (a role), else the caller's ARN.
      principal: sql`coalesce(actor.session.issuer, actor.user.uid)`,
      // CloudTrail's sourceIPAddress is an address or a service's name; OCSF splits the two.
      source_ip: sql`coalesce(src_endpoint.ip, src_endpoint.domain)`,
      error_code: sql`api.response.error`,
      region: sql`cloud.region`,
      account: sql`accountid`,
    },
  },
};

/** Options of {@link detectionQuery}. */
export interface DetectionQueryOptions {
  readonly target: DetectionTarget;
  /** The detection rules; rule_no `n` in the result is `rules[n - 1]`. */
  readonly rules: readonly CompiledRule[];
  /** Which rules report their own hits (rule_no, 1-based); the others only feed correlations. */
  readonly standalone: ReadonlySet<number>;
  /** Correlations over the rules; corr_no `n` is `correlations[n - 1]`. */
  readonly correlations?: readonly PlannedCorrelation[];
  readonly window: TimeWindowInput;
  /** OCSF: the lake's region the table names carry (default `us-west-2`). */
  readonly region?: string;
  /** Events of each rule's own hits returned one by one (default {@link DEFAULT_HITS_PER_RULE}). */
  readonly hitsPerRule?: number;
}

/** The query, and what its numbers stand for. */
export interface DetectionQuery {
  readonly sql: SqlFragment;
  readonly window: TimeWindow;
  /** The window the scan covers: the window, reaching back by new_value's lookback. */
  readonly scanned: TimeWindow;
  /** OCSF: the tables read. */
  readonly tables: readonly string[];
  /** The width of the time buckets the hits are counted in (for the chart), ms. */
  readonly bucketMs: number;
  /** At most this many events of each rule's own hits come back one by one. */
  readonly hitsPerRule: number;
}

/** Events of each rule's own hits listed one by one, by default. */
export const DEFAULT_HITS_PER_RULE = 1000;

/** Buckets for counting hits over time: minutes for a day, up to hours for longer windows. */
function bucketFor(window: TimeWindow): number {
  const span = window.end.getTime() - window.start.getTime();
  const minute = 60_000;
  return [minute, 5 * minute, 15 * minute, 60 * minute].find((b) => span / b <= 2000) ?? 60 * minute;
}

/**
 * The one query. Its rows: for each standalone rule's hits in the window (`corr_no` 0), the
 * first `hitsPerRule` by time and one per (principal, source_ip, time bucket) group carrying
 * the group's `n_group`, `first_group`, `last_group` (`rn_group` = 1); for a correlation
 * (`corr_no` ≥ 1), every event of its hits, with the group values `g1…gK` and `d`.
 *
 * @example
 * const q = detectionQuery({ target: 'cloudtrail', rules: compiled.compiled, standalone: new Set([1, 2]), window });
 * const rows = await engine.query(q.sql);
 */
export function detectionQuery(options: DetectionQueryOptions): DetectionQuery {
  const { target, rules, standalone } = options;
  const correlations = options.correlations ?? [];
  const window = toTimeWindow(options.window);
  const lookbackMs = Math.max(0, ...correlations.map((c) => c.lookbackMs));
  const scanned: TimeWindow = { start: new Date(window.start.getTime() - lookbackMs), end: window.end };
  const shape = SHAPES[target];
  const { from, tables } = fromClause(target, options.region ?? 'us-west-2', rules.map((r) => r.rule));
  const fields = Object.entries(shape.fields).map(([name, expr]) => sql`${expr} AS ${sql.raw(name)}`);
  const extra = correlations.flatMap((c) => c.columns());
  const base = sql`SELECT rule_no, ${shape.timeMs} AS t_ms, ${sql.join([...fields, ...extra])}
  FROM ${pairs(target, rules, from, timeCondition(target, scanned))}`;
  const startMs = window.start.getTime();
  const levels = correlationLevels(base, { correlations, standalone, startMs });
  const bucketMs = bucketFor(window);
  const limit = options.hitsPerRule ?? DEFAULT_HITS_PER_RULE;
  // A rule's own hits come back summarized, so a rule that matches most events does not
  // send them all: one row for each principal, source address and time bucket of the rule,
  // carrying that group's count, first and last time (window functions over the hits; JS
  // adds the groups up), and the first `limit` events of each rule. One partitioning for the
  // groups, not one per view: each is a sort of every hit. A correlation's events all come
  // back: its hits are built from them.
  const over = (by: string, ordered = false) => sql.raw(`OVER (PARTITION BY corr_no, rule_no${by}${ordered ? ' ORDER BY t_ms, event_id' : ''})`);
  const group = `, principal, source_ip, t_ms - t_ms % ${bucketMs}`;
  const summarized = sql`SELECT * FROM (SELECT *,
    row_number() ${over('', true)} AS rn_rule,
    count(*) ${over(group)} AS n_group, min(t_ms) ${over(group)} AS first_group, max(t_ms) ${over(group)} AS last_group,
    row_number() ${over(group, true)} AS rn_group
  FROM (${levels}) AS f) AS s
WHERE corr_no > 0 OR rn_rule <= ${sql.raw(String(limit))} OR rn_group = 1`;
  return Object.freeze({
    sql: summarized.limitedTo({ window: { start: iso(window.start), end: iso(window.end) } }),
    bucketMs,
    hitsPerRule: limit,
    window,
    scanned,
    tables,
  });
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The events of the window paired with the rules they match, as a FROM clause and its WHERE.
 * Most rules pin the event names they can match (see prefilter.ts), so an event is paired
 * with those rules by an equality join on its lower-cased name (a hash join on both engines:
 * the names are bound values, compared in WHERE); every event is also paired once with each
 * rule that pins no name. Then each pair is tested with its own rule's condition. A rule's
 * condition thus runs only on the events it could match, instead of every rule on every event.
 */
function pairs(target: DetectionTarget, rules: readonly CompiledRule[], from: SqlFragment, window: SqlFragment): SqlFragment {
  if (rules.length === 0) return sql`${from} CROSS JOIN (VALUES (0, 0)) AS r(name_no, rule_no) WHERE 1 = 0`;
  const nameField = target === 'cloudtrail' ? sql`eventname` : sql`api.operation`;
  const names: string[] = [];
  const codes: string[] = []; // (name_no, rule_no); name_no 0: the rule pins no name
  let unpinned = false;
  rules.forEach((r, i) => {
    const pinned = necessaryEventNames(r.rule);
    if (pinned === undefined) {
      unpinned = true;
      codes.push(`(0, ${i + 1})`);
      return;
    }
    for (const name of [...pinned].sort()) {
      let at = names.indexOf(name);
      if (at < 0) at = names.push(name) - 1;
      codes.push(`(${at + 1}, ${i + 1})`);
    }
  });
  if (codes.length === 0) return sql`${from} CROSS JOIN (VALUES (0, 0)) AS r(name_no, rule_no) WHERE 1 = 0`;
  // With no rule that pins nothing, events with none of the names are dropped at the scan.
  const prefilter = unpinned || names.length === 0 ? sql`` : sql` AND lower(${nameField}) IN (${sql.join(names)})`;
  // Each event twice when some rule pins no name: side 0 meets the rules by its name, side 1
  // meets the rules that pin none.
  const sides = unpinned ? sql`CROSS JOIN UNNEST(ARRAY[0, 1]) AS s(side)` : sql`CROSS JOIN UNNEST(ARRAY[0]) AS s(side)`;
  const nameOf = names.length === 0 ? sql`''` : sql`CASE r.name_no WHEN 0 THEN '' ${sql.join(names.map((n, i) => sql`WHEN ${sql.raw(String(i + 1))} THEN ${n}`), sql` `)} END`;
  const test = sql`CASE r.rule_no ${sql.join(rules.map((r, i) => sql`WHEN ${sql.raw(String(i + 1))} THEN ${r.where}`), sql`\n      `)} ELSE false END`;
  return sql`(SELECT *, CASE WHEN side = 0 THEN lower(${nameField}) ELSE '' END AS name_key
    FROM (SELECT * FROM ${from} WHERE ${window}${prefilter}) AS m
    ${sides}) AS e
  CROSS JOIN (VALUES ${sql.raw(codes.join(', '))}) AS r(name_no, rule_no)
  WHERE e.side = CASE WHEN r.name_no = 0 THEN 1 ELSE 0 END
    AND e.name_key = ${nameOf}
    AND ${test}`;
}

/** The window on the target's table: partition days and eventtime, or the lake's time_dt. */
function timeCondition(target: DetectionTarget, window: TimeWindow): SqlFragment {
  if (target === 'cloudtrail') return inWindow(window);
  // Security Lake's v2 tables are Iceberg, partitioned (hidden) on time_dt: bounding it prunes.
  return sql`(time_dt >= ${window.start} AND time_dt < ${window.end})`;
}

/**
 * The table a target reads. OCSF keeps S3 data events in a table of their own; it is read only
 * when some rule could match one: unless its condition pins `eventSource` to values without
 * `s3.amazonaws.com` (read as the event-name prefilter reads names: a necessary condition, so
 * a rule under `not` or with patterns keeps the S3 table in).
 */
function fromClause(target: DetectionTarget, region: string, rules: readonly SigmaRule[]): { from: SqlFragment; tables: string[] } {
  if (target === 'cloudtrail') return { from: sql`cloudtrail`, tables: ['cloudtrail'] };
  const mgmt = checkedTable(lakeTable(region, 'cloud_trail_mgmt'));
  if (!rules.some(couldMatchS3Data)) return { from: sql.raw(mgmt), tables: [mgmt] };
  const s3 = checkedTable(lakeTable(region, 's3_data'));
  return { from: sql.raw(`(SELECT * FROM ${mgmt} UNION ALL SELECT * FROM ${s3}) AS lake`), tables: [mgmt, s3] };
}

function checkedTable(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a lake table name: ${JSON.stringify(name)}`);
  return name;
}

/** Whether a rule could match an S3 data event (see {@link fromClause}). */
export function couldMatchS3Data(rule: SigmaRule): boolean {
  const sources = necessaryValues(rule, 'eventSource');
  return sources === undefined || sources.has('s3.amazonaws.com');
}
