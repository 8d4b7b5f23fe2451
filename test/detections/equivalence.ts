/**
 * What the equivalence tests share: the rule files of each pack read twice (by the compiler
 * and by the independent evaluator), the compiled rules' hits from the local engine in one
 * query per table, and the evaluator's hits over the parsed records of the same files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileRules, ownPackDir, parseRules } from '../../lib/detections';
import type { CompiledRule, CompiledRules, DetectionTarget, RuleProblem, RuleSet } from '../../lib/detections/types';
import type { LocalEngine } from '../../lib/engines/local/local-engine';
import { sql, type SqlFragment } from '../../lib/sql';
import { lakeTable, type OcsfTableKind } from '../../lib/sources/ocsf/schema';
import { SIGMA_REFERENCE_RULES } from '../support/shared-reference';
import { CRAFTED_RULES } from './crafted-logs';
import { readEvaluatorRules, type EvaluatorRule, type JsonRecord } from './evaluator';

/** A pack's rules as both sides read them. */
export interface Pack {
  readonly name: string;
  readonly files: readonly string[];
  /** What the compiler read (detections and correlations, and problems). */
  readonly ruleSet: RuleSet;
  /** The evaluator's detection rules by key, and what it does not evaluate (by key, with why). */
  readonly evaluator: ReadonlyMap<string, EvaluatorRule>;
  readonly evaluatorUnsupported: ReadonlyMap<string, string>;
}

/** How a rule is matched across the two readers: its id, else its title. */
export function ruleKey(rule: { readonly id: string | undefined; readonly title: string }): string {
  return rule.id ?? `title:${rule.title}`;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Reads rule files both ways; undefined when the folder is absent or holds no rule. */
export function readPack(name: string, location: string | undefined): Pack | undefined {
  if (location === undefined || !existsSync(location)) return undefined;
  const files = statSync(location).isDirectory() ? yamlFiles(location) : [location];
  if (files.length === 0) return undefined;
  const rules: RuleSet['rules'][number][] = [];
  const problems: RuleProblem[] = [];
  const evaluator = new Map<string, EvaluatorRule>();
  const evaluatorUnsupported = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const parsed = parseRules(text, file);
    rules.push(...parsed.rules);
    problems.push(...parsed.problems);
    const read = readEvaluatorRules(text, file);
    for (const rule of read.rules) {
      if (evaluator.has(ruleKey(rule))) throw new Error(`${name}: two rules are keyed ${ruleKey(rule)}`);
      evaluator.set(ruleKey(rule), rule);
    }
    for (const u of read.unsupported) evaluatorUnsupported.set(ruleKey(u), u.reason);
  }
  return { name, files, ruleSet: { rules, problems }, evaluator, evaluatorUnsupported };
}

/** The packs: SigmaHQ's reference rules (when the workplace has them), the project's own, the crafted ones. */
export function referencePack(): Pack | undefined {
  return readPack('reference', SIGMA_REFERENCE_RULES);
}
export function ownPack(): Pack | undefined {
  return readPack('own', ownPackDir());
}
export function craftedPack(): Pack {
  const pack = readPack('crafted', CRAFTED_RULES);
  if (!pack) throw new Error(`no crafted rules at ${CRAFTED_RULES}`);
  return pack;
}

/** The pack's detection rules compiled for a target. */
export function compilePack(pack: Pack, target: DetectionTarget): CompiledRules {
  return compileRules(pack.ruleSet, target);
}

// ---- hits from the engine ---------------------------------------------------------------

/** The OCSF tables the CloudTrail feed fills, as a query names them (any region reads them all). */
export const OCSF_TABLES: readonly string[] = (['cloud_trail_mgmt', 's3_data'] as const satisfies readonly OcsfTableKind[]).map((kind) =>
  lakeTable('us-east-1', kind),
);

/** The event id column of a target's table. */
function idColumn(target: DetectionTarget): SqlFragment {
  return sql.raw(target === 'cloudtrail' ? 'eventid' : 'metadata.uid');
}

