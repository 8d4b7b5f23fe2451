/**
 * `Detections`: what fired, as a `QueryResult` with one row per rule, and the views a
 * playbook's triage section needs (the hit events, by principal, over time), built in plain
 * code from the rows of the one detection query.
 */

import { escapeHtml, revealInvisibles } from '../display/escape';
import type { HtmlTableOptions } from '../display/html-table';
import type { TextTableOptions } from '../display/text-table';
import type { Chart } from '../display/charts/chart';
import { failuresOverTimeChart } from '../display/charts/failures-over-time';
import { QueryResult } from '../result/query-result';
import type { ResultContext } from '../result/context';
import type { Column, ColumnKind, QueryStats, Value } from '../result/types';
import { SIGMA_LEVELS, type RuleHeader, type RuleProblem, type SigmaLevel } from './types';

/** One event a rule (or a correlation's hit) is made of. */
export interface HitEvent {
  readonly rule: RuleHeader;
  readonly time: Date;
  readonly eventId: string | null;
  readonly eventName: string | null;
  readonly eventSource: string | null;
  readonly principal: string | null;
  readonly sourceIp: string | null;
  readonly errorCode: string | null;
  readonly region: string | null;
  readonly account: string | null;
  /** A correlation's group, `field=value, …`; null for a detection rule's own hit. */
  readonly group: string | null;
}

/** One hit of a correlation rule: a group whose events satisfied it. */
export interface CorrelationHit {
  readonly rule: RuleHeader;
  readonly type: string;
  readonly group: string;
  readonly first: Date;
  readonly last: Date;
  readonly eventIds: readonly string[];
}

/** What {@link Detections} is built from. */
export interface DetectionsData {
  readonly hits: readonly HitEvent[];
  readonly correlationHits: readonly CorrelationHit[];
  readonly problems: readonly RuleProblem[];
  /** Every rule that ran, fired or not (for the count under the table). */
  readonly rulesRun: number;
  readonly stats: QueryStats;
  readonly sql: string;
  readonly context: ResultContext;
}

const col = (name: string, kind: ColumnKind, engineType: string): Column => ({ name, kind, engineType });
const text = (name: string) => col(name, 'string', 'varchar');
const time = (name: string) => col(name, 'timestamp', 'timestamp');
const count = (name: string) => col(name, 'integer', 'integer');
const list = (name: string) => col(name, 'array', 'array(varchar)');

/** The summary's columns, in order. */
export const DETECTION_COLUMNS: readonly Column[] = [
  text('level'), text('title'), count('hits'), time('first_seen'), time('last_seen'),
  list('principals'), list('source_ips'), text('author'), text('rule_id'), text('source'),
];

const HIT_COLUMNS: readonly Column[] = [
  text('rule_id'), text('title'), text('level'), time('event_time'), text('event_id'), text('event_name'), text('event_source'),
  text('principal'), text('source_ip'), text('error_code'), text('region'), text('account'), text('group'),
];

/** Higher is more severe; a rule without a level sorts last. */
export function levelRank(level: SigmaLevel | undefined): number {
  return level === undefined ? -1 : SIGMA_LEVELS.indexOf(level);
}

