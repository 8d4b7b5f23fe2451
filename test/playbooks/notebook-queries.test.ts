/**
 * The SQL the analyst edits in the notebooks' cells and the catalog the CLI and scripts use
 * are the same queries: each query cell, run as the kernel would against the library with the
 * same window and suspect, compiles to the catalog's text and parameters.
 */
import { readFileSync } from 'node:fs';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile } from '../support/cloudtrail-fixtures';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cc from '../../lib/playbooks/credential-compromise';
import { entityIn, entityMatches, inWindow, timeWindow } from '../../lib/playbooks';
import { SqlFragment, sql } from '../../lib/sql';
import type { Notebook } from '../../lib/jupyter/parameters';

const window = timeWindow('2024-03-18', '2024-03-25');
const USER = 'arn:aws:iam::111122223333:user/ci-deployer';
const ROLE = 'arn:aws:iam::111122223333:role/WebAppInstanceRole';
const SESSION = 'arn:aws:sts::111122223333:assumed-role/WebAppInstanceRole/i-0a3f';
const Q = cc.CREDENTIAL_COMPROMISE_QUERIES;

type Build = (entity: string) => SqlFragment;
const fromCatalog = (name: keyof typeof Q): Build => (entity) => Q[name].build({ window, entity });

/** Each query cell, by notebook and cell id, with the catalog query it must equal. */
const CELLS: readonly { notebook: string; cell: string; catalog: keyof typeof Q; build: Build }[] = [
  { notebook: 'analysis', cell: 'q21-query', catalog: 'authorizationFailures', build: fromCatalog('authorizationFailures') },
  { notebook: 'analysis', cell: 'q21-sso-query', catalog: 'authorizationFailures', build: () => cc.authorizationFailures({ window, identityCenterOnly: true }) },
  { notebook: 'analysis', cell: 'q22-query', catalog: 'topFailingEntities', build: fromCatalog('topFailingEntities') },
  { notebook: 'analysis', cell: 'q22-time-query', catalog: 'failuresOverTime', build: fromCatalog('failuresOverTime') },
  { notebook: 'analysis', cell: 'q23-query', catalog: 'entityActivity', build: fromCatalog('entityActivity') },
  { notebook: 'analysis', cell: 'q24-query', catalog: 'servicesUsed', build: fromCatalog('servicesUsed') },
  { notebook: 'analysis', cell: 'q25-query', catalog: 'actionsAttempted', build: fromCatalog('actionsAttempted') },
  { notebook: 'analysis', cell: 'q26-query', catalog: 'entityTimeline', build: fromCatalog('entityTimeline') },
  { notebook: 'analysis', cell: 'keys-query', catalog: 'accessKeysUsed', build: fromCatalog('accessKeysUsed') },
  { notebook: 'analysis', cell: 'ips-query', catalog: 'sourceIpsAndAgents', build: fromCatalog('sourceIpsAndAgents') },
  { notebook: 'analysis', cell: 'hours-query', catalog: 'activityByHour', build: fromCatalog('activityByHour') },
  { notebook: 'analysis', cell: 'offhours-query', catalog: 'offHoursActivity', build: fromCatalog('offHoursActivity') },
  { notebook: 'analysis', cell: 'iam-query', catalog: 'iamChanges', build: fromCatalog('iamChanges') },
  { notebook: 'analysis', cell: 'console-query', catalog: 'consoleLogins', build: fromCatalog('consoleLogins') },
  { notebook: 'analysis', cell: 'mfa-query', catalog: 'mfaChanges', build: fromCatalog('mfaChanges') },
  { notebook: 'containment', cell: 'instances-query', catalog: 'instancesTouched', build: fromCatalog('instancesTouched') },
];

