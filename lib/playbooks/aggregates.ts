/**
 * Aggregate expressions the playbooks share, written once so both engines give the same text.
 */

import { sql, type SqlFragment } from '../sql';

/**
 * The distinct non-NULL values of a column in a group, sorted and joined with ', ', or NULL
 * when there are none. array_join skips NULL elements on both engines; `FILTER (WHERE …)`
 * would say it more directly, but Presto refused FILTER on a DISTINCT aggregate, so it is
 * avoided.
 *
 * @example
 * sql`SELECT eventname, ${distinctList(sql`errorcode`)} AS errorcodes FROM cloudtrail GROUP BY 1`;
 */
export function distinctList(column: SqlFragment): SqlFragment {
  return sql`nullif(array_join(array_sort(array_agg(DISTINCT ${column})), ', '), '')`;
}
