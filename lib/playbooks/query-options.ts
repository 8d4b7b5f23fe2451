/**
 * The options playbook queries share (window, table, entity, limit), checked the same way
 * everywhere: an unknown name or a wrong value is an OptionError that names the option.
 */

import { OptionError } from '../errors';
import { checkOptionNames, countOption } from '../options';
import { sql, type SqlFragment } from '../sql';
import { toTimeWindow, type TimeWindow, type TimeWindowInput } from './time-window';

/** Options every playbook query takes. */
export interface WindowOptions {
  /** The time to search, e.g. `timeWindow('2024-03-19', '2024-03-20')`; end exclusive. */
  readonly window: TimeWindowInput;
  /** The CloudTrail table: `'cloudtrail'` (default) or `'database.table'`. */
  readonly table?: string;
}

/** Options of a query about one entity. */
export interface EntityOptions extends WindowOptions {
  /**
   * The entity: an IAM user's or root's ARN, or a role's ARN (all its sessions), as query
   * 2.2 lists it; a role session's `assumed-role` ARN narrows to that session.
   */
  readonly entity: string;
}

/** The checked common options: the window and the table to read. */
export interface CommonOptions {
  readonly window: TimeWindow;
  readonly table: SqlFragment;
}

const TABLE_PART = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/**
 * Checks the option names, then the window and the table.
 *
 * @example
 * const { window, table } = readCommon('servicesUsed', options, ['entity']);
 */
export function readCommon(where: string, options: unknown, extra: readonly string[]): CommonOptions {
  checkOptionNames(options as object, ['window', 'table', ...extra], where);
  const { window, table } = options as Partial<WindowOptions>;
  if (window === undefined) {
    throw new OptionError('window', window, `${where}: option "window" is required, e.g. window: timeWindow('2024-03-19', '2024-03-20')`);
  }
  return { window: toTimeWindow(window), table: tableOption(where, table) };
}

function tableOption(where: string, value: unknown): SqlFragment {
  if (value === undefined) return sql`cloudtrail`;
  const parts = typeof value === 'string' ? value.split('.') : [];
  if (parts.length < 1 || parts.length > 2 || !parts.every((p) => TABLE_PART.test(p))) {
    throw new OptionError('table', value, `${where}: option "table" must be 'table' or 'database.table' (letters, digits, _ and -); got ${JSON.stringify(value)}`);
  }
  return sql.id(...parts);
}

/**
 * {@link readCommon} for a query about one entity: also the entity, a non-empty string,
 * trimmed (a copied ARN often carries a space).
 *
 * @example
 * const { window, table, entity } = readEntityCommon('servicesUsed', options);
 */
export function readEntityCommon(where: string, options: unknown, extra: readonly string[] = []): CommonOptions & { entity: string } {
  const common = readCommon(where, options, ['entity', ...extra]);
  const value = (options as Partial<EntityOptions>).entity as unknown;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OptionError('entity', value, `${where}: option "entity" must be the entity's ARN as query 2.2 lists it, e.g. suspectFrom(top); got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return { ...common, entity: value.trim() };
}

/**
 * The LIMIT clause, with its leading newline; empty for `Infinity`. Athena takes `?` only
 * in WHERE, so the count is a checked integer written into the text.
 *
 * @example
 * sql`SELECT … ORDER BY eventtime DESC${limitClause('entityActivity', options.limit, 1000)}`;
 */
export function limitClause(where: string, value: unknown, fallback: number): SqlFragment {
  const n = countOption(where, 'limit', value, fallback, { min: 1, allowInfinity: true });
  if (n !== Infinity && !Number.isSafeInteger(n)) {
    throw new OptionError('limit', value, `${where}: option "limit" is too large; use Infinity for no limit`);
  }
  return n === Infinity ? sql`` : sql.raw(`\nLIMIT ${n}`);
}

/**
 * A boolean option with its default.
 *
 * @example
 * booleanOption('authorizationFailures', 'identityCenterOnly', options.identityCenterOnly, false);
 */
export function booleanOption(where: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new OptionError(name, value, `${where}: option "${name}" must be true or false, got ${String(value)}`);
  return value;
}
