/**
 * Sigma detections: rule files read and checked, and rules compiled to SQL conditions for the
 * `cloudtrail` table or the lake's OCSF tables.
 */
export { loadRules } from './load';
export { parseRules, timespanSeconds } from './rules-file';
export { compileRule, compileRules } from './compile';
export { fieldExpression, fieldAccess, type FieldAccess } from './fields';
export { parseCondition, expandCondition, type ConditionNode } from './condition';
export { fieldTest, readWildcards } from './values';
export { RuleCompileError, RuleReason } from './errors';
export { ownPackDir } from './pack';
export * from './types';
