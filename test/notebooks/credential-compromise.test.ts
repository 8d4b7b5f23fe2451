/**
 * The credential-compromise playbook, executed end to end through the real tslab kernel and
 * Jupyter's nbclient (as `irbook run` does), on a generated sample whose manifest says what
 * the playbook must find.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli';
import { NotebookCellError } from '../../lib/errors';
import { runNotebook } from '../../lib/jupyter/run-notebook';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { captureStdout } from '../support/capture';
import { arnsInOrder, ExecutedNotebook } from '../support/notebook-outputs';

const NOTEBOOK = join(__dirname, '..', '..', 'notebooks', 'credential-compromise-analysis.ipynb');
const CHART_CELLS = ['q22-run', 'q22-time', 'q26-run', 'hours-chart'];

let dir: string;
let manifest: SampleManifest;
let byDefault: ExecutedNotebook;
let htmlReport: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-nb-'));
  manifest = await generateSample({ out: join(dir, 'logs'), events: 20_000, seed: 7 });
  // Through the command line, as an analyst or a scheduler would run it.
  const { value: code, stdout } = await captureStdout(() =>
    main(['run', NOTEBOOK, '-p', `logs=${join(dir, 'logs')}`, '--out', join(dir, 'reports')]));
  const [notebookFile, htmlFile] = stdout.trim().split('\n');
  if (code !== 0) throw new Error(`irbook run exited ${code}: see ${htmlFile}`);
  byDefault = new ExecutedNotebook(notebookFile!);
  htmlReport = await readFile(htmlFile!, 'utf8');
}, 600_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('credential-compromise-analysis.ipynb on the tslab kernel', () => {
  it('runs every code cell without an error output', () => {
    expect(byDefault.errors()).toEqual([]);
    const code = byDefault.cells.filter((c) => c.cell_type === 'code');
    expect(code.every((c) => typeof c.execution_count === 'number')).toBe(true);
    expect(byDefault.cells.some((c) => c.metadata.tags?.includes('injected-parameters'))).toBe(true);
    // The setup cell says what it queries.
    expect(byDefault.shown('load')).toMatch(new RegExp(`local: ${manifest.files.toLocaleString('en-US')} log files \\(.+\\) under ${dir}/logs; database security_analysis`));
  });

  it('puts the compromised user from the manifest at the top of 2.2', () => {
    const story = manifest.stories.credentialCompromise;
    const arns = arnsInOrder(byDefault.shown('q22-run'));
    expect(arns[0]).toBe(story.principalArn);
  });

  it('shows assumed-role sessions in 2.1 and 2.2 by their role, which the article\'s filter missed', () => {
    const stolen = manifest.stories.credentialCompromise.stolenRoleSession;
    expect(byDefault.shown('q21-run')).toContain(stolen.roleArn);
    expect(byDefault.shown('q22-run')).toContain(stolen.roleArn);
    expect(byDefault.shown('q22-run')).toContain(stolen.instanceId);
  });

  it('takes the suspect from 2.2 and follows it through 2.3 to 3.x', () => {
    const story = manifest.stories.credentialCompromise;
    // The services only the attacker touched show up in 2.4 for the suspect taken from 2.2.
    const attackerOnly = story.services.filter((s) => !story.baseline.services.includes(s));
    expect(attackerOnly.length).toBeGreaterThan(3);
    for (const service of attackerOnly) expect(byDefault.shown('q24-run')).toContain(service);
    expect(byDefault.shown('keys-run')).toContain(story.accessKeyIds[0]!);
    const ips = byDefault.shown('ips-run');
    expect(ips).toContain('203.0.113.77');
    expect(ips).toContain('external');
  });

  it('lists the escalation chain CreateUser, AttachUserPolicy, CreateAccessKey', () => {
    const shown = byDefault.shown('iam-run');
    for (const name of ['CreateUser', 'AttachUserPolicy', 'CreateAccessKey']) expect(shown).toContain(name);
  });

  it('shows each chart as one bundle with the Vega-Lite spec and an SVG', () => {
    for (const id of CHART_CELLS) {
      const bundles = byDefault.outputs(id).filter((o) => o.data?.['application/vnd.vegalite.v5+json'] !== undefined);
      expect(bundles, id).toHaveLength(1);
      const data = bundles[0]!.data!;
      expect(data['application/vnd.vegalite.v5+json']).toMatchObject({ $schema: expect.stringContaining('vega-lite') });
      expect(String(data['image/svg+xml'])).toMatch(/^<svg[\s\S]*<\/svg>$/);
    }
  });

  it('writes an HTML report with the charts as SVG images and the tables', () => {
    // nbconvert strips inline SVG to its text; the runner embeds each chart as an SVG image.
    const images = [...htmlReport.matchAll(/<img class="irbook-chart" alt="chart" src="data:image\/svg\+xml;base64,([^"]+)">/g)]
      .map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
    expect(images).toHaveLength(CHART_CELLS.length);
    for (const svg of images) expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(images[0]).toContain('user/ci-deployer');
    expect(htmlReport).toContain(manifest.stories.credentialCompromise.principalArn);
  });
});

describe('irbook run with a suspect and a window injected', () => {
  it('follows the given suspect instead of the top entity', async () => {
    const stolen = manifest.stories.credentialCompromise.stolenRoleSession;
    const result = await runNotebook({
      notebook: NOTEBOOK,
      parameters: { logs: join(dir, 'logs'), suspect: stolen.roleArn, start: '2024-03-22', end: '2024-03-23' },
      outDir: join(dir, 'reports'),
      stamp: 'stolen-role',
    });
    const run = new ExecutedNotebook(result.notebookFile);
    expect(run.errors()).toEqual([]);
    expect(run.shown('q23-run')).toContain(stolen.sourceIps[0]!);
    expect(run.shown('q23-run')).not.toContain(manifest.stories.credentialCompromise.sourceIps[0]!);
    expect(run.shown('keys-run')).toContain(stolen.accessKeyIds[0]!);
  }, 600_000);

  it('fails naming the cell, and still writes the record', async () => {
    const broken = join(dir, 'broken.ipynb');
    const notebook = JSON.parse(await readFile(NOTEBOOK, 'utf8'));
    notebook.cells = notebook.cells.slice(0, 4);
    notebook.cells.push({ cell_type: 'code', id: 'boom', metadata: {}, execution_count: null, outputs: [], source: "throw new Error('no such table');" });
    await writeFile(broken, JSON.stringify(notebook));
    const error = await runNotebook({ notebook: broken, outDir: join(dir, 'reports'), stamp: 'broken' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotebookCellError);
    const failure = error as NotebookCellError;
    expect(failure.cellIndex).toBe(4);
    expect(failure.message).toContain("cell 5 (throw new Error('no such table');)");
    expect(failure.errorName).toBe('Error');
    expect(failure.errorValue).toBe('no such table');
    expect(await readFile(failure.htmlFile, 'utf8')).toContain('no such table');
  }, 300_000);
});
