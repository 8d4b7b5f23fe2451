/**
 * What a result is about: the time window and the suspect its query was limited to. A table
 * names them in its footer, so a table left on screen after the suspect changed says which
 * suspect it belongs to.
 */

import type { CompiledQuery } from '../sql';

/** The window and suspect a query was limited to; each absent when the query had none. */
export interface ResultContext {
  /** The `eventtime` bounds of `inWindow(…)`, `'YYYY-MM-DDTHH:MM:SSZ'`, end exclusive. */
  readonly window?: { readonly start: string; readonly end: string };
  /** The entities of `entityMatches(…)` / `entityIn(…)`; `[]` when it matched no one. */
  readonly entities?: readonly string[];
}

// The text `inWindow` and `entityMatches` / `entityIn` write (lib/playbooks/time-window.ts and
// entity.ts); a test keeps these in step with them.
const WINDOW_TEXT = 'eventtime >= ? AND eventtime < ?)';
const ENTITY_TEXT = '(useridentity.arn = ? OR useridentity.sessioncontext.sessionissuer.arn = ?)';
const ENTITIES_TEXT = /\(useridentity\.arn IN \(\?(?:, \?)*\) OR useridentity\.sessioncontext\.sessionissuer\.arn IN \(/;
const NO_ENTITY_TEXT = '(1 = 0)';

/**
 * The window and suspect of a compiled query, read from the conditions the playbook's
 * building blocks write (`${inWindow(window)}`, `${entityMatches(suspect)}`,
 * `${entityIn(entities)}`). A query that spells its conditions out by hand has no context.
 *
 * @example
 * contextOf(sql`SELECT … WHERE ${inWindow(window)} AND ${entityMatches(suspect)}`.compile());
 * // { window: { start: '2024-03-19T00:00:00Z', end: '2024-03-20T00:00:00Z' }, entities: ['arn:…'] }
 */
export function contextOf(query: CompiledQuery): ResultContext {
  const { text, params } = query;
  const paramAt = (offset: number) => params[placeholdersBefore(text, offset)];
  const context: { window?: ResultContext['window']; entities?: readonly string[] } = {};
  const w = text.indexOf(WINDOW_TEXT);
  if (w >= 0) {
    const start = paramAt(w);
    const end = params[placeholdersBefore(text, w) + 1];
    if (typeof start === 'string' && typeof end === 'string') context.window = { start, end };
  }
  const e = text.indexOf(ENTITY_TEXT);
  const list = ENTITIES_TEXT.exec(text);
  if (e >= 0 && typeof paramAt(e) === 'string') {
    context.entities = [paramAt(e) as string];
  } else if (list) {
    const count = (list[0].match(/\?/g) ?? []).length;
    const first = placeholdersBefore(text, list.index);
    context.entities = params.slice(first, first + count).filter((p): p is string => typeof p === 'string');
  } else if (w >= 0 && text.includes(NO_ENTITY_TEXT)) {
    context.entities = [];
  }
  return context;
}

function placeholdersBefore(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('?'); i >= 0 && i < offset; i = text.indexOf('?', i + 1)) n += 1;
  return n;
}

const minute = (iso: string) => iso.replace('T', ' ').replace(/:00Z$/, '').replace(/Z$/, '');

/**
 * The context as short facts for a table's footer: `window 2024-03-19 00:00 → 2024-03-20 00:00
 * UTC`, `suspect arn:…` (or `suspects: a, b`, or `no suspect`).
 *
 * @example
 * contextFacts({ window: { start: '2024-03-19T00:00:00Z', end: '2024-03-20T00:00:00Z' } });
 * // ['window 2024-03-19 00:00 → 2024-03-20 00:00 UTC']
 */
export function contextFacts(context: ResultContext): string[] {
  const facts: string[] = [];
  if (context.window) facts.push(`window ${minute(context.window.start)} → ${minute(context.window.end)} UTC`);
  const entities = context.entities;
  if (entities !== undefined) {
    if (entities.length === 0) facts.push('no suspect');
    else if (entities.length === 1) facts.push(`suspect ${entities[0]}`);
    else facts.push(`entities ${entities.join(', ')}`);
  }
  return facts;
}