function unionQuery(rules: readonly CompiledRule[], indexes: readonly number[], table: string, target: DetectionTarget): SqlFragment {
  // One SELECT per rule, as `SELECT eventid FROM cloudtrail WHERE <compiled>`, unioned so the
  // whole pack is one query; the rule's index is our own number, written as a literal.
  const parts = indexes.map(
    (i) => sql`SELECT ${sql.literal(i)} AS rule, ${idColumn(target)} AS id FROM ${sql.raw(table)} WHERE ${rules[i]!.where}`,
  );
  return sql.join(parts, sql.raw('\nUNION ALL\n'));
}

/**
 * Each compiled rule's hits (event ids) from the engine, by rule index. A query the engine
 * refuses is run again rule by rule, so the error names the rule.
 */
export async function engineHits(engine: LocalEngine, rules: readonly CompiledRule[], target: DetectionTarget): Promise<Set<string>[]> {
  const hits = rules.map(() => new Set<string>());
  if (rules.length === 0) return hits;
  const tables = target === 'cloudtrail' ? ['cloudtrail'] : OCSF_TABLES;
  const all = rules.map((_, i) => i);
  for (const table of tables) {
    let rows: (readonly unknown[])[] = [];
    try {
      rows = [...(await engine.query(unionQuery(rules, all, table, target))).rows];
    } catch {
      rows = [];
      for (const i of all) {
        try {
          rows.push(...(await engine.query(unionQuery(rules, [i], table, target))).rows);
        } catch (error) {
          throw new Error(`${target}: the engine refused "${rules[i]!.rule.title}" (${rules[i]!.rule.source}) on ${table}: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
    }
    for (const [rule, id] of rows) hits[Number(rule)]!.add(String(id));
  }
  return hits;
}

/** Rows of a target's tables, and distinct ids among them: the data every comparison stands on. */
export async function tableCounts(engine: LocalEngine, target: DetectionTarget): Promise<{ rows: number; ids: number }> {
  const tables = target === 'cloudtrail' ? ['cloudtrail'] : OCSF_TABLES;
  const union = sql.join(
    tables.map((t) => sql`SELECT ${idColumn(target)} AS id FROM ${sql.raw(t)}`),
    sql.raw(' UNION ALL '),
  );
  const result = await engine.query(sql`SELECT count(*) AS n, count(DISTINCT id) AS d FROM (${union})`);
  const [n, d] = result.rows[0]!;
  return { rows: Number(n), ids: Number(d) };
}

// ---- hits from the evaluator --------------------------------------------------------------

/**
 * Whether the OCSF tables hold a record, by the rules in the header of
 * lib/sources/ocsf/cloudtrail-mapping.ts: S3 data events in `s3_data`, management events in
 * `cloud_trail_mgmt`; records without eventCategory by whether an S3 event names an object;
 * other data events, Insights and network activity in neither.
 */
export function inOcsfTables(record: JsonRecord): boolean {
  const category = record.eventCategory;
  const s3 = record.eventSource === 's3.amazonaws.com';
  if (category === 'Management') return true;
  if (category === 'Data') return s3;
  if (category !== undefined && category !== null) return false;
  return true; // without eventCategory: an old S3 data event or a management event, either way in a table
}

/** The evaluator's hits (event ids) of a rule over records. */
export function evaluatorHits(rule: EvaluatorRule, records: readonly JsonRecord[], target: DetectionTarget): Set<string> {
  const hits = new Set<string>();
  for (const record of records) {
    if (target === 'ocsf' && !inOcsfTables(record)) continue;
    if (rule.matches(record)) hits.add(String(record.eventID));
  }
  return hits;
}

/** A readable difference between expected and actual hits, with the records involved. */
export function describeDifference(
  expected: ReadonlySet<string>,
  actual: ReadonlySet<string>,
  byId: ReadonlyMap<string, JsonRecord>,
): { missing: string[]; extra: string[] } {
  const show = (id: string) => {
    const r = byId.get(id);
    if (!r) return id;
    const ui = (r.userIdentity ?? {}) as Record<string, unknown>;
    return `${id} ${String(r.eventSource)} ${String(r.eventName)} ${String(ui.type)} ${String(r.sourceIPAddress)} ${JSON.stringify(r.userAgent)}`;
  };
  const missing = [...expected].filter((id) => !actual.has(id)).sort().slice(0, 8).map(show);
  const extra = [...actual].filter((id) => !expected.has(id)).sort().slice(0, 8).map(show);
  return { missing, extra };
}
