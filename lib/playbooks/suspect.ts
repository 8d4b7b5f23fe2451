/**
 * How a notebook takes the suspect from query 2.2's answer into the next queries: as a bound
 * value, never pasted into SQL, and overridable by the analyst in one place.
 */

import { OptionError } from '../errors';
import type { Value } from '../result/types';

/** What `suspectFrom` reads of a result: its column names and rows (a `QueryResult` fits). */
export interface ResultRows {
  readonly columnNames: readonly string[];
  readonly rows: readonly (readonly Value[])[];
}

/**
 * The entity to investigate: `override` when it is a non-empty string (trimmed), else the
 * `entity` of the first row of a `topFailingEntities` (2.2) result.
 *
 * @throws OptionError (option `suspect`) when the override is not a string, or the result has
 *   no `entity` column, no rows, or no entity in its first row.
 * @example
 * const top = await queryResults(topFailingEntities({ window }));
 * const suspect = suspectFrom(top);            // the entity with most failures
 * const chosen = suspectFrom(top, '');         // '' or undefined: still the first row
 * const other = suspectFrom(top, 'arn:aws:iam::111122223333:role/WebAppInstanceRole');
 */
export function suspectFrom(result: ResultRows, override?: string | null): string {
  if (override !== undefined && override !== null && typeof override !== 'string') {
    throw new OptionError('suspect', override, `suspect: the override must be an entity ARN (a string), got ${typeof override}`);
  }
  if (typeof override === 'string' && override.trim() !== '') return override.trim();
  const columns = result?.columnNames;
  const index = Array.isArray(columns) ? columns.indexOf('entity') : -1;
  if (index < 0) {
    throw new OptionError(
      'suspect',
      columns,
      `suspect: the result has no "entity" column (columns: ${Array.isArray(columns) ? columns.join(', ') : 'none'}); pass the result of topFailingEntities (2.2), or name the suspect: suspectFrom(result, 'arn:…')`,
    );
  }
  const first = result.rows[0];
  if (first === undefined) {
    throw new OptionError('suspect', undefined, "suspect: the result has no rows (no authorization failures in the window); widen the window or name the suspect: suspectFrom(result, 'arn:…')");
  }
  const entity = first[index];
  if (typeof entity !== 'string' || entity.trim() === '') {
    throw new OptionError('suspect', entity, `suspect: the first row has no entity (${String(entity)}); name the suspect: suspectFrom(result, 'arn:…')`);
  }
  return entity.trim();
}
