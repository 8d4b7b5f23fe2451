/** Rules built in tests, and the hits a compiled rule gives on the local engine. */
import type { LocalEngine } from '../../lib/engines/local/local-engine';
import { compileRule } from '../../lib/detections/compile';
import type { DetectionTarget, SigmaRule } from '../../lib/detections/types';
import { lakeTable } from '../../lib/sources/ocsf/schema';
import { sql, type SqlFragment } from '../../lib/sql';

export const TARGETS: readonly DetectionTarget[] = ['cloudtrail', 'ocsf'];

/** A detection rule with this `detection` section. */
export function ruleWith(detection: Record<string, unknown>, title = 'test rule'): SigmaRule {
  return {
    kind: 'detection',
    id: `id-${title}`,
    title,
    name: undefined,
    author: 'tests',
    references: [],
    source: 'test.yml',
    level: 'medium',
    status: undefined,
    description: undefined,
    tags: [],
    falsePositives: [],
    logsource: { product: 'aws', service: 'cloudtrail' },
    detection,
  };
}

/** `selection` with one field test, as the rule's whole condition. */
export const oneTest = (spec: string, value: unknown): SigmaRule => ruleWith({ selection: { [spec]: value }, condition: 'selection' });

/** The event ids a WHERE condition selects on a target's tables, sorted. */
export async function idsWhere(engine: LocalEngine, target: DetectionTarget, where: SqlFragment): Promise<string[]> {
  const query = target === 'cloudtrail'
    ? sql`SELECT eventid FROM cloudtrail WHERE ${where}`
    : sql`SELECT metadata.uid FROM ${sql.raw(lakeTable('us-west-2', 'cloud_trail_mgmt'))} WHERE ${where}
          UNION ALL SELECT metadata.uid FROM ${sql.raw(lakeTable('us-west-2', 's3_data'))} WHERE ${where}`;
  const result = await engine.query(query);
  return result.rows.map((row) => String(row[0])).sort();
}

/** The event ids a rule fires on. */
export async function hitsOf(engine: LocalEngine, target: DetectionTarget, rule: SigmaRule): Promise<string[]> {
  return idsWhere(engine, target, compileRule(rule, target).where);
}
