/**
 * Sigma rules → SQL conditions over one row of a target's table. A rule that cannot be
 * compiled is a `RuleCompileError` (one rule) or a `RuleProblem` in the result (many rules),
 * never dropped.
 */
import { checkParameterLengths } from '../engines/athena/placeholders';
import { SqlBuildError } from '../errors';
import { sql, type SqlFragment } from '../sql';
import { detectionCondition, isRecord, type ConditionNode } from './condition';
import { RuleCompileError, RuleReason } from './errors';
import { fieldAccess } from './fields';
import type {
  AnyRule,
  CompiledRule,
  CompiledRules,
  DetectionTarget,
  RuleProblem,
  RuleSet,
  SigmaCorrelation,
  SigmaRule,
} from './types';
import { fieldTest } from './values';

/** One search identifier's value: a map (AND of its field tests) or a list of maps (OR). */
function searchSql(target: DetectionTarget, name: string, search: unknown): SqlFragment {
  const mapSql = (map: Record<string, unknown>): SqlFragment => {
    const entries = Object.entries(map);
    if (entries.length === 0) throw new RuleReason(`search "${name}" is empty`);
    const tests = entries.map(([spec, value]) => fieldTest(target, spec, value));
    return tests.length === 1 ? tests[0]! : sql`(${sql.join(tests, sql.raw(' AND '))})`;
  };
  if (isRecord(search)) return mapSql(search);
  if (Array.isArray(search) && search.length > 0 && search.every(isRecord)) {
    const alternatives = search.map(mapSql);
    return alternatives.length === 1 ? alternatives[0]! : sql`(${sql.join(alternatives, sql.raw(' OR '))})`;
  }
  if (Array.isArray(search) || typeof search === 'string' || typeof search === 'number') {
    throw new RuleReason(`search "${name}" is a keyword search (values without a field), which is not supported`);
  }
  throw new RuleReason(`search "${name}" must be a map of fields or a list of maps`);
}

/** The condition tree as SQL; NOT sees NULL (a missing field) as false, as Sigma does. */
function conditionSql(node: ConditionNode, search: (name: string) => SqlFragment): SqlFragment {
  switch (node.kind) {
    case 'search':
      return search(node.name);
    case 'not':
      return sql`(NOT coalesce(${conditionSql(node.item, search)}, false))`;
    case 'and':
    case 'or':
      return sql`(${sql.join(node.items.map((item) => conditionSql(item, search)), sql.raw(node.kind === 'and' ? ' AND ' : ' OR '))})`;
    case 'of':
      throw new Error('conditionSql: expand the condition first');
  }
}

function checkLogsource(rule: SigmaRule): void {
  const { product, service } = rule.logsource;
  if (product !== undefined && product.toLowerCase() !== 'aws') {
    throw new RuleReason(`logsource product "${product}" is not aws (irbook runs CloudTrail rules)`);
  }
  if (service !== undefined && service.toLowerCase() !== 'cloudtrail') {
    throw new RuleReason(`logsource service "${service}" is not cloudtrail`);
  }
}

function compileDetection(rule: SigmaRule, target: DetectionTarget): SqlFragment {
  checkLogsource(rule);
  const detection = rule.detection;
  if ('timeframe' in detection) throw new RuleReason('detection "timeframe" is not supported (write a correlation rule)');
  const tree = detectionCondition(detection);
  const searches = new Map<string, SqlFragment>();
  const search = (name: string): SqlFragment => {
    let compiled = searches.get(name);
    if (compiled === undefined) {
      compiled = searchSql(target, name, detection[name]);
      searches.set(name, compiled);
    }
    return compiled;
  };
  // Not wrapped in coalesce: a WHERE evaluates AND/OR lazily (a rule's later tests run only on
  // rows its first ones let through), but inside a function every test runs on every row.
  const where = sql`(${conditionSql(tree, search)})`;
  checkParameters(where);
  return where;
}

