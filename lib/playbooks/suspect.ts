/**
 * How a notebook takes the suspect from query 2.2's answer into the next queries: as a bound
 * value, never pasted into SQL, and overridable by the analyst in one place, by any name an
 * analyst has at hand (a user or role name, an access key id, an ARN).
 */

import type { Engine } from '../engines/engine';
import { OptionError } from '../errors';
import { recordFact } from '../jupyter/report-facts';
import { configuredEngine } from '../query-results';
import type { ResultContext } from '../result/context';
import type { Value } from '../result/types';
import { sql } from '../sql';
import { ENTITY, SESSION_NAME } from './entity';
import { inWindow, timeWindow } from './time-window';

/** What `suspectFrom` reads of a result: its column names and rows (a `QueryResult` fits). */
export interface ResultRows {
  readonly columnNames: readonly string[];
  readonly rows: readonly (readonly Value[])[];
  /** The window the result's query was limited to (a `QueryResult` from `queryResults` has it). */
  readonly context?: ResultContext;
}

/** Options of {@link suspectFrom}. */
export interface SuspectOptions {
  /** Where to look a name up. Default: the engine the setup cell configured. */
  readonly engine?: Engine;
  /** Where the choice and its reasons are said. Default `console.log`. */
  readonly say?: (line: string) => void;
  /**
   * What the playbook's triage found, by principal (`triage.byPrincipal()`: its `entity`
   * column, most severe first): with no override, its first entity is the suspect; when it
   * has no rows (no rule fired), the result's top entity is.
   */
  readonly triage?: ResultRows;
}

// The last suspect chosen in this kernel, so that choosing another can say which tables on
// screen still show the old one. Notebook session state, as the configured engine is.
let lastChosen: string | null | undefined;

const ARN = /^arn:aws[a-z-]*:(iam|sts)::/;
/** How a name matched an entity's calls. */
type How = 'ARN' | 'access key id' | 'user name' | 'role name' | 'session name';

/**
 * The entity to investigate.
 *
 * - `override` empty (or undefined), and `options.triage` given with rows: the triage's top
 *   principal (`triage.byPrincipal()`'s first row).
 * - `override` empty (or undefined) otherwise: the `entity` of the first row of the result, a
 *   triage's `byPrincipal()` (the top principal) or a `topFailingEntities`
 *   (2.2) result; when it has no rows, nothing failed in the window: it says so and returns
 *   `null`, which the playbook's conditions (`entityMatches(null)`) match no row with, so the
 *   cells after it show empty tables instead of failing.
 * - `override` given: an entity of the result as it is; else it is looked up in the result's
 *   window as an ARN, user name, role name, session name or access key id, and resolves to
 *   the one entity (user or role) that made those calls. An assumed-role ARN is kept as it is
 *   (it narrows to that session).
 *
 * Choosing a suspect other than the previous one says that the tables below still show the
 * old one (their footers name it) until their cells run again.
 *
 * @throws OptionError (option `suspect`) when the result has no `entity` column or no entity
 *   in its first row, or the override matches no one, or several entities (listed)
 * @example
 * const top = await queryResults(topFailingEntities({ window }));
 * const suspect = await suspectFrom(top);                 // the entity with most failures
 * const other = await suspectFrom(top, 'ci-deployer');    // arn:aws:iam::111122223333:user/ci-deployer
 * const byKey = await suspectFrom(top, 'AKIAIOSFODNN7EXAMPLE');
 * const fired = await suspectFrom(top, '', { triage: triage.byPrincipal() }); // the triage's top principal
 */
export async function suspectFrom(result: ResultRows, override?: string | null, options: SuspectOptions = {}): Promise<string | null> {
  if (override !== undefined && override !== null && typeof override !== 'string') {
    throw new OptionError('suspect', override, `suspect: give a user or role name, an access key id or an ARN (a string), not a ${typeof override}`);
  }
  const told: string[] = [];
  const say = (line: string) => {
    told.push(line);
    (options.say ?? console.log)(line);
  };
  const entities = entityColumn(result);
  const name = (override ?? '').trim();
  let chosen: string | null;
  const fired = name === '' ? topPrincipal(options.triage) : undefined;
  if (fired !== undefined) {
    chosen = fired;
    say(`Suspect: ${fired} (${TRIAGE_REASON})`);
  } else if (name === '') {
    chosen = firstEntity(result, entities, say);
  } else if (entities.includes(name)) {
    chosen = name;
    say(`Suspect: ${name}`);
  } else {
    chosen = await lookUp(result, name, () => options.engine ?? configuredEngine(), entities, say);
  }
  if (lastChosen !== undefined && lastChosen !== chosen) {
    say(`The suspect changed from ${lastChosen ?? 'no one'} to ${chosen ?? 'no one'}: the tables below still show the previous one ` +
      '(their footers name it) until their cells run again: Cell > Run All Below.');
  }
  lastChosen = chosen;
  recordFact({ kind: 'suspect', suspect: chosen, reason: told[0] ?? '' });
  return chosen;
}

function entityColumn(result: ResultRows): Value[] {
  const columns = result?.columnNames;
  const index = Array.isArray(columns) ? columns.indexOf('entity') : -1;
  if (index < 0) {
    throw new OptionError(
      'suspect',
      columns,
      `suspect: the result has no "entity" column (columns: ${Array.isArray(columns) ? columns.join(', ') : 'none'}); pass the result of topFailingEntities (2.2), or name the suspect: suspectFrom(result, 'arn:…')`,
    );
  }
  return result.rows.map((row) => row[index] ?? null);
}

