/**
 * Athena's ExecutionParameters are SQL literal texts, one per `?` placeholder, in order. The
 * stand-in parses each back to a value and binds it on the local engine: a literal is never
 * pasted into the query text.
 */
import { placeholderClauses } from '../../../lib/engines/athena/placeholders';
import { tokenizeTrino } from '../../../lib/engines/local/trino/tokens';
import { SqlFragment, type QueryInput, type SqlValue } from '../../../lib/sql';

/** A parameter that is not one of the literals Athena's parameters are written as. */
export class ParameterLiteralError extends Error {
  override readonly name = 'ParameterLiteralError';
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const TIMESTAMP = /^timestamp\s*'(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?)?(?:\s*(?:UTC|Z))?'$/i;
const DATE = /^date\s*'(\d{4})-(\d{2})-(\d{2})'$/i;

/**
 * The value an ExecutionParameters literal stands for. `position` is 1-based, for messages.
 * Forms: `'text'` (with `''` for a quote) → string; `42` → number (bigint outside int32);
 * `1.5`, `1.0E10` → number; `true`/`false`; `NULL` → null;
 * `TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.fff]'` and `DATE 'YYYY-MM-DD'` → Date (UTC).
 *
 * @throws ParameterLiteralError naming the parameter and its text
 * @example
 * parseParameterLiteral("'it''s'", 1); // "it's"
 * parseParameterLiteral("TIMESTAMP '2024-03-19 05:00:00.000'", 2); // Date 2024-03-19T05:00:00Z
 */
export function parseParameterLiteral(literal: string, position: number): SqlValue {
  const text = literal.trim();
  const fail = (why: string): never => {
    throw new ParameterLiteralError(
      `ExecutionParameters[${position - 1}] (parameter ${position}) ${JSON.stringify(literal)} ${why}`,
    );
  };
  const string = /^'((?:[^']|'')*)'$/s.exec(text);
  if (string) return string[1]!.replace(/''/g, "'");
  if (/^[+-]?\d+$/.test(text)) {
    const n = BigInt(text);
    return n >= INT32_MIN && n <= INT32_MAX ? Number(n) : n;
  }
  if (/^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^(?:true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (/^null$/i.test(text)) return null;
  const timestamp = TIMESTAMP.exec(text);
  if (timestamp) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = ''] = timestamp;
    const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
    return checkedDate(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms) ?? fail('is not a valid timestamp');
  }
  const date = DATE.exec(text);
  if (date) return checkedDate(Number(date[1]), Number(date[2]), Number(date[3]), 0, 0, 0, 0) ?? fail('is not a valid date');
  return fail(
    "is not a SQL literal: expected 'text', a number, true, false, NULL, TIMESTAMP 'YYYY-MM-DD HH:MM:SS.fff' or DATE 'YYYY-MM-DD'",
  );
}

function checkedDate(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Date | undefined {
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  const ok =
    date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d &&
    date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s;
  return ok ? date : undefined;
}

/** The query to run on the local engine, or why Athena would fail it. */
export type BoundQuery =
  | { readonly ok: true; readonly query: QueryInput; readonly placeholders: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Splits `text` at its real `?` placeholders (not those in literals, quoted names or comments)
 * and binds the parsed parameters to them.
 *
 * @throws ParameterLiteralError when a parameter is not a literal
 * @example
 * bindParameters("SELECT '?' AS q, ? AS p", ["'x'"]); // { ok: true, query: SqlFragment binding 'x', placeholders: 1 }
 */
export function bindParameters(text: string, parameters: readonly string[] | undefined): BoundQuery {
  const values = (parameters ?? []).map((p, i) => parseParameterLiteral(p, i + 1));
  const parts: string[] = [''];
  for (const token of tokenizeTrino(text)) {
    if (token.kind === 'param') parts.push('');
    else parts[parts.length - 1] += token.text;
  }
  const placeholders = parts.length - 1;
  const misplaced = placeholderClauses(text).find((clause) => clause !== 'WHERE');
  if (misplaced !== undefined) {
    return { ok: false, reason: `INVALID_PARAMETER_USAGE: a ? placeholder in the ${misplaced} clause; parameters are supported only in the WHERE clause` };
  }
  if (placeholders !== values.length) {
    return {
      ok: false,
      reason: `INVALID_PARAMETER_USAGE: Incorrect number of parameters: expected ${placeholders} but found ${values.length}`,
    };
  }
  return { ok: true, query: placeholders === 0 ? text : new SqlFragment(parts, values), placeholders };
}
