/**
 * Sigma YAML (one or several documents) → detection and correlation rules, each checked for
 * what irbook needs (title, id, level, a detection with a condition, or a well-formed
 * correlation). A document that does not pass is a `RuleProblem` naming it and why.
 */
import { basename } from 'node:path';
import type * as Yaml from 'yaml';
import type { Node } from 'yaml';
import { RuleReason } from './errors';
import { isRecord } from './condition';
import {
  SIGMA_LEVELS,
  type AnyRule,
  type CorrelationCondition,
  type CorrelationType,
  type RuleHeader,
  type RuleProblem,
  type RuleSet,
  type SigmaCorrelation,
  type SigmaLevel,
  type SigmaRule,
} from './types';

/** The YAML parser, loaded on first use: `import 'irbook'` does not pay for it (about 27 ms). */
let yamlModule: typeof Yaml | undefined;
function yaml(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous parseRules, loaded lazily
  return (yamlModule ??= require('yaml') as typeof Yaml);
}

/**
 * A YAML node as plain values. Numbers keep the text they were written as (`1.0` stays
 * "1.0"), because Sigma compares values as text; booleans and null stay themselves.
 */
function plain(node: unknown): unknown {
  if (yaml().isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = yaml().isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (Object.hasOwn(out, key)) throw new RuleReason(`key "${key}" appears twice in one map`);
      out[key] = plain(pair.value);
    }
    return out;
  }
  if (yaml().isSeq(node)) return node.items.map(plain);
  if (yaml().isScalar(node)) {
    if (typeof node.value === 'number' && typeof node.source === 'string') return node.source;
    return node.value;
  }
  if (node === null || node === undefined) return null;
  throw new RuleReason('a YAML alias or tag irbook does not read');
}

function optionalString(doc: Record<string, unknown>, key: string): string | undefined {
  const value = doc[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new RuleReason(`"${key}" must be text`);
  return value;
}

function stringList(doc: Record<string, unknown>, key: string): readonly string[] {
  const value = doc[key];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => typeof item === 'string')) throw new RuleReason(`"${key}" must be a list of text`);
  return Object.freeze([...list] as string[]);
}

function header(doc: Record<string, unknown>, source: string): RuleHeader {
  const title = optionalString(doc, 'title');
  if (title === undefined || title.trim() === '') throw new RuleReason('the rule has no title');
  const id = optionalString(doc, 'id');
  if (id === undefined || id.trim() === '') throw new RuleReason('the rule has no id (DRL 1.1 attribution and result rows need it)');
  const level = optionalString(doc, 'level');
  if (level !== undefined && !(SIGMA_LEVELS as readonly string[]).includes(level)) {
    throw new RuleReason(`level "${level}" is not one of ${SIGMA_LEVELS.join(', ')}`);
  }
  return {
    id,
    title,
    author: optionalString(doc, 'author'),
    references: stringList(doc, 'references'),
    source,
    name: optionalString(doc, 'name'),
    level: level as SigmaLevel | undefined,
    status: optionalString(doc, 'status'),
    description: optionalString(doc, 'description'),
    tags: stringList(doc, 'tags'),
    falsePositives: stringList(doc, 'falsepositives'),
  };
}

