/** Bound values as Athena's ExecutionParameters: each a SQL literal, sent apart from the query text. */

import { SqlBuildError } from '../../errors';
import type { SqlValue } from '../../sql';

/**
 * The literal Athena substitutes for one `?` placeholder. Athena parses each
 * ExecutionParameter as a literal of its own, so a quote inside a string is escaped here and
 * can never end the literal early; the query text itself never contains the value.
 *
 * @example
 * athenaLiteral("o'brien");                  // "'o''brien'"
 * athenaLiteral(new Date(Date.UTC(2024, 2, 19))); // "TIMESTAMP '2024-03-19 00:00:00.000'"
 */
export function athenaLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new SqlBuildError('an invalid Date cannot be bound');
    return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`;
  }
  switch (typeof value) {
    case 'string':
      return `'${value.replace(/'/g, "''")}'`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new SqlBuildError(`${value} cannot be bound`);
      // Trino reads 1.5 as DECIMAL; a DOUBLE literal needs the exponent form.
      return Number.isInteger(value) ? String(value) : value.toExponential().replace('e+', 'E').replace('e-', 'E-');
  }
}
