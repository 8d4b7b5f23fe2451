import { inspect } from 'node:util';
import { SqlBuildError } from './errors';

/** A value that can be bound as a query parameter. `Date` binds as a UTC timestamp. */
export type SqlValue = string | number | bigint | boolean | Date | null;

/** What may appear inside `${…}` in a `sql` template. */
export type SqlInterpolation = SqlValue | SqlFragment;

/** A query ready for an engine: text with `?` placeholders and the values, in order. */
export interface CompiledQuery {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

/**
 * What a query is limited to, as the building blocks that wrote its conditions declare it
 * (`inWindow`, `entityMatches`, `entityIn`). A result's footer names it, so a table left on
 * screen says which window and suspect it belongs to. Carried by the fragments themselves,
 * never guessed from the SQL text: a condition spelled out by hand declares nothing.
 */
export interface QueryScope {
  /** The `eventtime` bounds, `'YYYY-MM-DDTHH:MM:SSZ'`, end exclusive. */
  readonly window?: { readonly start: string; readonly end: string };
  /** The entities the query is limited to; `[]` when it matches no one. */
  readonly entities?: readonly string[];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const IDENTIFIER = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$/;

/**
 * An immutable piece of SQL with its bound values. Build it with the `sql` tag; fragments
 * nest, and `compile()` flattens them into one text with `?` placeholders. Compiling needs no
 * engine, so a notebook can show the query before running it.
 */
export class SqlFragment {
  readonly #strings: readonly string[];
  readonly #values: readonly SqlInterpolation[];
  readonly #scope: QueryScope | undefined;

  /** @internal use the `sql` tag, `sql.id`, `sql.raw` or `sql.join`. */
  constructor(strings: readonly string[], values: readonly SqlInterpolation[], scope?: QueryScope) {
    if (strings.length !== values.length + 1) {
      throw new SqlBuildError('a SQL fragment needs one more text part than values');
    }
    values.forEach(checkInterpolation);
    this.#strings = Object.freeze([...strings]);
    this.#values = Object.freeze([...values]);
    this.#scope = scope === undefined ? undefined : Object.freeze({ ...scope });
  }

  /** The same SQL, declaring what it limits a query to (for a building block such as `inWindow`). */
  limitedTo(scope: QueryScope): SqlFragment {
    return new SqlFragment(this.#strings, this.#values, { ...this.#scope, ...scope });
  }

  /**
   * What this query is limited to: each part as declared by the outermost fragment that
   * declares it, else by the first nested one in text order.
   */
  scope(): QueryScope {
    const found: { window?: QueryScope['window']; entities?: QueryScope['entities'] } = {};
    const visit = (fragment: SqlFragment): void => {
      const own = fragment.#scope;
      if (own?.window !== undefined && found.window === undefined) found.window = own.window;
      if (own?.entities !== undefined && found.entities === undefined) found.entities = own.entities;
      for (const value of fragment.#values) if (value instanceof SqlFragment) visit(value);
    };
    visit(this);
    return found;
  }

  /** The text with `?` placeholders and the parameters in placeholder order. */
  compile(): CompiledQuery {
    const text: string[] = [];
    const params: SqlValue[] = [];
    this.#appendTo(text, params);
    return Object.freeze({ text: text.join(''), params: Object.freeze(params) });
  }

  #appendTo(text: string[], params: SqlValue[]): void {
    this.#strings.forEach((part, i) => {
      text.push(part);
      if (i === this.#values.length) return;
      const value = this.#values[i];
      if (value instanceof SqlFragment) value.#appendTo(text, params);
      else {
        text.push('?');
        params.push(value);
      }
    });
  }

  /** The query text with `?` placeholders (never with values pasted in). */
  toString(): string {
    return this.compile().text;
  }

