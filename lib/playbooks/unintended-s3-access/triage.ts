/**
 * The playbook's triage: Sigma rules over the lake's OCSF tables of its region, in its window,
 * and the IAM user it investigates taken from what fired when the analyst names none.
 */

import { detect } from '../../detections/detect';
import type { Detections } from '../../detections/detections';
import { OptionError } from '../../errors';
import type { ResultRows } from '../suspect';
import { readTriageOptions, type TriageOptions } from '../triage';
import { lakeRegion } from './tables';

/** Options of {@link triage}: the rules, the window, and the lake's rollup region. */
export interface S3TriageOptions extends TriageOptions {
  /** The lake's rollup region (default `'us-west-2'`, the article's): its tables are read. */
  readonly region?: string;
}

/**
 * Runs the Sigma rules (`rules`, else irbook's own pack) over the region's OCSF management and
 * S3 data tables in the window, in one query on the configured engine.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * const found = await unintendedS3Access.triage({ region: 'us-west-2', rules: '', window: timeWindow('2024-03-01', '2024-05-31T23:59:00Z') });
 * found.byPrincipal().display();
 */
export async function triage(options: S3TriageOptions): Promise<Detections> {
  const { rules, window, engine } = readTriageOptions('unintendedS3Access.triage', options, ['region']);
  const region = lakeRegion(options.region, 'unintendedS3Access.triage');
  return detect({ rules, target: 'ocsf', region, window, engine });
}

/** Options of {@link userFrom}. */
export interface UserFromOptions {
  /** Where the choice is said. Default `console.log`. */
  readonly say?: (line: string) => void;
}

const IAM_USER_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:user\/(?:[^/]*\/)*([^/]+)$/;

/**
 * The IAM user to investigate: `user` when it is set, else the user of the first IAM user ARN
 * in the `entity` column of what the triage found by principal (`triage.byPrincipal()`, most
 * severe first). Roles and sessions above it are passed over: this playbook follows a user.
 *
 * @throws OptionError (option `user`) when `user` is empty and no IAM user fired a rule, or
 *   the result is not `byPrincipal()`'s
 * @example
 * user = userFrom(triage.byPrincipal(), user); // 'Service_Backup'
 */
export function userFrom(principals: ResultRows, user?: string | null, options: UserFromOptions = {}): string {
  const say = options.say ?? console.log;
  if (user !== undefined && user !== null && typeof user !== 'string') {
    throw new OptionError('user', user, `user: give the IAM user's name (a string), not a ${typeof user}`);
  }
  const given = (user ?? '').trim();
  if (given !== '') {
    say(`User: ${given} (as set in the parameters)`);
    return given;
  }
  const columns = principals?.columnNames;
  const index = Array.isArray(columns) ? columns.indexOf('entity') : -1;
  if (index < 0 || !columns.includes('rules')) {
    throw new OptionError('user', user, `user: pass what the triage found by principal, triage.byPrincipal() (columns entity, rules, …), not a result with columns ${Array.isArray(columns) ? columns.join(', ') : 'none'}; or set user to the IAM user's name`);
  }
  const seen = principals.rows.map((row) => row[index]).filter((p): p is string => typeof p === 'string');
  for (const arn of seen) {
    const name = IAM_USER_ARN.exec(arn)?.[1];
    if (name !== undefined) {
      const above = seen.slice(0, seen.indexOf(arn));
      say(`User: ${name} (the IAM user at the top of the triage, ${arn}${above.length > 0 ? `; above it, not IAM users: ${above.join(', ')}` : ''})`);
      return name;
    }
  }
  throw new OptionError('user', user,
    `user: no IAM user fired a rule in the triage${seen.length > 0 ? ` (principals that did: ${seen.join(', ')})` : ''}; set user (1.1) to the IAM user to investigate`);
}
