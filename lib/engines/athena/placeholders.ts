/**
 * Athena's rules for a parameterized query, checked before anything is sent, by both engines,
 * so that a query that runs locally also runs on Athena:
 * - `?` placeholders only in a WHERE clause ("Currently, ? parameters can be placed only in
 *   the WHERE clause. Syntax like SELECT ? FROM table is not supported." — Athena User Guide,
 *   "Use parameterized queries", Considerations and limitations);
 * - each ExecutionParameter at most 1,024 characters, the query text at most 262,144 bytes
 *   (Athena API reference, StartQueryExecution).
 */

import { PlaceholderError, SqlBuildError } from '../../errors';

export { PlaceholderError };
import { sqlLiteral, type CompiledQuery, type SqlValue } from '../../sql';
import { isSignificant, tokenizeTrino, type TrinoToken } from '../local/trino/tokens';

/** The longest ExecutionParameter Athena accepts, in characters. */
export const MAX_PARAMETER_LENGTH = 1024;
/** The longest query text Athena accepts, in UTF-8 bytes (a quota that cannot be raised). */
export const MAX_QUERY_BYTES = 262_144;

/** Words that begin a clause, and the name the message gives it. */
const CLAUSES: Readonly<Record<string, string>> = {
  select: 'SELECT', from: 'FROM', join: 'JOIN', on: 'JOIN … ON', using: 'JOIN … USING', where: 'WHERE',
  group: 'GROUP BY', having: 'HAVING', window: 'WINDOW', order: 'ORDER BY', limit: 'LIMIT', offset: 'OFFSET',
  fetch: 'FETCH', values: 'VALUES', with: 'WITH', union: 'UNION', intersect: 'INTERSECT', except: 'EXCEPT',
  insert: 'INSERT', create: 'CREATE', unload: 'UNLOAD', tablesample: 'TABLESAMPLE',
};

/** Words that open a subquery when they come first inside brackets. */
const SUBQUERY_STARTS = new Set(['select', 'with', 'values', 'table']);

/**
 * The clause each `?` of `text` stands in: the innermost query's clause, so a placeholder in
 * the WHERE of a subquery counts as WHERE wherever the subquery sits, and so does an
 * aggregate's `FILTER (WHERE …)`. Other brackets that do not open a subquery (calls, IN
 * lists, `OVER (…)`) belong to the clause around them. Strings, quoted names and comments
 * are tokens of their own, so a `?` inside them is no placeholder.
 *
 * @example
 * placeholderClauses('SELECT ? FROM t WHERE a = ? LIMIT ?'); // ['SELECT', 'WHERE', 'LIMIT']
 */
export function placeholderClauses(text: string): string[] {
  const tokens = tokenizeTrino(text).filter(isSignificant);
  // One entry per open bracket: the clause inside it, and whether it is a subquery.
  const stack: { clause: string; subquery: boolean }[] = [{ clause: 'the start of the query', subquery: true }];
  const found: string[] = [];
  tokens.forEach((token, i) => {
    const level = stack[stack.length - 1]!;
    if (token.kind === 'punct' && (token.text === '(' || token.text === '[')) {
      const next = wordAt(tokens, i + 1);
      // An aggregate's FILTER (WHERE …) is a WHERE clause of its own.
      if (next === 'where') stack.push({ clause: 'WHERE', subquery: false });
      else stack.push({ clause: level.clause, subquery: next !== undefined && SUBQUERY_STARTS.has(next) });
    } else if (token.kind === 'punct' && (token.text === ')' || token.text === ']')) {
      if (stack.length > 1) stack.pop();
    } else if (token.kind === 'param') {
      found.push(level.clause);
    } else if (token.kind === 'word' && level.subquery) {
      const clause = CLAUSES[token.text.toLowerCase()];
      if (clause !== undefined && !continuesClause(tokens, i)) level.clause = clause;
    }
  });
  return found;
}

function wordAt(tokens: readonly TrinoToken[], i: number): string | undefined {
  const token = tokens[i];
  return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
}

// Clause words inside an expression: `UNNEST(…) WITH ORDINALITY` continues the FROM clause,
// `a IS DISTINCT FROM ?` the WHERE clause.
function continuesClause(tokens: readonly TrinoToken[], i: number): boolean {
  const word = wordAt(tokens, i);
  return (word === 'with' && wordAt(tokens, i + 1) === 'ordinality') || (word === 'from' && wordAt(tokens, i - 1) === 'distinct');
}

/**
 * Refuse what Athena would refuse, with the fix in the message: placeholders and values that
 * differ in number, a `?` outside WHERE, a parameter longer than 1,024 characters, a query
 * text over 262,144 bytes.
 *
 * @throws PlaceholderError naming the clause of the first misplaced `?`
 * @throws SqlBuildError for a parameter or query over Athena's size limits
 * @example
 * checkAthenaRules(sql`SELECT ${'x'} AS tag FROM cloudtrail`.compile());
 * // PlaceholderError: value 1 is bound in the SELECT clause; Athena accepts ? only in WHERE …
 */
export function checkAthenaRules(query: CompiledQuery): void {
  const clauses = placeholderClauses(query.text);
  if (clauses.length !== query.params.length) {
    throw new SqlBuildError(
      `the query has ${clauses.length} ? placeholder(s) and ${query.params.length} value(s); Athena needs one value per ?. ` +
        'Build the query with the sql`…` tag, which keeps them in step, instead of writing ? into a string.',
    );
  }
  const misplaced = clauses.findIndex((clause) => clause !== 'WHERE');
  if (misplaced >= 0) {
    const clause = clauses[misplaced]!;
    throw new PlaceholderError(
      `value ${misplaced + 1} (${describe(query.params[misplaced])}) is bound in the ${clause} clause; Athena accepts ? ` +
        'placeholders only in WHERE, so this query would fail there. Move the comparison into WHERE, or, for a value ' +
        'you wrote yourself and that is safe to inline (a constant, a limit), write it with sql.literal(value).',
      clause,
      misplaced + 1,
    );
  }
  checkParameterLengths(query.params);
  const bytes = Buffer.byteLength(query.text, 'utf8');
  if (bytes > MAX_QUERY_BYTES) {
    throw new SqlBuildError(
      `the query text is ${bytes.toLocaleString('en-US')} bytes; Athena's limit is ${MAX_QUERY_BYTES.toLocaleString('en-US')} ` +
        '(a quota that cannot be raised). Split it, or bind long lists as parameters instead of inlining them.',
    );
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * Athena's limit on one parameter, checked before a query is sent (the Sigma compiler checks
 * each rule's values with it too, so one long value cannot fail a combined query there).
 *
 * @throws SqlBuildError naming the value and its length
 */
export function checkParameterLengths(params: readonly SqlValue[]): void {
  params.forEach((value, i) => {
    const written = sqlLiteral(value).length;
    if (written > MAX_PARAMETER_LENGTH) {
      throw new SqlBuildError(
        `value ${i + 1} (${describe(value)}) is ${written.toLocaleString('en-US')} characters as a SQL literal; Athena takes ` +
          `parameters of at most ${MAX_PARAMETER_LENGTH}. Match on a shorter part of it (LIKE, strpos) instead.`,
      );
    }
  });
}
