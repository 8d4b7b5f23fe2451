/**
 * The options of this playbook's queries, checked the same way everywhere: an unknown name or a
 * wrong value is an OptionError that names the option.
 */

import { OptionError } from '../../errors';
import { checkOptionNames } from '../../options';
import { toTimeWindow, type TimeWindow, type TimeWindowInput } from '../time-window';
import { lakeRegion, lakeTables, type LakeTables } from './tables';

/** Every query's option: the lake's rollup region (default `'us-west-2'`, the article's). */
export interface LakeOptions {
  readonly region?: string;
}

/** A query about one IAM user. */
export interface UserOptions extends LakeOptions {
  /** The IAM user's name, e.g. `'Service_Backup'`; matched case-insensitively, as the article does. */
  readonly user: string;
}

/** A query bounded in time, as the article bounds it: `time_dt BETWEEN start AND end`. */
export interface WindowedOptions extends LakeOptions {
  /** `start` and `end`, both included (the article's `BETWEEN`). */
  readonly window: TimeWindowInput;
}

/** A query about one IAM user in a window. */
export interface UserWindowOptions extends UserOptions, WindowedOptions {}

/** The Macie query: one account's findings in a window. */
export interface FindingsOptions extends WindowedOptions {
  /** The account the findings are about (`cloud.account.uid`), 12 digits. */
  readonly accountId: string;
}

/** What the checked options give a query: the tables, the lower-cased user, the window, the account. */
export interface CheckedOptions {
  readonly tables: LakeTables;
  readonly user: string;
  readonly window: TimeWindow;
  readonly accountId: string;
}

type Needed = 'user' | 'window' | 'accountId';

/**
 * Checks the option names and the options a query needs (`region` is always allowed).
 *
 * @throws OptionError naming the first wrong or missing option
 */
export function readOptions<K extends Needed>(where: string, options: unknown, needed: readonly K[]): Pick<CheckedOptions, 'tables' | K> {
  if (options === null || typeof options !== 'object') {
    throw new OptionError('options', options, `${where}: pass an options object, e.g. { user: 'Service_Backup' }`);
  }
  checkOptionNames(options, ['region', ...needed], where);
  const given = options as Partial<UserOptions & FindingsOptions>;
  const out: { -readonly [K in keyof CheckedOptions]?: CheckedOptions[K] } = { tables: lakeTables(lakeRegion(given.region, where)) };
  if (needed.includes('user' as K)) out.user = userName(where, given.user);
  if (needed.includes('window' as K)) {
    if (given.window === undefined) throw new OptionError('window', undefined, `${where}: option "window" is required, e.g. window: { start: '2024-03-01', end: '2024-05-31T23:59:00Z' }`);
    out.window = toTimeWindow(given.window);
  }
  if (needed.includes('accountId' as K)) out.accountId = accountId(where, given.accountId);
  return out as Pick<CheckedOptions, 'tables' | K>;
}

function userName(where: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OptionError('user', value, `${where}: option "user" must be the IAM user's name, e.g. 'Service_Backup'; got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  // The article compares lower(actor.user.name) with a lower-case literal.
  return value.trim().toLowerCase();
}

function accountId(where: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9]{12}$/.test(value.trim())) {
    throw new OptionError('accountId', value, `${where}: option "accountId" must be a 12-digit AWS account id; got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value.trim();
}
