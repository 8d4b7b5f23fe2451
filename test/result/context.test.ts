/** What a result is about (window, suspect), read from its query and named in its footer. */
import { describe, expect, it } from 'vitest';
import { renderHtmlTable } from '../../lib/display/html-table';
import * as cc from '../../lib/playbooks/credential-compromise';
import { entityIn, entityMatches, inWindow, timeWindow } from '../../lib/playbooks';
import { contextFacts, contextOf } from '../../lib/result/context';
import { QueryResult } from '../../lib/result/query-result';
import { sql } from '../../lib/sql';

const window = timeWindow('2024-03-19T05:00:00Z', '2024-03-20');
const USER = 'arn:aws:iam::111122223333:user/ci-deployer';
const ROLE = 'arn:aws:iam::111122223333:role/WebAppInstanceRole';
const WINDOW = { start: '2024-03-19T05:00:00Z', end: '2024-03-20T00:00:00Z' };

describe('contextOf', () => {
  it('reads the window and the suspect of every catalog query about the suspect', () => {
    for (const [name, q] of Object.entries(cc.CREDENTIAL_COMPROMISE_QUERIES)) {
      const context = contextOf(q.build({ window, entity: USER }));
      expect(context.window, name).toEqual(WINDOW);
      if (q.aboutEntity) expect(context.entities, name).toEqual([USER]);
      else expect(context.entities, name).toBeUndefined();
    }
  });

  it('takes the window and entities from the fragments, whatever comes before them', () => {
    const q = sql`SELECT ${'x'} AS a FROM cloudtrail WHERE eventname = ${'GetUser'} AND ${inWindow(window)} AND ${entityIn([USER, ROLE])}`;
    expect(contextOf(q)).toEqual({ window: WINDOW, entities: [USER, ROLE] });
    expect(contextOf(sql`SELECT 1 FROM cloudtrail WHERE ${inWindow(window)} AND ${entityMatches(null)}`))
      .toEqual({ window: WINDOW, entities: [] });
    expect(contextOf(sql`SELECT ${1}`)).toEqual({});
  });

  it('never guesses from the text: conditions spelled out by hand, or plain text, declare nothing', () => {
    // The same text inWindow and entityMatches write, with other meanings bound to it.
    const byHand = sql`SELECT 1 FROM cloudtrail WHERE (date_partition BETWEEN ${'a'} AND ${'b'} AND eventtime >= ${'2024-01-01T00:00:00Z'} AND eventtime < ${'2024-02-01T00:00:00Z'})
      AND NOT (useridentity.arn = ${USER} OR useridentity.sessioncontext.sessionissuer.arn = ${USER})`;
    expect(contextOf(byHand)).toEqual({});
    expect(contextOf(sql`SELECT 1 WHERE ${inWindow(window)}`.toString())).toEqual({});
  });

  it('lets the outer fragment override what a nested one declares', () => {
    const inner = sql`${entityMatches(USER)}`;
    expect(contextOf(sql`SELECT 1 WHERE ${inner.limitedTo({ entities: [ROLE] })}`)).toEqual({ entities: [ROLE] });
    expect(contextOf(sql`SELECT 1 WHERE ${entityMatches(USER)} OR ${entityMatches(ROLE)}`)).toEqual({ entities: [USER] });
  });
});

describe('a result footer', () => {
  const result = new QueryResult({
    columns: [{ name: 'eventname', kind: 'string', engineType: 'VARCHAR' }],
    rows: [['GetUser']],
    stats: { engine: 'local', elapsedMs: 12, filesSkipped: [] },
    sql: 'SELECT …',
  });

  it('names the window and the suspect in HTML and text', () => {
    const about = result.withContext({ window: WINDOW, entities: [USER] });
    const html = renderHtmlTable(about);
    const foot = /<div class="irbook-foot">(.*?)<\/div>/.exec(html)![1]!;
    expect(foot).toContain('window 2024-03-19 05:00 → 2024-03-20 00:00 UTC');
    expect(foot).toContain(`suspect ${USER}`);
    expect(about.toText()).toContain(`window 2024-03-19 05:00 → 2024-03-20 00:00 UTC · suspect ${USER}`);
    expect(renderHtmlTable(result)).not.toContain('suspect');
  });

  it('says when there is no suspect, and escapes what it names', () => {
    expect(contextFacts({ entities: [] })).toEqual(['no suspect']);
    const html = renderHtmlTable(result.withContext({ entities: ['arn:aws:iam::1:user/<b>x'] }));
    expect(html).toContain('suspect arn:aws:iam::1:user/&lt;b&gt;x');
  });
});
