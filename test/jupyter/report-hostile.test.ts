/**
 * The report of `irbook run` when log values carry control, bidirectional and invisible
 * characters: every chart it embeds must still be a valid SVG (an ESC or BEL once made each
 * chart a broken image), and the hostile name must be shown, escaped, not dropped.
 */
import { symlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile as writeText } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNotebook } from '../../lib/jupyter/run-notebook';
import { deliveryFile, deliveryPath, makeEvent, writeFile } from '../support/cloudtrail-fixtures';
import { xmlProblems } from '../display/charts/strict-xml';

const HOSTILE = 'evil\u001b[2J\u0007\u202egpj.exe\u200b';
const ARN = `arn:aws:iam::111122223333:user/${HOSTILE}`;

let dir: string;
let html: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-hostile-'));
  // The kernel resolves `irbook` from the notebook's folder, as a copy of a playbook would.
  symlinkSync(join(__dirname, '..', '..', 'node_modules'), join(dir, 'node_modules'));
  const logs = join(dir, 'logs');
  const identity = { type: 'IAMUser', arn: ARN, accountId: '111122223333', userName: HOSTILE, principalId: 'AIDAEVIL' };
  const events = [
    ...Array.from({ length: 5 }, (_, i) => makeEvent(i, { errorCode: 'AccessDenied', userIdentity: identity })),
    ...Array.from({ length: 3 }, (_, i) => makeEvent(i, { errorCode: 'AccessDenied' })),
  ];
  writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events));
  const cell = (source: string) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      cell("import { LocalEngine, sql, topEntitiesChart } from 'irbook';"),
      cell(
        `const engine = await LocalEngine.open({ logs: ${JSON.stringify(logs)}, cache: false });\n` +
          'const failures = await engine.query(sql`SELECT useridentity.arn AS entity, count(*) AS failures ' +
          "FROM cloudtrail WHERE errorcode = ${'AccessDenied'} GROUP BY 1 ORDER BY 2 DESC`);\n" +
          'await topEntitiesChart(failures).display();\n' +
          'await engine.close();',
      ),
    ],
  };
  const file = join(dir, 'hostile.ipynb');
  await writeText(file, JSON.stringify(notebook));
  const result = await runNotebook({ notebook: file, outDir: join(dir, 'reports'), stamp: 'hostile' });
  html = await readFile(result.htmlFile, 'utf8');
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the report of a notebook whose logs hold control characters', () => {
  it('embeds each chart as a valid SVG that shows the hostile name escaped', () => {
    const images = [...html.matchAll(/<img class="irbook-chart" alt="chart" src="data:image\/svg\+xml;base64,([^"]+)">/g)]
      .map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
    expect(images).toHaveLength(1);
    expect(xmlProblems(images[0]!)).toEqual([]);
    // The name is there, made visible: the escapes stand where the characters were.
    expect(images[0]).toContain('evil');
    expect(images[0]).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202e\u200b]/);
  });
});