function detectionRule(doc: Record<string, unknown>, head: RuleHeader): SigmaRule {
  const detection = doc['detection'];
  if (!isRecord(detection)) throw new RuleReason('"detection" must be a map of searches and a condition');
  if (!('condition' in detection)) throw new RuleReason('"detection" has no condition');
  const logsource = doc['logsource'];
  if (!isRecord(logsource)) throw new RuleReason('the rule has no logsource');
  const text = (key: string) => optionalString(logsource, key);
  const ls = { product: text('product'), service: text('service'), category: text('category') };
  return Object.freeze({
    ...head,
    kind: 'detection' as const,
    logsource: Object.freeze(Object.fromEntries(Object.entries(ls).filter(([, v]) => v !== undefined))),
    detection: Object.freeze(detection),
  });
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `5m`, `1h`, `14d` → seconds. */
export function timespanSeconds(text: unknown, key = 'timespan'): number {
  const match = typeof text === 'string' ? /^(\d+)([smhdw])$/.exec(text.trim()) : null;
  if (match === null || Number(match[1]) === 0) {
    throw new RuleReason(`correlation ${key} ${JSON.stringify(text)} must be a number and a unit (s, m, h, d, w), e.g. 5m`);
  }
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

const TYPES: readonly CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'new_value'];
const OPS: readonly CorrelationCondition['op'][] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

function correlationCondition(value: unknown, type: CorrelationType): CorrelationCondition | undefined {
  if (value === undefined || value === null) {
    if (type === 'event_count' || type === 'value_count') throw new RuleReason(`a ${type} correlation needs a condition (e.g. gte: 10)`);
    return undefined;
  }
  if (!isRecord(value)) throw new RuleReason('correlation condition must be a map such as {gte: 10}');
  const ops = Object.keys(value).filter((key) => key !== 'field');
  const unknown = ops.find((key) => !(OPS as readonly string[]).includes(key));
  if (unknown !== undefined) throw new RuleReason(`correlation condition "${unknown}" is not one of ${OPS.join(', ')}`);
  if (ops.length !== 1) throw new RuleReason('correlation condition must have exactly one comparison');
  const op = ops[0] as CorrelationCondition['op'];
  const number = Number(value[op]);
  if (typeof value[op] === 'boolean' || value[op] === null || value[op] === '' || !Number.isFinite(number)) {
    throw new RuleReason(`correlation condition ${op} must be a number`);
  }
  const field = value['field'];
  if (field !== undefined && typeof field !== 'string') throw new RuleReason('correlation condition field must be a field name');
  if (type === 'value_count' && field === undefined) throw new RuleReason('a value_count correlation needs condition.field');
  return field === undefined ? { op, value: number } : { op, value: number, field };
}

function correlationRule(doc: Record<string, unknown>, head: RuleHeader): SigmaCorrelation {
  const section = doc['correlation'];
  if (!isRecord(section)) throw new RuleReason('"correlation" must be a map');
  const type = section['type'];
  if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) {
    throw new RuleReason(`correlation type ${JSON.stringify(type)} is not one of ${TYPES.join(', ')}`);
  }
  const correlationType = type as CorrelationType;
  const rules = stringList(section, 'rules');
  if (rules.length === 0) throw new RuleReason('correlation names no rules');
  const groupBy = stringList(section, 'group-by');
  const timespan = timespanSeconds(section['timespan']);
  const condition = correlationCondition(section['condition'], correlationType);
  const generateValue = section['generate'] ?? doc['generate'] ?? false;
  if (typeof generateValue !== 'boolean') throw new RuleReason('correlation "generate" must be true or false');
  const base = { ...head, kind: 'correlation' as const, type: correlationType, rules, groupBy, timespanSeconds: timespan, condition, generate: generateValue };
  if (correlationType !== 'new_value') {
    if (section['field'] !== undefined) throw new RuleReason('correlation "field" is for new_value (value_count puts it in condition)');
    return Object.freeze(base);
  }
  const valueField = section['field'];
  if (typeof valueField !== 'string' || valueField === '') throw new RuleReason('a new_value correlation needs "field": the field whose new values are reported');
  if (groupBy.length === 0) throw new RuleReason('a new_value correlation needs group-by: whose history a value is new to');
  return Object.freeze({ ...base, valueField, lookbackSeconds: timespan });
}

function readDocument(doc: unknown, source: string): AnyRule {
  if (!isRecord(doc)) throw new RuleReason('the document is not a map of rule fields');
  const head = header(doc, source);
  if ('correlation' in doc) return correlationRule(doc, head);
  if ('detection' in doc) return detectionRule(doc, head);
  throw new RuleReason('the rule has neither "detection" nor "correlation"');
}

/** What a problem names a document by when its title could not be read. */
function titleOf(doc: unknown, source: string): { title: string; id: string | undefined } {
  const record = isRecord(doc) ? doc : {};
  const title = typeof record['title'] === 'string' && record['title'] !== '' ? record['title'] : basename(source.replace(/#\d+$/, ''));
  return { title, id: typeof record['id'] === 'string' ? record['id'] : undefined };
}

/** A rule whose id an earlier rule already has would be ambiguous in every result row. */
export function withoutDuplicateIds(rules: readonly AnyRule[], problems: RuleProblem[]): AnyRule[] {
  const seen = new Map<string, AnyRule>();
  const kept: AnyRule[] = [];
  for (const rule of rules) {
    const first = seen.get(rule.id);
    if (first === undefined) {
      seen.set(rule.id, rule);
      kept.push(rule);
    } else {
      problems.push({ title: rule.title, id: rule.id, source: rule.source, reason: `id ${rule.id} is also the id of "${first.title}" in ${first.source}` });
    }
  }
  return kept;
}

/**
 * Rules from Sigma YAML text: every document is a rule, a correlation or a problem. `source`
 * names the text (a file path); documents are `source#1`, `source#2`… when there are several.
 *
 * @example
 * const { rules, problems } = parseRules(readFileSync('rules/x.yml', 'utf8'), 'rules/x.yml');
 */
export function parseRules(text: string, source: string): RuleSet {
  const rules: AnyRule[] = [];
  const problems: RuleProblem[] = [];
  const lineCounter = new (yaml().LineCounter)();
  const documents = yaml().parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const list = Array.isArray(documents) ? documents : [documents];
  const several = list.filter((d) => d.contents !== null || d.errors.length > 0).length > 1;
  let n = 0;
  for (const document of list) {
    // An empty document (a trailing `---`) is not a rule.
    if (document.contents === null && document.errors.length === 0) continue;
    n++;
    const where = several ? `${source}#${n}` : source;
    if (document.errors.length > 0) {
      const error = document.errors[0]!;
      const { line } = lineCounter.linePos(error.pos[0]);
      problems.push({ title: basename(source), id: undefined, source: where, reason: `YAML line ${line}: ${error.message.split('\n')[0]}` });
      continue;
    }
    let doc: unknown;
    try {
      doc = plain(document.contents as Node);
      rules.push(readDocument(doc, where));
    } catch (error) {
      if (!(error instanceof RuleReason)) throw error;
      problems.push({ ...titleOf(doc, where), source: where, reason: error.message });
    }
  }
  return { rules: Object.freeze(withoutDuplicateIds(rules, problems)), problems: Object.freeze(problems) };
}