  /**
   * What a notebook shows when a cell ends with a query: the text as it will be sent, then
   * each bound value beside its placeholder number, so the analyst sees both without the
   * values ever being pasted into the SQL.
   */
  [inspect.custom](): string {
    const { text, params } = this.compile();
    const lines = [text.replace(/^\n+/, '').trimEnd()];
    if (params.length > 0) {
      lines.push('', '-- bound parameters:');
      params.forEach((value, i) => lines.push(`--   ?${i + 1} = ${describeValue(value)}`));
    }
    return lines.join('\n');
  }
}

function describeValue(value: SqlValue): string {
  if (value instanceof Date) return `TIMESTAMP ${value.toISOString()}`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function checkInterpolation(value: unknown, index: number): void {
  if (value instanceof SqlFragment || value === null || value instanceof Date) {
    if (value instanceof Date && Number.isNaN(value.getTime())) {
      throw new SqlBuildError(`sql value #${index + 1} is an invalid Date`);
    }
    return;
  }
  switch (typeof value) {
    case 'string':
    case 'bigint':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new SqlBuildError(`sql value #${index + 1} is ${value}; only finite numbers can be bound`);
      }
      return;
    case 'undefined':
      throw new SqlBuildError(
        `sql value #${index + 1} is undefined; pass null for SQL NULL, or check the variable`,
      );
    default:
      if (Array.isArray(value)) {
        throw new SqlBuildError(
          `sql value #${index + 1} is an array; use sql.join(values) for an IN (…) list`,
        );
      }
      throw new SqlBuildError(
        `sql value #${index + 1} is a ${typeof value}; bind strings, numbers, bigints, booleans, Dates or null`,
      );
  }
}

/**
 * Build a query whose `${values}` are bound as parameters, never pasted into the text.
 *
 * @example
 * const suspect = "x' OR '1'='1";
 * const q = sql`SELECT eventname FROM cloudtrail WHERE useridentity.username = ${suspect}`;
 * q.compile(); // { text: 'SELECT … WHERE useridentity.username = ?', params: ["x' OR '1'='1"] }
 */
export function sql(strings: TemplateStringsArray, ...values: SqlInterpolation[]): SqlFragment {
  return new SqlFragment(strings, values);
}

/**
 * A checked, double-quoted identifier: a database, table or column name, or a dotted path
 * given as separate parts. Only letters, digits, `_` and `-` are accepted.
 *
 * @example
 * sql`SELECT count(*) FROM ${sql.id(db, 'cloudtrail')}`; // FROM "security_analysis"."cloudtrail"
 */
sql.id = function id(...parts: string[]): SqlFragment {
  if (parts.length === 0) throw new SqlBuildError('sql.id needs at least one name');
  for (const part of parts) {
    if (typeof part !== 'string' || !IDENTIFIER.test(part)) {
      throw new SqlBuildError(
        `sql.id: ${JSON.stringify(part)} is not a valid identifier (letters, digits, _ and - only)`,
      );
    }
  }
  return new SqlFragment([parts.map((p) => `"${p}"`).join('.')], []);
};

/**
 * Unchecked SQL text, pasted as it is. Only for text you wrote yourself (a saved query
 * from a catalog, an ORDER BY direction you chose), never for values from logs or findings.
 *
 * @example
 * sql`SELECT * FROM cloudtrail ORDER BY eventtime ${sql.raw(newestFirst ? 'DESC' : 'ASC')}`;
 */
sql.raw = function raw(text: string): SqlFragment {
  if (typeof text !== 'string') throw new SqlBuildError('sql.raw needs a string');
  return new SqlFragment([text], []);
};

/**
 * Values (or fragments) joined by a separator, each bound as its own parameter.
 *
 * @example
 * sql`WHERE errorcode IN (${sql.join(['AccessDenied', 'Client.UnauthorizedOperation'])})`;
 */
sql.join = function join(
  values: readonly SqlInterpolation[],
  separator: SqlFragment = new SqlFragment([', '], []),
): SqlFragment {
  if (!Array.isArray(values) || values.length === 0) {
    throw new SqlBuildError('sql.join needs a non-empty array (IN () is not valid SQL)');
  }
  const strings = [''];
  const interpolations: SqlInterpolation[] = [];
  values.forEach((value, i) => {
    if (i > 0) {
      interpolations.push(separator);
      strings.push('');
    }
    interpolations.push(value);
    strings.push('');
  });
  return new SqlFragment(strings, interpolations);
};

/**
 * A value written as a SQL literal that Athena (Trino) and DuckDB read back as the same value:
 * a string in single quotes with each quote doubled (backslashes mean nothing inside it in
 * either dialect); a non-integer number in exponent form, which Trino reads as DOUBLE (1.5
 * alone would be DECIMAL); a Date as `TIMESTAMP 'YYYY-MM-DD HH:MM:SS.fff'` in UTC. This is
 * how bound values travel as Athena's ExecutionParameters, and what `sql.literal` inlines.
 *
 * @example
 * sqlLiteral("o'brien");                       // "'o''brien'"
 * sqlLiteral(new Date(Date.UTC(2024, 2, 19))); // "TIMESTAMP '2024-03-19 00:00:00.000'"
 * sqlLiteral(0.5);                             // '5E-1'
 */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new SqlBuildError('an invalid Date cannot be written as SQL');
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
      if (!Number.isFinite(value)) throw new SqlBuildError(`${value} cannot be written as SQL; only finite numbers`);
      return Number.isInteger(value) ? String(value) : value.toExponential().replace('e+', 'E').replace('e-', 'E-');
    default:
      throw new SqlBuildError(`a ${typeof value} cannot be written as SQL`);
  }
}

/**
 * A value written into the query text as an escaped literal instead of bound as a parameter:
 * for the places Athena takes no `?` (a SELECT-list constant, LIMIT, GROUP BY), and only for
 * values you chose yourself. Values from logs or findings belong in WHERE, bound. A string
 * with a NUL character or a lone UTF-16 surrogate is refused: neither survives the trip to
 * Athena as the same text.
 *
 * @example
 * sql`SELECT ${sql.literal('triage')} AS stage, eventname FROM cloudtrail LIMIT ${sql.literal(50)}`;
 * // SELECT 'triage' AS stage, eventname FROM cloudtrail LIMIT 50
 */
sql.literal = function literal(value: SqlValue): SqlFragment {
  checkInterpolation(value, 0);
  if (value instanceof SqlFragment) throw new SqlBuildError('sql.literal takes a value, not a sql fragment');
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new SqlBuildError('sql.literal: the string contains a NUL character, which SQL text cannot carry');
    if (LONE_SURROGATE.test(value)) throw new SqlBuildError('sql.literal: the string has a lone UTF-16 surrogate (not valid Unicode)');
  }
  return new SqlFragment([sqlLiteral(value)], []);
};

/** A query given as a fragment or as plain text (text binds nothing). */
export type QueryInput = SqlFragment | string;

/** Turn a fragment or plain text into a compiled query. */
export function compileQuery(query: QueryInput): CompiledQuery {
  if (query instanceof SqlFragment) return query.compile();
  if (typeof query === 'string') {
    if (query.trim() === '') throw new SqlBuildError('the query is empty');
    return Object.freeze({ text: query, params: Object.freeze([]) });
  }
  throw new SqlBuildError(`a query must be a sql\`…\` fragment or a string, not ${typeof query}`);
}
