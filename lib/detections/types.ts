/**
 * Sigma rules as irbook reads them, and what compiling them gives. The compiler
 * (`compile.ts`), the correlation and multi-rule queries (`query.ts`, `correlation.ts`) and
 * `detect()` share these shapes; nothing here runs anything.
 */
import type { SqlFragment } from '../sql';

/** Sigma's levels, lowest first. */
export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];

/**
 * What DRL 1.1 asks to keep and show wherever a rule's match is presented, and what a
 * result row names a rule by.
 */
export interface RuleAttribution {
  readonly id: string;
  readonly title: string;
  readonly author: string | undefined;
  readonly references: readonly string[];
  /** Where the rule was read from: the file, and `#n` for the n-th YAML document of it (1-based) when it has several. */
  readonly source: string;
}

/** Fields every rule kind has. */
export interface RuleHeader extends RuleAttribution {
  /** Sigma's `name`: what correlation rules refer to a rule by (they may also use its id). */
  readonly name: string | undefined;
  readonly level: SigmaLevel | undefined;
  readonly status: string | undefined;
  readonly description: string | undefined;
  readonly tags: readonly string[];
  readonly falsePositives: readonly string[];
}

/** A detection rule (one event matches or not), with its `detection` section as written. */
export interface SigmaRule extends RuleHeader {
  readonly kind: 'detection';
  readonly logsource: { readonly product?: string; readonly service?: string; readonly category?: string };
  /** The `detection` map as parsed from YAML: search identifiers and `condition`. */
  readonly detection: Readonly<Record<string, unknown>>;
}

/** Sigma correlation types irbook runs. `new_value` is irbook's own (see `rules/README.md`). */
export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered' | 'new_value';

/** A comparison from a correlation's `condition` (`gte: 20`). */
export interface CorrelationCondition {
  readonly op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
  readonly value: number;
  /** value_count: the field whose distinct values are counted. */
  readonly field?: string;
}

/** A Sigma correlation rule: rules it combines, grouped by fields, within a timespan. */
export interface SigmaCorrelation extends RuleHeader {
  readonly kind: 'correlation';
  readonly type: CorrelationType;
  /** The rules it combines, by `name` or `id`, as written. */
  readonly rules: readonly string[];
  /** Sigma field names (CloudTrail's JSON spelling, e.g. `userIdentity.arn`). */
  readonly groupBy: readonly string[];
  readonly timespanSeconds: number;
  /** Absent for temporal rules whose condition is "all rules seen". */
  readonly condition: CorrelationCondition | undefined;
  /** Sigma's `generate`: whether the rules it combines also report their own matches. */
  readonly generate: boolean;
  /** new_value: the field whose first appearance per group is reported. */
  readonly valueField?: string;
  /** new_value: how far before the window the history reaches, in seconds. */
  readonly lookbackSeconds?: number;
}

export type AnyRule = SigmaRule | SigmaCorrelation;

/** A rule that could not be read or compiled: reported, never dropped silently. */
export interface RuleProblem {
  /** The rule's title, or the file name when the YAML could not be read far enough to have one. */
  readonly title: string;
  readonly id: string | undefined;
  readonly source: string;
  /** What is wrong, naming the field, modifier or condition part. */
  readonly reason: string;
}

/** Rules read from files: those that parsed, and those that did not. */
export interface RuleSet {
  readonly rules: readonly AnyRule[];
  readonly problems: readonly RuleProblem[];
}

/**
 * Which table a rule is compiled for: the `cloudtrail` table (Athena's CloudTrail columns),
 * or Security Lake's OCSF 1.1 CloudTrail tables (`…_cloud_trail_mgmt_2_0`, `…_s3_data_2_0`).
 */
export type DetectionTarget = 'cloudtrail' | 'ocsf';

/** One detection rule as a WHERE condition over one row of the target's table (columns unqualified). */
export interface CompiledRule {
  readonly rule: SigmaRule;
  readonly target: DetectionTarget;
  /** Values bound as parameters; parenthesized, so it combines with AND/OR safely. */
  readonly where: SqlFragment;
}

/** Rules compiled for a target, and those that could not be. */
export interface CompiledRules {
  readonly target: DetectionTarget;
  readonly compiled: readonly CompiledRule[];
  readonly correlations: readonly SigmaCorrelation[];
  readonly problems: readonly RuleProblem[];
}
