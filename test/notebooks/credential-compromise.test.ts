/**
 * The credential-compromise playbook, executed end to end through the real tslab kernel and
 * Jupyter's nbclient (as `irbook run` does), on a generated sample whose manifest says what
 * the playbook must find.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli';
import { NotebookCellError } from '../../lib/errors';
import { runNotebook } from '../../lib/jupyter/run-notebook';
import { generateSample, SAMPLE_DEFAULTS, type SampleManifest } from '../../lib/sample';
import { captureStdout } from '../support/capture';
import { arnsInOrder, ExecutedNotebook } from '../support/notebook-outputs';
import { SIGMA_REFERENCE_RULES } from '../support/shared-reference';
import { expectTriage, sampleEvents } from '../support/triage-expectations';

const NOTEBOOK = join(__dirname, '..', '..', 'notebooks', 'credential-compromise-analysis.ipynb');
/** In the order they appear. */
const CHART_CELLS = ['triage-chart', 'q22-run', 'q22-time', 'q26-run', 'hours-chart'];

let dir: string;
let manifest: SampleManifest;
let byDefault: ExecutedNotebook;
let htmlReport: string;
let progress: string;
let events: ReturnType<typeof sampleEvents> | undefined;
/** The sample's events by id, read once from its files for the triage's checks. */
const eventsOfSample = () => (events ??= sampleEvents(join(dir, 'logs')));
const TITLE = 'IR-2024-0319 <credential compromise>';
const ANALYST = 'A. Analyst';
const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-nb-'));
  // The default sample (the size npm start writes), so the report's size is measured on it.
  manifest = await generateSample({ out: join(dir, 'logs'), events: SAMPLE_DEFAULTS.events, seed: SAMPLE_DEFAULTS.seed, lake: false });
  // Through the command line, as an analyst or a scheduler would run it. One run serves the
  // notebook's findings and the report's checks.
  const stderr: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => (stderr.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const { value: code, stdout } = await captureStdout(() =>
      main(['run', NOTEBOOK, '-p', `logs=${join(dir, 'logs')}`, '--out', join(dir, 'reports'), '--title', TITLE, '--analyst', ANALYST]));
    const [notebookFile, htmlFile] = stdout.trim().split('\n');
    if (code !== 0) throw new Error(`irbook run exited ${code}: see ${htmlFile}\n${stderr.join('')}`);
    byDefault = new ExecutedNotebook(notebookFile!);
    htmlReport = await readFile(htmlFile!, 'utf8');
  } finally {
    process.stderr.write = write;
    progress = stderr.join('');
  }
}, 900_000);

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

  it('follows the suspect (the compromised user) through 2.3 to 3.x', () => {
    const story = manifest.stories.credentialCompromise;
    // The services only the attacker touched show up in 2.4 for the suspect taken from the triage.
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
    expect(images[CHART_CELLS.indexOf('q22-run')]).toContain('ci-deployer (user, ');
    expect(htmlReport).toContain(manifest.stories.credentialCompromise.principalArn);
  });
});

describe('what the analyst sees on screen', () => {
  const story = () => manifest.stories.credentialCompromise;
  const WINDOW_TEXT = 'window 2024-03-01 00:00 → 2024-04-01 00:00 UTC';

  it('leaves no empty output: query cells show nothing, every output has content', () => {
    for (const cell of byDefault.cells.filter((c) => c.cell_type === 'code')) {
      if (cell.id?.endsWith('-query')) expect(cell.outputs, cell.id).toEqual([]);
      for (const output of cell.outputs ?? []) {
        const content = [output.data?.['text/html'], output.data?.['image/svg+xml'], output.text].map((v) => (Array.isArray(v) ? v.join('') : String(v ?? ''))).join('');
        expect(content.trim(), cell.id).not.toBe('');
      }
    }
  });

  it('names the window and the suspect under every table about the suspect', () => {
    const suspect = `suspect ${story().principalArn}`;
    for (const id of ['q23-run', 'q24-run', 'q25-run', 'keys-run', 'ips-run', 'hours-run', 'iam-run', 'console-run', 'mfa-run', 'own']) {
      const footer = /<div class="irbook-foot">([\s\S]*?)<\/div>/.exec(byDefault.shown(id))?.[1] ?? '';
      expect(footer, id).toContain(WINDOW_TEXT);
      expect(footer, id).toContain(suspect);
    }
    // Tables about all entities name the window only; charts' cells say what they drew.
    expect(byDefault.shown('q21-run')).toContain(WINDOW_TEXT);
    expect(byDefault.shown('q21-run')).not.toContain('suspect arn');
    expect(byDefault.shown('q23-suspect')).toContain(`Suspect: ${story().principalArn} (the top principal of the triage`);
  });
});

