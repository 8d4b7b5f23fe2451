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

/** A rule's hits in the window, counted. */
export interface RuleSummary {
  readonly rule: RuleHeader;
  readonly hits: number;
  readonly first: Date;
  readonly last: Date;
  /** Principals and source addresses, most hits first. */
  readonly principals: readonly string[];
  readonly sourceIps: readonly string[];
}

/** One rule's hits by one principal. */
export interface PrincipalHits {
  readonly rule: RuleHeader;
  readonly principal: string;
  readonly hits: number;
  readonly first: Date;
  readonly last: Date;
}

/** One rule's hits in one time bucket. */
export interface BucketHits {
  readonly rule: RuleHeader;
  readonly bucket: Date;
  readonly hits: number;
}

/** What {@link Detections} is built from. */
export interface DetectionsData {
  readonly summaries: readonly RuleSummary[];
  readonly principals: readonly PrincipalHits[];
  readonly buckets: readonly BucketHits[];
  /** The hit events listed one by one (a rule's own hits: its first `hitsPerRule`). */
  readonly hits: readonly HitEvent[];
  readonly hitsPerRule: number;
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
  return rankCounts(counts);
}

/** Keys by count, most first, then in text order. */
export function rankCounts(counts: ReadonlyMap<string, number>): string[] {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
}

