/**
 * What a result is about: the time window and the suspect its query was limited to. A table
 * names them in its footer, so a table left on screen after the suspect changed says which
 * suspect it belongs to.
 */

import { SqlFragment, type QueryInput, type QueryScope } from '../sql';

/** The window and suspect a query was limited to; each absent when the query had none. */
export type ResultContext = QueryScope;

/**
 * The window and suspect of a query, as declared by the building blocks that wrote its
 * conditions (`${inWindow(window)}`, `${entityMatches(suspect)}`, `${entityIn(entities)}`).
 * Plain text, or a condition spelled out by hand, declares nothing and has no context.
 *
 * @example
 * contextOf(sql`SELECT … WHERE ${inWindow(window)} AND ${entityMatches(suspect)}`);
 * // { window: { start: '2024-03-19T00:00:00Z', end: '2024-03-20T00:00:00Z' }, entities: ['arn:…'] }
 */
export function contextOf(query: QueryInput): ResultContext {
  return query instanceof SqlFragment ? query.scope() : {};
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
