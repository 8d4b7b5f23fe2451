import { IrbookError } from '../errors';
import type { RuleProblem } from './types';

/**
 * A rule could not be compiled for a target: which rule (title, id, file) and why (naming the
 * field, modifier or condition part). `compileRules` turns it into a `RuleProblem`.
 */
export class RuleCompileError extends IrbookError {
  override readonly name: string = 'RuleCompileError';
  constructor(
    readonly title: string,
    readonly id: string | undefined,
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${title}${id === undefined ? '' : ` (${id})`} in ${source}: ${reason}`);
  }

  /** The same facts as a problem entry. */
  toProblem(): RuleProblem {
    return { title: this.title, id: this.id, source: this.source, reason: this.reason };
  }
}

/**
 * What is wrong with part of a rule, before it is known which rule: thrown by the parts of
 * the compiler (condition, field, value) and wrapped into a `RuleCompileError` by the caller
 * that knows the rule.
 */
export class RuleReason extends IrbookError {
  override readonly name: string = 'RuleReason';
}