/** A value Athena could not take as a parameter would fail the whole combined query there. */
function checkParameters(where: SqlFragment): void {
  try {
    checkParameterLengths(where.compile().params);
  } catch (error) {
    if (error instanceof SqlBuildError) throw new RuleReason(error.message);
    throw error;
  }
}

function failure(rule: AnyRule, error: unknown): RuleCompileError {
  if (error instanceof RuleCompileError) return error;
  if (error instanceof RuleReason) return new RuleCompileError(rule.title, rule.id, rule.source, error.message);
  throw error;
}

/**
 * One detection rule as a WHERE condition for a target's table (columns unqualified). It is
 * true for a matching row and false or NULL for others (NULL where a field is missing), as a
 * WHERE, FILTER or CASE WHEN reads it; to negate it write `NOT coalesce(where, false)`.
 *
 * @example
 * const { rules } = parseRules(yamlText, 'rules/bucket-deleted.yml');
 * const { where } = compileRule(rules[0] as SigmaRule, 'cloudtrail');
 * await engine.query(sql`SELECT eventid FROM cloudtrail WHERE ${where}`);
 * @throws RuleCompileError naming the rule and the reason (an unknown field or modifier, …)
 */
export function compileRule(rule: SigmaRule, target: DetectionTarget): CompiledRule {
  try {
    return Object.freeze({ rule, target, where: compileDetection(rule, target) });
  } catch (error) {
    throw failure(rule, error);
  }
}

/** The rules a correlation combines, found by `name` or `id`. */
function correlated(correlation: SigmaCorrelation, rules: readonly AnyRule[]): AnyRule[] {
  return correlation.rules.map((reference) => {
    const found = rules.find((r) => r !== correlation && (r.name === reference || r.id === reference));
    if (found === undefined) throw new RuleReason(`correlation names rule "${reference}", which is not among the rules read`);
    return found;
  });
}

function checkCorrelation(correlation: SigmaCorrelation, target: DetectionTarget, all: readonly AnyRule[], failed: ReadonlySet<string>): void {
  for (const rule of correlated(correlation, all)) {
    if (failed.has(rule.id)) throw new RuleReason(`correlation combines "${rule.title}" (${rule.id}), which could not be compiled`);
  }
  const fields = [...correlation.groupBy, correlation.condition?.field, correlation.valueField];
  for (const field of fields) if (field !== undefined) fieldAccess(target, field);
}

/**
 * Compiles every rule of a set for a target. Rules that cannot be compiled, and correlations
 * that name a missing or failed rule or a field the target lacks, become problems; the set's
 * own problems (files that could not be read) are kept in front.
 *
 * @example
 * const compiled = compileRules(await loadRules([ownPackDir()]), 'ocsf');
 * compiled.problems.map((p) => `${p.title}: ${p.reason}`);
 */
export function compileRules(ruleSet: RuleSet, target: DetectionTarget): CompiledRules {
  const compiled: CompiledRule[] = [];
  const correlations: SigmaCorrelation[] = [];
  const problems: RuleProblem[] = [...ruleSet.problems];
  const failed = new Set<string>();
  for (const rule of ruleSet.rules) {
    if (rule.kind !== 'detection') continue;
    try {
      compiled.push(compileRule(rule, target));
    } catch (error) {
      problems.push(failure(rule, error).toProblem());
      failed.add(rule.id);
    }
  }
  // Correlations of correlations are checked in file order: a failed one fails those naming it.
  for (const rule of ruleSet.rules) {
    if (rule.kind !== 'correlation') continue;
    try {
      checkCorrelation(rule, target, ruleSet.rules, failed);
      correlations.push(rule);
    } catch (error) {
      problems.push(failure(rule, error).toProblem());
      failed.add(rule.id);
    }
  }
  return Object.freeze({ target, compiled: Object.freeze(compiled), correlations: Object.freeze(correlations), problems: Object.freeze(problems) });
}