describe('the triage section', () => {
  it('shows the rules of the pack the stories fire, by principal and by rule with attribution, and charts them', async () => {
    await expectTriage(byDefault, manifest, eventsOfSample());
  });

  it('gives the suspect: the top principal of the triage, followed from 2.3 on', () => {
    const top = arnsInOrder(byDefault.shown('triage-run'))[0];
    expect(top).toBeDefined();
    expect(byDefault.shown('q23-suspect')).toContain(`Suspect: ${top} (the top principal of the triage`);
    expect(byDefault.shown('q23-run')).toContain(`suspect ${top}`);
  });
});

describe('the HTML report of irbook run', () => {
  const story = () => manifest.stories.credentialCompromise;
  const header = () => /<header class="irbook-report-header"[\s\S]*?<\/header>/.exec(htmlReport)?.[0] ?? '';

  it('has the title, escaped, in <title> and at the top', () => {
    expect(htmlReport).toContain('<title>IR-2024-0319 &lt;credential compromise&gt;</title>');
    expect(header()).toContain('<h1 style="margin:0 0 8px 0">IR-2024-0319 &lt;credential compromise&gt;</h1>');
  });

  it('has a header with the analyst, run time, window, data source, parameters, version and findings', () => {
    const entities: Record<string, string> = { '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };
    const h = header().replace(/<[^>]+>/g, ' ').replace(/&(quot|#39|lt|gt|amp);/g, (e) => entities[e]!).replace(/ +/g, ' ');
    expect(h).toContain(`Analyst ${ANALYST}`);
    expect(h).toMatch(/Run \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(UTC\)/);
    expect(h).toContain('Window 2024-03-01 00:00 → 2024-04-01 00:00 UTC');
    expect(h).toContain(`Data source local: ${manifest.files.toLocaleString('en-US')} log files`);
    expect(h).toContain(`logs = "${join(dir, 'logs')}"`);
    expect(h).toContain("start = '2024-03-01'");
    expect(h).toContain(`irbook ${VERSION}`);
    expect(h).toContain(`Suspect ${story().principalArn} (the top principal of the triage`);
    expect(h).toContain(`Most authorization failures ${story().principalArn}`);
    expect(h).toContain(story().accessKeyIds[0]!);
    expect(h).toMatch(/External addresses [^<]*203\.0\.113\.77/);
    // The escalation chain, whether it went through or was refused.
    const iam = h.slice(h.indexOf('IAM changes made'));
    expect(iam).not.toBe('');
    for (const name of ['CreateUser', 'AttachUserPolicy', 'CreateAccessKey']) expect(iam).toContain(name);
  });

  it('leaves out the code, the prompts and the how-to-run instructions by default', () => {
    expect(htmlReport).not.toContain('sql`');
    expect(htmlReport).not.toContain('suspectFrom(');
    expect(htmlReport).not.toContain('Shift+Enter');
    expect(htmlReport).not.toMatch(/In&nbsp;\[\d+\]/);
    // The markdown that explains each step stays.
    expect(htmlReport).toContain('Authorization failures');
  });

  it('caps the rows of each table and says how many were left out', () => {
    const cut = /showing first 50 of (\d+) rows \((\d+) not shown\)/.exec(byDefault.shown('q21-run'));
    expect(cut).not.toBeNull();
    const [total, hidden] = [Number(cut![1]), Number(cut![2])];
    expect(total).toBeGreaterThan(50);
    expect(hidden).toBe(total - 50);
    expect(htmlReport).toContain(cut![0]);
    // The table the cut note is under: the last one before it.
    const tables = [...htmlReport.slice(0, htmlReport.indexOf(cut![0])).matchAll(/<table class="irbook-table">([\s\S]*?)<\/table>/g)];
    const rows = (tables.at(-1)?.[1] ?? '').match(/<tr>/g) ?? [];
    expect(rows.length).toBe(51); // the header row and 50
  });

  it('is under 1 MB on the default sample', () => {
    expect(Buffer.byteLength(htmlReport)).toBeLessThan(1_000_000);
  });

  it('prints each cell as it runs', () => {
    expect(progress).toMatch(/^\[1\/\d+\] 1\.1 Parameters: let engine = 'local'; \(the kernel compiles first/m);
    expect(progress).toMatch(/^\[\d+\/\d+\] 2\.3 One entity's activity: const entity = await suspectFrom\(top, suspect, \{ triage: firedBy \}\);$/m);
    expect(progress).toMatch(/^ +done in \d+(\.\d)? s$/m);
  });
});

describe('irbook run with a suspect and a window injected', () => {
  it('follows a suspect given by its bare role name instead of the top entity', async () => {
    const stolen = manifest.stories.credentialCompromise.stolenRoleSession;
    // With SigmaHQ's rules as the triage's rules folder, when the workplace has them.
    const rules: Record<string, string> = SIGMA_REFERENCE_RULES === undefined ? {} : { rules: SIGMA_REFERENCE_RULES };
    const result = await runNotebook({
      notebook: NOTEBOOK,
      parameters: { logs: join(dir, 'logs'), suspect: stolen.roleName, start: '2024-03-22', end: '2024-03-23', ...rules },
      outDir: join(dir, 'reports'),
      stamp: 'stolen-role',
      maxRows: 1000, // all of 2.3's rows, so its addresses can be checked
    });
    const run = new ExecutedNotebook(result.notebookFile);
    expect(run.errors()).toEqual([]);
    expect(run.shown('q23-suspect')).toContain(`Suspect: ${stolen.roleArn} ("${stolen.roleName}" is its role name`);
    expect(run.shown('q23-run')).toContain(stolen.sourceIps[0]!);
    expect(run.shown('q23-run')).not.toContain(manifest.stories.credentialCompromise.sourceIps[0]!);
    expect(run.shown('q23-run')).toContain(`suspect ${stolen.roleArn}`);
    expect(run.shown('keys-run')).toContain(stolen.accessKeyIds[0]!);
    if (SIGMA_REFERENCE_RULES !== undefined) {
      const window = { start: '2024-03-22T00:00:00Z', end: '2024-03-23T00:00:00Z' };
      await expectTriage(run, manifest, eventsOfSample(), { pack: 'sigmahq', rulesDir: SIGMA_REFERENCE_RULES, window });
      // Only the folder given: none of irbook's own rules ran.
      for (const own of manifest.detections.filter((d) => d.pack === 'irbook')) expect(run.shown('triage-rules')).not.toContain(own.id);
    }
  }, 900_000);

  it('passes on a window where nothing failed: says so, and the cells after 2.2 show empty tables', async () => {
    const result = await runNotebook({
      notebook: NOTEBOOK,
      parameters: { logs: join(dir, 'logs'), start: '2024-02-01', end: '2024-02-02' },
      outDir: join(dir, 'reports'),
      stamp: 'quiet-window',
    });
    const run = new ExecutedNotebook(result.notebookFile);
    expect(run.errors()).toEqual([]);
    expect(run.shown('q22-run')).toContain('(no rows)');
    // No rule fired either: the suspect falls back to 2.2, which has no one.
    expect(run.shown('triage-run')).toContain('(no rows)');
    expect(run.shown('triage-rules')).toContain('0 of ');
    expect(run.shown('q23-suspect')).toContain('Nothing failed in this window (2024-02-01T00:00:00Z to 2024-02-02T00:00:00Z)');
    for (const id of ['q23-run', 'keys-run', 'iam-run', 'mfa-run', 'own']) {
      expect(run.shown(id), id).toContain('(no rows)');
      expect(run.shown(id), id).toContain('no suspect');
    }
    expect(await readFile(result.htmlFile, 'utf8')).toContain('none: nothing failed in this window');
  }, 900_000);

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
    expect(failure.message).toContain(`cell 5 in "1.1 Parameters" (throw new Error('no such table');) failed: Error: no such table`);
    expect(failure.errorName).toBe('Error');
    expect(failure.errorValue).toBe('no such table');
    expect(await readFile(failure.htmlFile, 'utf8')).toContain('no such table');
  }, 300_000);
});