/** The first and last time of some events (a loop: spreading a million times overflows the stack). */
function span(events: readonly HitEvent[]): [Date, Date] {
  let min = Infinity;
  let max = -Infinity;
  for (const e of events) {
    const t = e.time.getTime();
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return [new Date(min), new Date(max)];
}

/**
 * A rule's summary, principals and buckets counted from all its events (a correlation's,
 * whose events all come back), each event once.
 */
export function summarizeEvents(rule: RuleHeader, all: readonly HitEvent[], bucketMs: number): { summary: RuleSummary; principals: PrincipalHits[]; buckets: BucketHits[] } {
  const seen = new Set<string>();
  const events = all.filter((e) => {
    const key = e.eventId ?? `${e.time.getTime()}|${e.eventName}|${e.principal}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const [first, last] = span(events);
  const byPrincipal = new Map<string, HitEvent[]>();
  const byBucket = new Map<number, number>();
  for (const e of events) {
    if (e.principal !== null) pushTo(byPrincipal, e.principal, e);
    const b = e.time.getTime() - (e.time.getTime() % bucketMs);
    byBucket.set(b, (byBucket.get(b) ?? 0) + 1);
  }
  return {
    summary: { rule, hits: events.length, first, last, principals: byFrequency(events, (e) => e.principal), sourceIps: byFrequency(events, (e) => e.sourceIp) },
    principals: [...byPrincipal].map(([principal, list]) => {
      const [f, l] = span(list);
      return { rule, principal, hits: list.length, first: f, last: l };
    }),
    buckets: [...byBucket].map(([b, hits]) => ({ rule, bucket: new Date(b), hits })),
  };
}

/** Most severe first, then most hits, then by title: the table's order and the attribution's. */
function bySeverity(summaries: readonly RuleSummary[]): RuleSummary[] {
  return [...summaries].sort((a, b) => levelRank(b.rule.level) - levelRank(a.rule.level) || b.hits - a.hits || a.rule.title.localeCompare(b.rule.title));
}

function summaryRows(ranked: readonly RuleSummary[]): Value[][] {
  return ranked.map((s) => [s.rule.level ?? null, s.rule.title, s.hits, s.first, s.last, [...s.principals], [...s.sourceIps], s.rule.author ?? null, s.rule.id, s.rule.source]);
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
  /**
   * The hit events, one row per rule and event, oldest first: every event of a correlation's
   * hits, and the first {@link Detections.hitsPerRule} of each rule's own hits.
   */
  readonly hits: QueryResult;
  /** Correlation hits: one row per group that satisfied a correlation rule. */
  readonly correlations: QueryResult;
  /** Rules that could not be read or compiled for this target (never dropped silently). */
  readonly problems: readonly RuleProblem[];
  /** How many rules ran (detection and correlation rules). */
  readonly rulesRun: number;
  /** At most this many of each rule's own hits are in `hits` (its count is exact). */
  readonly hitsPerRule: number;
  readonly #data: DetectionsData;
  readonly #fired: readonly RuleHeader[];

  /** @internal built by `detect()`. */
  constructor(data: DetectionsData) {
    const ranked = bySeverity(data.summaries);
    super({ columns: DETECTION_COLUMNS, rows: summaryRows(ranked), stats: data.stats, sql: data.sql }, data.context);
    this.#data = data;
    const events = [...data.hits].sort((a, b) => a.time.getTime() - b.time.getTime() || levelRank(b.rule.level) - levelRank(a.rule.level));
    this.#fired = ranked.map((s) => s.rule);
    this.problems = Object.freeze([...data.problems]);
    this.rulesRun = data.rulesRun;
    this.hitsPerRule = data.hitsPerRule;
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
   * and are left out here; the table by rule keeps them.
   *
   * @example
   * const suspect = await suspectFrom(found.byPrincipal());
   */
  byPrincipal(): QueryResult {
    const groups = new Map<string, PrincipalHits[]>();
    for (const p of this.#data.principals) pushTo(groups, p.principal, p);
    const rows = [...groups].map(([principal, list]) => {
      const rules = list.map((p) => p.rule).sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.title.localeCompare(b.title));
      const top = rules[0]?.level;
      const hits = list.reduce((sum, p) => sum + p.hits, 0);
      const first = new Date(Math.min(...list.map((p) => p.first.getTime())));
      const last = new Date(Math.max(...list.map((p) => p.last.getTime())));
      return { rank: levelRank(top), hits, row: [principal, rules.map((r) => r.title), hits, first, last, top ?? null] as Value[] };
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
    const data = {
      columns: [time('bucket'), text('rule'), count('hits')],
      rows: this.#data.buckets.map((b) => [b.bucket, b.rule.title, b.hits]),
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

  /** `3 of 56 rules fired`, and whether `hits` lists only some of a rule's events. */
  firedLine(): string {
    const listed = new Map<RuleHeader, number>();
    for (const h of this.#data.hits) listed.set(h.rule, (listed.get(h.rule) ?? 0) + 1);
    const cut = this.#data.summaries.some((s) => s.hits > (listed.get(s.rule) ?? 0));
    return `${this.rowCount} of ${this.rulesRun} rules fired` + (cut ? ` (hits lists the first ${this.hitsPerRule.toLocaleString('en-US')} events of each rule; the counts are all of them)` : '');
  }

  /** The problems, one line each: title, source and reason. */
  problemLines(): string[] {
    return this.problems.map((p) => `${p.title} (${p.source}): ${p.reason}`);
  }

  /**
   * The lines the text table is followed by: how many rules fired, their attribution, and
   * (unless `problems` is false, e.g. when they went to stderr) the rules that could not run.
   */
  footerLines(problems = true): string[] {
    const lines = [this.firedLine()];
    const attribution = this.attribution();
    if (attribution.length > 0) lines.push('Rules:', ...attribution.map((a) => `  ${revealInvisibles(a)}`));
    if (problems && this.problems.length > 0) lines.push(`${this.problems.length} rules could not be run:`, ...this.problemLines().map((p) => `  ${revealInvisibles(p)}`));
    return lines;
  }

  override toText(options?: TextTableOptions): string {
    return [super.toText(options), ...this.footerLines()].join('\n');
  }

  /** The rule table alone, as a plain result prints it (the CLI adds the footer itself). */
  tableText(options?: TextTableOptions): string {
    return super.toText(options);
  }

  override toHtml(options?: HtmlTableOptions): string {
    const parts = [super.toHtml(options), `<div class="irbook-detections-count">${escapeHtml(this.firedLine())}</div>`];
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

/** Adds `value` to the list under `key` (in place: a correlation may bring back many events). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