/** The first entity of the triage's principals; undefined when none fired or none is given. */
function topPrincipal(triage: ResultRows | undefined): string | undefined {
  if (triage === undefined) return undefined;
  const columns = triage?.columnNames;
  const index = Array.isArray(columns) ? columns.indexOf('entity') : -1;
  if (index < 0 || !columns.includes('rules')) {
    throw new OptionError('triage', columns, `suspect: option "triage" must be what fired by principal, triage.byPrincipal() (columns entity, rules, …); got columns: ${Array.isArray(columns) ? columns.join(', ') : 'none'}`);
  }
  const first = triage.rows[0]?.[index];
  return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
}

/** Whether a result is what a triage found by principal (`Detections.byPrincipal()`), not 2.2's. */
const isTriage = (result: ResultRows) => result.columnNames.includes('rules');
const TRIAGE_REASON = 'the top principal of the triage: the most severe rules that fired, the most hits';

function firstEntity(result: ResultRows, entities: readonly Value[], say: (line: string) => void): string | null {
  const w = result.context?.window;
  if (entities.length === 0 && isTriage(result)) {
    say(`No rule fired in this window${w ? ` (${w.start} to ${w.end})` : ''}, so there is no suspect. ` +
      'The cells below run on no one and show empty tables. To look at an identity anyway, set suspect (a user or role name, an access key id or an ARN) and run again.');
    return null;
  }
  if (entities.length === 0) {
    say(`Nothing failed in this window${w ? ` (${w.start} to ${w.end})` : ''}: no identity had an authorization failure, so there is no suspect. ` +
      'The cells below run on no one and show empty tables. To look at an identity anyway, set suspect (a user or role name, an access key id or an ARN) and run again.');
    return null;
  }
  const entity = entities[0];
  if (typeof entity !== 'string' || entity.trim() === '') {
    throw new OptionError('suspect', entity, `suspect: the first row has no entity (${String(entity)}); name the suspect: suspectFrom(result, 'arn:…')`);
  }
  say(`Suspect: ${entity.trim()} (${isTriage(result) ? TRIAGE_REASON : 'the most authorization failures in 2.2'})`);
  return entity.trim();
}

/** An entity the name matched, with how and how many calls. */
interface Match {
  readonly entity: string;
  readonly how: Set<How>;
  events: number;
}

async function lookUp(result: ResultRows, name: string, engine: () => Engine, entities: readonly Value[], say: (line: string) => void): Promise<string> {
  const w = result.context?.window;
  if (w === undefined) {
    if (ARN.test(name)) {
      say(`Suspect: ${name} (as given; the result does not say its window, so it was not looked up)`);
      return name;
    }
    throw new OptionError('suspect', name, `suspect: "${name}" is not an entity of the result, and the result does not say its window to look it up in; name the suspect by its ARN, or pass the result of queryResults(topFailingEntities(…))`);
  }
  const matches = await matchesOf(name, engine(), w);
  const where = `in the window ${w.start} to ${w.end}`;
  if (matches.length === 0) {
    const seen = entities.filter((e): e is string => typeof e === 'string');
    throw new OptionError('suspect', name,
      `suspect: no call ${where} was made by "${name}" as an ARN, user name, role name, session name or access key id` +
      (seen.length > 0 ? `; the entities with most failures are: ${seen.join(', ')}` : ''));
  }
  if (ARN.test(name)) {
    say(`Suspect: ${name} (${formatMatches(matches)})`);
    return name;
  }
  if (matches.length > 1) {
    throw new OptionError('suspect', name, `suspect: "${name}" matches ${matches.length} entities ${where}: ${formatMatches(matches)}; name one by its ARN`);
  }
  const [only] = matches as [Match];
  say(`Suspect: ${only.entity} ("${name}" is its ${[...only.how].join(' and ')}; ${only.events.toLocaleString('en-US')} calls in the window)`);
  return only.entity;
}

function formatMatches(matches: readonly Match[]): string {
  return matches.map((m) => `${m.entity} (${[...m.how].join(', ')}; ${m.events.toLocaleString('en-US')} calls)`).join('; ');
}

async function matchesOf(name: string, engine: Engine, w: NonNullable<ResultContext['window']>): Promise<Match[]> {
  const found = await engine.query(sql`SELECT
  ${ENTITY} AS entity,
  useridentity.arn AS arn,
  useridentity.username AS username,
  useridentity.sessioncontext.sessionissuer.username AS rolename,
  useridentity.accesskeyid AS accesskeyid,
  ${SESSION_NAME} AS sessionname,
  count(*) AS events
FROM cloudtrail
WHERE ${inWindow(timeWindow(w.start, w.end))}
  AND (useridentity.arn = ${name} OR useridentity.sessioncontext.sessionissuer.arn = ${name}
    OR useridentity.username = ${name} OR useridentity.sessioncontext.sessionissuer.username = ${name}
    OR useridentity.accesskeyid = ${name} OR element_at(split(useridentity.arn, '/'), -1) = ${name})
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY events DESC
LIMIT 1000`);
  const byEntity = new Map<string, Match>();
  for (const r of found.toRecords()) {
    if (typeof r.entity !== 'string') continue;
    const how: How =
      r.arn === name || r.entity === name ? 'ARN'
        : r.accesskeyid === name ? 'access key id'
          : r.rolename === name ? 'role name'
            : r.sessionname === name ? 'session name'
              : 'user name';
    const match = byEntity.get(r.entity) ?? { entity: r.entity, how: new Set<How>(), events: 0 };
    match.how.add(how);
    match.events += Number(r.events);
    byEntity.set(r.entity, match);
  }
  return [...byEntity.values()].sort((a, b) => b.events - a.events || a.entity.localeCompare(b.entity));
}
