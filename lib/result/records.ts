/** Rows as plain objects keyed by column name, the shape most JS code wants. */

import { uniqueColumnNames } from './columns';
import type { QueryResultData, Value } from './types';

/** One row keyed by (deduplicated) column name. */
export type ResultRecord = Record<string, Value>;

/**
 * Rows as plain objects keyed by column name. Values are kept as they are (`bigint`, `Date`,
 * nested arrays and objects), not converted.
 *
 * Repeated column names get unique keys from {@link uniqueColumnNames}: `x`, `x_2`, `x_3`,
 * never colliding with a real column of that name.
 *
 * @example
 * // SELECT useridentity.arn AS who, sourceipaddress AS who FROM …
 * toRecords(result); // [{ who: 'arn:aws:iam::1:user/a', who_2: '203.0.113.9' }, …]
 */
export function toRecords(data: QueryResultData): ResultRecord[] {
  const keys = uniqueColumnNames(data.columns.map((c) => c.name));
  // Object.fromEntries defines own properties, so a column called `__proto__` is just a key.
  return data.rows.map((row) => Object.fromEntries(keys.map((key, i) => [key, row[i] ?? null])));
}
