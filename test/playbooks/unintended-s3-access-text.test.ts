/**
 * The article's queries as the catalog builds them: the text is the article's, character for
 * character, apart from the region in the table names and the literals the article says to
 * replace, which are bound as parameters (never pasted into the text).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../lib/errors';
import * as s3 from '../../lib/playbooks/unintended-s3-access';
import type { SqlValue } from '../../lib/sql';

const ARTICLE = '/work/shared/seeds/002_4b8fc7953d257e17.txt';
const window = { start: '2024-03-01', end: '2024-05-31T23:59:00Z' };
const findingsWindow = { start: '2024-03-10', end: '2024-03-14T23:59:00Z' };

/** The article's SQL blocks, in order: from a line starting SELECT to the line ending with `;` or before a blank line. */
function articleQueries(): string[] {
  const lines = readFileSync(ARTICLE, 'utf8').split('\n');
  const queries: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('SELECT ')) continue;
    const block: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !lines[i]!.startsWith('Figure')) {
      block.push(lines[i]!);
      if (lines[i]!.endsWith(';')) break;
      i++;
    }
    queries.push(block.join('\n'));
  }
  return queries;
}

/**
 * The article's text with the allowed substitutions: the table names for `region` (unquoted,
 * as the article writes them), and each literal to replace by `?`, in order.
 */
function substituted(text: string, region: string): { text: string; replaced: string[] } {
  const replaced: string[] = [];
  const out = text
    .replace(/amazon_security_lake_table_us_west_2_(\w+)_2_0/g, (_m, kind: string) => `amazon_security_lake_table_${region.replace(/-/g, '_')}_${kind}_2_0`)
    .replace(/'service_backup'|'<YOUR_AWS_ACCOUNT_ID>'|TIMESTAMP +'[0-9-]+ [0-9:.]+'/g, (m) => (replaced.push(m), '?'));
  return { text: out, replaced };
}

const utc = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);

describe.runIf(existsSync(ARTICLE))("the article's queries, as the catalog builds them", () => {
  const published = () => articleQueries();

  it('finds the six queries in the article', () => {
    expect(published()).toHaveLength(6);
  });

  for (const region of ['us-west-2', 'eu-central-1']) {
    it(`equal the article's text with only the allowed substitutions (region ${region})`, () => {
      const [distinct, detail, iamByUser, s3Events, macie, iamWide] = published() as [string, string, string, string, string, string];
      const cases: [string, s3.UnintendedS3AccessQueryName | null, ReturnType<typeof s3.distinctOperations>, SqlValue[]][] = [
        [distinct, 'distinctOperations', s3.distinctOperations({ region, user: 'Service_Backup' }), ['service_backup']],
        [detail, 'userActivity', s3.userActivity({ region, user: 'Service_Backup' }), ['service_backup']],
        [iamByUser, 'iamChangesByUser', s3.iamChangesByUser({ region, user: 'Service_Backup', window: { start: '2024-03-01', end: '2024-05-31T23:59:00Z' } }),
          ['service_backup', utc('2024-03-01 00:00:00.000'), utc('2024-05-31 23:59:00.000')]],
        [s3Events, 's3DataEvents', s3.s3DataEvents({ region, user: 'Service_Backup' }), ['service_backup']],
        [macie, 'macieFindings', s3.macieFindings({ region, accountId: '111122223333', window: findingsWindow }),
          ['111122223333', utc('2024-03-10 00:00:00.000'), utc('2024-03-14 23:59:00.000')]],
        [iamWide, 'iamChanges', s3.iamChanges({ region, window }), [utc('2024-03-01 00:00:00.000'), utc('2024-05-31 23:59:00.000')]],
      ];
      for (const [text, name, built, params] of cases) {
        const expected = substituted(text, region);
        const compiled = built.compile();
        expect(compiled.text, name ?? '').toBe(expected.text);
        expect(compiled.params, name ?? '').toEqual(params);
        // Each literal the article says to replace is a parameter now.
        expect(expected.replaced).toHaveLength(params.length);
      }
    });
  }

  it("keeps the article's aliases, the duplicate \"Target Principal\" included", () => {
    const text = s3.iamChangesByUser({ user: 'x', window }).compile().text;
    expect(text.match(/AS "Target Principal"/g)).toHaveLength(2);
  });

  it('builds the same queries from the catalog, with the context', () => {
    const context = { user: 'Service_Backup', accountId: '111122223333', window, findingsWindow };
    const Q = s3.UNINTENDED_S3_ACCESS_QUERIES;
    expect(Q.distinctOperations.build(context).compile()).toEqual(s3.distinctOperations({ user: 'Service_Backup' }).compile());
    expect(Q.macieFindings.build(context).compile()).toEqual(s3.macieFindings({ accountId: '111122223333', window: findingsWindow }).compile());
    expect(Q.iamChanges.build({ ...context, region: 'eu-west-1' }).compile().text).toContain(' amazon_security_lake_table_eu_west_1_cloud_trail_mgmt_2_0\n');
  });
});

describe('options', () => {
  it('binds a hostile user name and lower-cases it, never pasting it into the text', () => {
    const q = s3.s3DataEvents({ user: "X' OR '1'='1" }).compile();
    expect(q.text).not.toContain("OR '1'='1");
    expect(q.params).toEqual(["x' or '1'='1"]);
  });

  it('refuses a region that is not one, naming the option', () => {
    expect(() => s3.distinctOperations({ user: 'u', region: 'us-west-2"; DROP TABLE x; --' })).toThrow(OptionError);
    expect(() => s3.distinctOperations({ user: 'u', region: 'us-west-2"; DROP TABLE x; --' })).toThrow(/option "region"/);
    expect(s3.distinctOperations({ user: 'u', region: 'us_east_1' }).compile().text).toContain(' amazon_security_lake_table_us_east_1_cloud_trail_mgmt_2_0\n');
  });

  it('refuses a missing user, a bad account id, a missing window and an unknown option', () => {
    expect(() => s3.userActivity({ user: ' ' })).toThrow(/option "user"/);
    expect(() => s3.macieFindings({ accountId: '1234', window })).toThrow(/option "accountId" must be a 12-digit/);
    expect(() => s3.iamChanges({} as never)).toThrow(/option "window" is required/);
    expect(() => s3.iamChanges({ window, usr: 'x' } as never)).toThrow(OptionError);
    expect(() => s3.iamChanges({ window: { start: '2024-03-02', end: '2024-03-01' } })).toThrow(/must be after start/);
  });
});
