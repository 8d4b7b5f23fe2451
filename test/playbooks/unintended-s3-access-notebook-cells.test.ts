/**
 * The SQL the analyst reads and edits in the notebook's cells is the catalog's, so the article's
 * text checked in unintended-s3-access-text.test.ts is what the notebook runs: each query cell,
 * run as the kernel would with the parameters' values, compiles to the catalog query's text and
 * parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { Notebook } from '../../lib/jupyter/parameters';
import { timeWindow } from '../../lib/playbooks';
import * as us from '../../lib/playbooks/unintended-s3-access';
import { SqlFragment, sql } from '../../lib/sql';

const NOTEBOOK = join(__dirname, '..', '..', 'notebooks', 'unintended-s3-data-access.ipynb');
const Q = us.UNINTENDED_S3_ACCESS_QUERIES;

/** Each query cell, with the catalog query it must equal. */
const CELLS: readonly { cell: string; catalog: us.UnintendedS3AccessQueryName }[] = [
  { cell: 'operations-query', catalog: 'distinctOperations' },
  { cell: 'activity-query', catalog: 'userActivity' },
  { cell: 'iam-query', catalog: 'iamChangesByUser' },
  { cell: 's3-query', catalog: 's3DataEvents' },
  { cell: 'macie-query', catalog: 'macieFindings' },
  { cell: 'timeline-query', catalog: 'activityPerHour' },
  { cell: 'objects-query', catalog: 'objectsReadAndDeleted' },
  { cell: 'principals-query', catalog: 'newPrincipals' },
  { cell: 'iam-wide-query', catalog: 'iamChanges' },
];

const cells = () => (JSON.parse(readFileSync(NOTEBOOK, 'utf8')) as Notebook).cells;
const sourceOf = (id: string) => {
  const cell = cells().find((c) => c.id === id);
  if (!cell) throw new Error(`${NOTEBOOK} has no cell ${id}`);
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
};

interface Values {
  region: string;
  user: string;
  accountId: string;
  window: { start: Date; end: Date };
  findingsWindow: { start: Date; end: Date };
}

/** Runs a query cell as the kernel would (TypeScript compiled to JavaScript) and returns the query it declares. */
function runQueryCell(source: string, values: Values): SqlFragment {
  const declared = /^const (\w+) = /m.exec(source);
  if (!declared) throw new Error(`no "const name = " in:\n${source}`);
  const js = ts.transpileModule(`${source}\nexport const __query = ${declared[1]};`, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const exports: { __query?: unknown } = {};
  runInNewContext(js, { exports, sql, us, t: us.lakeTables(values.region), ...values });
  if (!(exports.__query instanceof SqlFragment)) throw new Error(`${declared[1]} is not a sql fragment`);
  return exports.__query;
}

const cases: Values[] = [
  { region: 'us-west-2', user: 'Service_Backup', accountId: '111122223333', window: timeWindow('2024-03-01', '2024-05-31T23:59:00Z'), findingsWindow: timeWindow('2024-03-10', '2024-03-14T23:59:00Z') },
  { region: 'eu-central-1', user: "O'Brien", accountId: '444455556666', window: timeWindow('2024-06-01', '2024-06-02'), findingsWindow: timeWindow('2024-06-01T05:00:00Z', '2024-06-01T06:00:00Z') },
];

describe("the notebook's query cells and the catalog", () => {
  for (const { cell, catalog } of CELLS) {
    it(`${cell} compiles to the catalog's ${catalog}`, () => {
      for (const values of cases) {
        const expected = Q[catalog].build({ region: values.region, user: values.user, accountId: values.accountId, window: values.window, findingsWindow: values.findingsWindow });
        expect(runQueryCell(sourceOf(cell), values).compile()).toEqual(expected.compile());
      }
    });
  }

  it('holds every catalog query in a cell, and every query cell is checked', () => {
    expect(new Set(CELLS.map((c) => c.catalog))).toEqual(new Set(Object.keys(Q)));
    const withQuery = cells().filter((c) => c.id?.endsWith('-query')).map((c) => c.id);
    expect(withQuery.sort()).toEqual(CELLS.map((c) => c.cell).sort());
  });

  it('notices a drift: an edited cell no longer equals its catalog query', () => {
    const edited = sourceOf('s3-query').replace('AS "Status"', 'AS "status"');
    expect(runQueryCell(edited, cases[0]!).compile()).not.toEqual(Q.s3DataEvents.build(cases[0]!).compile());
  });
});