function cellSource(notebook: string, id: string): string {
  const file = join(__dirname, '..', '..', 'notebooks', `credential-compromise-${notebook}.ipynb`);
  const cell = (JSON.parse(readFileSync(file, 'utf8')) as Notebook).cells.find((c) => c.id === id);
  if (!cell) throw new Error(`${file} has no cell ${id}`);
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/**
 * Runs a query cell as the kernel would (TypeScript compiled to JavaScript), with the library
 * and the values earlier cells define, and returns the query it declares.
 */
function runQueryCell(source: string, entity: string, w = window): SqlFragment {
  const declared = /^const (\w+) = sql`/m.exec(source);
  if (!declared) throw new Error(`no "const name = sql\`" in:\n${source}`);
  // The library comes from the context below, not from an import; a line that runs the
  // query (section 4's cell) is left out.
  const body = source.replace(/^import [^;]+;$/gm, '').replace(/^\(await [^\n]*$/gm, '');
  const js = ts.transpileModule(`${body}\nexport const __query = ${declared[1]};`, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const exports: { __query?: unknown } = {};
  runInNewContext(js, {
    exports,
    sql, inWindow, entityMatches, entityIn, cc,
    window: w, entity, suspect: entity,
    top: { column: (name: string) => (name === 'entity' ? [entity] : []) },
  });
  if (!(exports.__query instanceof SqlFragment)) throw new Error(`${declared[1]} is not a sql fragment`);
  return exports.__query;
}

describe('the notebooks\' query cells and the catalog', () => {
  for (const { notebook, cell, catalog, build } of CELLS) {
    it(`${notebook} ${cell} compiles to the catalog's ${catalog}, for a user, a role and a session`, () => {
      const source = cellSource(notebook, cell);
      for (const entity of [USER, ROLE, SESSION]) {
        expect(runQueryCell(source, entity).compile()).toEqual(build(entity).compile());
      }
    });
  }

  it('holds every catalog query in a cell, and every query cell is checked', () => {
    expect(new Set(CELLS.map((c) => c.catalog))).toEqual(new Set(Object.keys(Q)));
    const checked = new Set(CELLS.map((c) => `${c.notebook}/${c.cell}`));
    for (const notebook of ['analysis', 'containment']) {
      const file = join(__dirname, '..', '..', 'notebooks', `credential-compromise-${notebook}.ipynb`);
      const cells = (JSON.parse(readFileSync(file, 'utf8')) as Notebook).cells;
      const withSql = cells.filter((c) => /const \w+ = sql`/.test(Array.isArray(c.source) ? c.source.join('') : c.source));
      // Section 4's cell is the analyst's own query, not a catalog entry.
      const unchecked = withSql.map((c) => `${notebook}/${c.id}`).filter((id) => !checked.has(id) && id !== 'analysis/own');
      expect(unchecked).toEqual([]);
    }
  });

  it('notices a drift: an edited cell no longer equals its catalog query', () => {
    const source = cellSource('analysis', 'q24-query').replace('count(errorcode) AS failures', 'count(*) AS failures');
    expect(runQueryCell(source, USER).compile()).not.toEqual(fromCatalog('servicesUsed')(USER).compile());
  });
});

describe("section 4's example query", () => {
  const logs = tempDir('irbook-own-query-');
  let engine: LocalEngine;
  const roleSession = (i: number) => makeEvent(i, {
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::111122223333:assumed-role/WebAppInstanceRole/i-0a3f${i}`,
      accountId: '111122223333',
      accessKeyId: `ASIAEXAMPLE${i}`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, accountId: '111122223333', userName: 'WebAppInstanceRole' } },
    },
  });
  const events = [roleSession(1), roleSession(2), roleSession(3), makeEvent(4), makeEvent(5)];

  beforeAll(async () => {
    writeFile(deliveryPath(logs.path, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events));
    engine = await LocalEngine.open({ logs: logs.path });
  });
  afterAll(async () => {
    await engine?.close();
    logs.cleanup();
  });

  it("finds a role's calls through its sessions, which useridentity.arn = role missed", async () => {
    const source = cellSource('analysis', 'own');
    const march = timeWindow('2024-03-01', '2024-04-01');
    const answer = await engine.query(runQueryCell(source, ROLE, march));
    const calls = answer.toRecords().reduce((n, r) => n + Number(r.calls), 0);
    const expected = events.filter((e) => (e.userIdentity.sessionContext as { sessionIssuer: { arn?: string } }).sessionIssuer.arn === ROLE);
    expect(expected).toHaveLength(3);
    expect(calls).toBe(expected.length);
    // The filter the cell had before: no rows for a role.
    const before = source.replace('${entityMatches(entity)}', 'useridentity.arn = ${entity}');
    expect(before).not.toBe(source);
    expect((await engine.query(runQueryCell(before, ROLE, march))).rowCount).toBe(0);
  });
});
