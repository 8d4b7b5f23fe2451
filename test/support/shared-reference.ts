import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The workplace's `shared/` folder (reference schemas and SigmaHQ's rules, which the project
 * does not ship): `IRBOOK_SHARED` when set (a worktree elsewhere), else `../shared` beside the
 * checkout. A clone without it skips the tests that need it.
 */
export const SHARED_DIR = process.env.IRBOOK_SHARED ?? resolve(__dirname, '..', '..', '..', 'shared');

/** A path inside `shared/`, or undefined when it is not there. */
export function sharedReference(...parts: string[]): string | undefined {
  const path = join(SHARED_DIR, ...parts);
  return existsSync(path) ? path : undefined;
}

/** SigmaHQ's 57 CloudTrail rules, when the workplace has them. */
export const SIGMA_REFERENCE_RULES = sharedReference('reference', 'sigma-cloudtrail', 'rules');