/** Values of `pick` by how often they occur, most first; nulls left out. */
function byFrequency<T>(items: readonly T[], pick: (item: T) => string | null): string[] {
  const counts = new Map<string, number>();
  for (const item of items) {
    const v = pick(item);
    if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
}

/** Hits grouped by rule, each rule's hits distinct by event. */
function groupByRule(hits: readonly HitEvent[]): Map<RuleHeader, HitEvent[]> {
  const out = new Map<RuleHeader, HitEvent[]>();
  const seen = new Map<RuleHeader, Set<string>>();
  for (const h of hits) {
    const ids = seen.get(h.rule) ?? new Set<string>();
    seen.set(h.rule, ids);
    const key = h.eventId ?? `${h.time.getTime()}|${h.eventName}|${h.principal}`;
    if (ids.has(key)) continue;
    ids.add(key);
    const list = out.get(h.rule) ?? [];
    list.push(h);
    out.set(h.rule, list);
  }
  return out;
}

function summaryRows(hits: readonly HitEvent[]): Value[][] {
  const rows = [...groupByRule(hits)].map(([rule, events]) => {
    const times = events.map((e) => e.time.getTime());
    return {
      rank: levelRank(rule.level),
      row: [
        rule.level ?? null, rule.title, events.length, new Date(Math.min(...times)), new Date(Math.max(...times)),
        byFrequency(events, (e) => e.principal), byFrequency(events, (e) => e.sourceIp), rule.author ?? null, rule.id, rule.source,
      ] as Value[],
    };
  });
  return rows
    .sort((a, b) => b.rank - a.rank || (b.row[2] as number) - (a.row[2] as number) || String(a.row[1]).localeCompare(String(b.row[1])))
    .map((r) => r.row);
}

/**
 * What fired: one row per rule (detection or correlation) with hits in the window (level,
 * title, hits, first_seen, last_seen, principals, source_ips, author, rule_id, source), most
 * severe first, then most hits. Shown in a notebook, the table is followed by the rules'
 * attribution (DRL 1.1) and the rules that could not be compiled, with their reasons.
 *
 * @example
 * const found = await detect({ window });
 * found.display();
 * found.byPrincipal().display();
 * await found.chart().display();
 */
export class Detections extends QueryResult {
  /** Every event of every hit: one row per rule and event, oldest first. */
  readonly hits: QueryResult;
  /** Correlation hits: one row per group that satisfied a correlation rule. */
  readonly correlations: QueryResult;
  /** Rules that could not be read or compiled for this target (never dropped silently). */
  readonly problems: readonly RuleProblem[];
  /** How many rules ran (detection and correlation rules). */
  readonly rulesRun: number;
  readonly #events: readonly HitEvent[];
  readonly #fired: readonly RuleHeader[];

  /** @internal built by `detect()`. */
  constructor(data: DetectionsData) {
    const rows = summaryRows(data.hits);
    super({ columns: DETECTION_COLUMNS, rows, stats: data.stats, sql: data.sql }, data.context);
    const events = [...data.hits].sort((a, b) => a.time.getTime() - b.time.getTime() || levelRank(b.rule.level) - levelRank(a.rule.level));
    this.#events = events;
    this.#fired = [...groupByRule(data.hits).keys()];
    this.problems = Object.freeze([...data.problems]);
    this.rulesRun = data.rulesRun;
    this.hits = new QueryResult({
      columns: HIT_COLUMNS,
      rows: events.map((e) => [e.rule.id, e.rule.title, e.rule.level ?? null, e.time, e.eventId, e.eventName, e.eventSource, e.principal, e.sourceIp, e.errorCode, e.region, e.account, e.group]),
      stats: data.stats,
      sql: data.sql,
    }, data.context);
    this.correlations = new QueryResult({
      columns: [text('rule_id'), text('title'), text('level'), text('type'), text('group'), time('first_seen'), time('last_seen'), count('events'), list('event_ids')],
      rows: data.correlationHits.map((c) => [c.rule.id, c.rule.title, c.rule.level ?? null, c.type, c.group, c.first, c.last, c.eventIds.length, [...c.eventIds]]),
      stats: data.stats,
      sql: data.sql,
    }, data.context);
  }

  /**
   * What fired, by principal: `entity` (the principal, as the playbooks name one: a role
   * session's role, else the caller's ARN), `rules` (titles, most severe first), `hits`,
   * `first_seen`, `last_seen`, `level` (the most severe). Most severe first, then most hits.
   * Its `entity` column is what `suspectFrom` reads, so the suspect can be taken from it.
   * Hits with no principal (AWS services, SAML and web-identity callers) cannot be a suspect
   * and are left out here; `hits` and the table by rule keep them.
   *
   * @example
   * const suspect = await suspectFrom(found.byPrincipal());
   */
  byPrincipal(): QueryResult {
    const groups = new Map<string, HitEvent[]>();
    for (const h of this.#events) {
      if (h.principal === null) continue;
      const list = groups.get(h.principal) ?? [];
      list.push(h);
      groups.set(h.principal, list);
    }
    const rows = [...groups].map(([principal, events]) => {
      const byRule = groupByRule(events);
      const rules = [...byRule.keys()].sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.title.localeCompare(b.title));
      const top = rules[0]?.level;
      const all = [...byRule.values()].flat();
      const times = all.map((e) => e.time.getTime());
      return { rank: levelRank(top), hits: all.length, row: [principal, rules.map((r) => r.title), all.length, new Date(Math.min(...times)), new Date(Math.max(...times)), top ?? null] as Value[] };
    });
    rows.sort((a, b) => b.rank - a.rank || b.hits - a.hits || String(a.row[0]).localeCompare(String(b.row[0])));
    return new QueryResult({
      columns: [text('entity'), list('rules'), count('hits'), time('first_seen'), time('last_seen'), text('level')],
      rows: rows.map((r) => r.row),
      stats: this.stats,
      sql: this.sql,
    }, this.context);
  }

  /**
   * Hits over time, stacked by rule (a bar per time bin: hours for a day's window, days for
   * a month's), over the window.
   *
   * @example
   * await found.chart().display();
   */
  chart(): Chart {
    const perMinute = new Map<string, { bucket: Date; rule: string; hits: number }>();
    for (const h of this.#events) {
      const bucket = new Date(Math.floor(h.time.getTime() / 60_000) * 60_000);
      const key = `${bucket.getTime()}|${h.rule.title}`;
      const entry = perMinute.get(key) ?? { bucket, rule: h.rule.title, hits: 0 };
      entry.hits++;
      perMinute.set(key, entry);
    }
    const data = {
      columns: [time('bucket'), text('rule'), count('hits')],
      rows: [...perMinute.values()].map((e) => [e.bucket, e.rule, e.hits]),
      stats: this.stats,
      sql: this.sql,
    };
    return failuresOverTimeChart(data, {
      time: 'bucket', entity: 'rule', count: 'hits', title: 'Detection hits over time by rule',
      ...(this.context.window ? { window: this.context.window } : {}),
    });
  }

  /** The rules that fired, with their attribution (author, id, references), as DRL 1.1 asks. */
  attribution(): string[] {
    return this.#fired.map((r) => `${r.title} — ${r.author ? `by ${r.author}, ` : ''}id ${r.id}${r.references.length > 0 ? `, references: ${r.references.join(' ')}` : ''} (${r.source})`);
  }

  /** The problems, one line each: title, source and reason. */
  problemLines(): string[] {
    return this.problems.map((p) => `${p.title} (${p.source}): ${p.reason}`);
  }

  override toText(options?: TextTableOptions): string {
    const lines = [super.toText(options), `${this.rowCount} of ${this.rulesRun} rules fired`];
    const attribution = this.attribution();
    if (attribution.length > 0) lines.push('Rules:', ...attribution.map((a) => `  ${revealInvisibles(a)}`));
    if (this.problems.length > 0) lines.push(`${this.problems.length} rules could not be run:`, ...this.problemLines().map((p) => `  ${revealInvisibles(p)}`));
    return lines.join('\n');
  }

  override toHtml(options?: HtmlTableOptions): string {
    const parts = [super.toHtml(options), `<div class="irbook-detections-count">${escapeHtml(`${this.rowCount} of ${this.rulesRun} rules fired`)}</div>`];
    const attribution = this.attribution();
    if (attribution.length > 0) {
      parts.push(`<details class="irbook-attribution"><summary>Rules (attribution)</summary><ul>${attribution.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul></details>`);
    }
    if (this.problems.length > 0) {
      parts.push(`<div class="irbook-rule-problems"><b>${escapeHtml(`${this.problems.length} rules could not be run:`)}</b><ul>${this.problemLines().map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></div>`);
    }
    return parts.join('\n');
  }
}
