/**
 * What a person sees: the classic Notebook served on loopback the way `npm start` serves it,
 * the playbooks opened in Debian's Chromium, Cell > Run All, and the tables, charts and
 * containment plans on the page: tables whose columns are at least 12 characters wide, SSO
 * roles labelled by permission set, no chart text clipped at its picture's edge. The kernel's
 * AWS SDK is stubbed (test/support/mock-aws-preload.cjs) so the containment notebook has an
 * account to plan in. Screenshots are kept in test-artifacts/.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJupyter } from '../../lib/jupyter/find-jupyter';
import { writePrivateKernel } from '../../lib/jupyter/kernelspec';
import { serveNotebooks, type JupyterServer } from '../../lib/jupyter/serve';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { ACCOUNT, awsState, TAMPERED } from '../support/containment-aws-state';
import { isChangeCommand } from '../support/containment-calls';

const ROOT = join(__dirname, '..', '..');
/** Debian's Chromium, or another one named by IRBOOK_CHROMIUM. */
const CHROMIUM = process.env.IRBOOK_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts');
const NOTEBOOK = 'credential-compromise-analysis.ipynb';
const CONTAINMENT = 'credential-compromise-containment.ipynb';
const PRELOAD = join(ROOT, 'test', 'support', 'mock-aws-preload.cjs');
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: npm test installs Debian's chromium (scripts/test-prerequisites.js)`);

let dir: string;
let server: JupyterServer | undefined;
let browser: Browser | undefined;
let page: Page;
let manifest: SampleManifest;

/** Open a notebook and run all its cells from the Cell menu, until every prompt has a number. */
async function runAll(notebook: string): Promise<void> {
  await page.goto(`${server!.baseUrl}/notebooks/${notebook}?token=${server!.token}`);
  // These callbacks run in the page; the test compiles without DOM types, hence the casts.
  await page.waitForFunction(() => {
    const nb = (globalThis as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter?.notebook;
    return nb?.kernel?.is_connected() === true;
  }, undefined, { timeout: 60_000 });
  await page.click('#celllink');
  await page.click('#run_all_cells');
  // Done when every code cell has a number in its prompt (a running cell shows [*]).
  await page.waitForFunction(() => {
    const { document } = globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ textContent: string | null }> } };
    const prompts = [...document.querySelectorAll('.code_cell .input_prompt')].map((p) => p.textContent ?? '');
    return prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p));
  }, undefined, { timeout: 600_000, polling: 1000 });
}

// These run in the page; the test compiles without DOM types, hence the local shapes.
interface Box { left: number; right: number; width: number }
interface El { textContent: string | null; getBoundingClientRect(): Box; querySelectorAll(s: string): Iterable<El>; querySelector(s: string): El | null; appendChild(e: El): void; remove(): void; closest(s: string): El | null }
interface Doc { querySelectorAll(s: string): Iterable<El>; createElement(t: string): El }

/** Every irbook table's column widths, and how wide 12 characters are in its font. */
function columnWidths(): { table: string; twelveChars: number; columns: { name: string; width: number }[] }[] {
  const { document } = globalThis as unknown as { document: Doc };
  return [...document.querySelectorAll('table.irbook-table')].map((table, i) => {
    const probe = document.createElement('span');
    probe.textContent = '0'.repeat(12);
    const cell = table.querySelector('tbody td') ?? table.querySelector('th');
    cell?.appendChild(probe);
    const twelveChars = probe.getBoundingClientRect().width;
    probe.remove();
    const cellOf = table.closest('.code_cell');
    const source = (cellOf?.querySelector('.CodeMirror-code')?.textContent ?? '').trim().split('\n')[0] ?? '';
    const columns = [...table.querySelectorAll('thead th')].map((th) => ({ name: th.textContent ?? '', width: th.getBoundingClientRect().width }));
    return { table: `table ${i + 1} (${source.slice(0, 40)})`, twelveChars, columns };
  });
}

/** Chart texts that reach past the left or right edge of their SVG. */
function textOutsideCharts(): string[] {
  const { document } = globalThis as unknown as { document: Doc };
  const outside: string[] = [];
  for (const svg of document.querySelectorAll('.output_svg svg.marks')) {
    const frame = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const box = text.getBoundingClientRect();
      if (box.width > 0 && (box.right > frame.right + 0.5 || box.left < frame.left - 0.5)) outside.push(`${text.textContent ?? ''}: ${Math.round(box.left)}–${Math.round(box.right)} outside ${Math.round(frame.left)}–${Math.round(frame.right)}`);
    }
  }
  return outside;
}

describe.skipIf(!available)('the playbook in a browser (classic Notebook, Chromium)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'irbook-ui-'));
    manifest = await generateSample({ out: join(dir, 'sample'), events: 20_000, seed: 3, lake: false });
    // Serve a copy: the Notebook autosaves, and outputs must never land in the committed file.
    // The copy's node_modules link lets its cells import irbook as the real folder's do.
    await mkdir(join(dir, 'root', 'notebooks'), { recursive: true });
    await copyFile(join(ROOT, 'notebooks', NOTEBOOK), join(dir, 'root', 'notebooks', NOTEBOOK));
    await copyFile(join(ROOT, 'notebooks', CONTAINMENT), join(dir, 'root', 'notebooks', CONTAINMENT));
    const story = manifest.stories.credentialCompromise;
    writeFileSync(join(dir, 'aws-state.json'), JSON.stringify(awsState(story.userName, story.accessKeyIds[0] as string)));
    await symlink(join(ROOT, 'node_modules'), join(dir, 'root', 'node_modules'));
    const jupyterPath = await writePrivateKernel(join(dir, 'jupyter'));
    const jupyter = await findJupyter();
    if (!jupyter?.notebook && !jupyter?.lab) throw new Error('no Jupyter server found: .ci/run installs jupyter-notebook');
    server = await serveNotebooks({
      jupyter,
      root: join(dir, 'root', 'notebooks'),
      log: 'ignore',
      env: {
        JUPYTER_PATH: jupyterPath,
        JUPYTER_CONFIG_DIR: join(dir, 'config'),
        JUPYTER_RUNTIME_DIR: join(dir, 'runtime'),
        IRBOOK_SAMPLE_DIR: join(dir, 'sample'),
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim(),
        IRBOOK_TEST_AWS_STATE: join(dir, 'aws-state.json'),
        IRBOOK_TEST_AWS_CALLS: join(dir, 'aws-calls.jsonl'),
        AWS_REGION: 'us-east-1',
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs all cells from the menu and shows the tables and charts', async () => {
    expect(server!.flavour).toBe('notebook');
    await runAll(NOTEBOOK);

    expect(await page.locator('.output_error, .output_stderr').count()).toBe(0);
    expect(await page.locator('table.irbook-table').count()).toBeGreaterThanOrEqual(10);
    const charts = page.locator('.output_svg svg.marks');
    // The triage's hits over time, then 2.2, 2.2 over time, 2.6 and 3.3.
    expect(await charts.count()).toBe(5);
    const topTable = page.locator('.code_cell', { hasText: 'const top = await queryResults(q22)' }).locator('table.irbook-table');
    const firstEntity = (await topTable.locator('tbody tr').first().locator('td').first().textContent()) ?? '';
    expect(firstEntity).toBe(manifest.stories.credentialCompromise.principalArn);
    const topChart = page.locator('.code_cell', { hasText: 'await topEntitiesChart(top).display()' }).locator('.output_svg svg.marks');
    expect(await topChart.locator('text', { hasText: 'ci-deployer (user, ' }).count()).toBeGreaterThan(0);

    await mkdir(ARTIFACTS, { recursive: true });
    const cell = page.locator('.code_cell', { hasText: 'const top = await queryResults(q22)' });
    await cell.scrollIntoViewIfNeeded();
    await cell.screenshot({ path: join(ARTIFACTS, 'notebook-2.2-top-entities.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'notebook-run-all.png'), fullPage: true });
  }, 900_000);

  it('gives every table column at least 12 characters, as the screenshot shows', async () => {
    const widths = await page.evaluate(columnWidths);
    expect(widths.length).toBeGreaterThanOrEqual(10);
    const narrow = widths.flatMap((t) => t.columns.filter((c) => c.width < t.twelveChars).map((c) => `${t.table}: ${c.name} ${c.width}px < ${t.twelveChars}px`));
    expect(narrow).toEqual([]);
    // A cell with long values (2.1's entity ARNs or 2.3's user agents) as a person sees it.
    const wide = page.locator('.code_cell', { has: page.locator('table.irbook-table td[title]') }).first();
    await mkdir(ARTIFACTS, { recursive: true });
    await wide.scrollIntoViewIfNeeded();
    await wide.screenshot({ path: join(ARTIFACTS, 'notebook-table-columns.png') });
  });

  it('names the window, and the suspect, under the tables about the suspect', async () => {
    const facts = await page.locator('.irbook-foot .irbook-context').allTextContents();
    const suspect = `suspect ${manifest.stories.credentialCompromise.principalArn}`;
    expect(facts.filter((f) => f === suspect).length, facts.join(' | ')).toBeGreaterThanOrEqual(3);
    expect(facts.some((f) => /^window \d{4}-\d\d-\d\d \d\d:\d\d → \d{4}-\d\d-\d\d \d\d:\d\d UTC$/.test(f)), facts.join(' | ')).toBe(true);
  });

  it('labels SSO roles by permission set, and draws no chart text outside its picture', async () => {
    const labels = await page.locator('.output_svg svg.marks text').allTextContents();
    expect(labels.some((l) => /AdministratorAccess|ReadOnly/.test(l)), labels.join(' | ')).toBe(true);
    expect(labels.some((l) => /AWSReservedSSO_|sso\.amazonaws\.com/.test(l))).toBe(false);
    // The Notebook clips what runs past an SVG's edge (svg{overflow:hidden}): legends included.
    expect(await page.evaluate(textOutsideCharts)).toEqual([]);
    const chart = page.locator('.code_cell', { hasText: 'failuresOverTimeChart(' }).first();
    await chart.scrollIntoViewIfNeeded();
    await chart.screenshot({ path: join(ARTIFACTS, 'notebook-2.2-failures-over-time.png') });
  });

  it('shows the containment plans, and sends no change to AWS', async () => {
    await runAll(CONTAINMENT);
    expect(await page.locator('.output_error, .output_stderr').count()).toBe(0);
    const plans = page.locator('.irbook-plan');
    expect(await plans.count()).toBe(4);
    const keys = page.locator('.code_cell', { hasText: 'const keysPlan = await ir.planUser' });
    expect(await keys.locator('.irbook-plan tbody tr').first().textContent()).toContain(`${manifest.stories.credentialCompromise.accessKeyIds[0]} of user ci-deployer`);
    expect(await keys.textContent()).toContain(`To act, set apply = true and account = '${ACCOUNT}'`);
    const isolate = page.locator('.code_cell', { hasText: 'const instancePlan = await ir.planInstance' });
    expect(await isolate.textContent()).toContain(`Isolate EC2 instance ${TAMPERED}`);
    const calls = readFileSync(join(dir, 'aws-calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { command: string });
    expect(calls.length).toBeGreaterThan(20);
    expect(calls.filter((c) => isChangeCommand(c.command))).toEqual([]);

    await mkdir(ARTIFACTS, { recursive: true });
    await keys.scrollIntoViewIfNeeded();
    await keys.screenshot({ path: join(ARTIFACTS, 'containment-3.2-plan.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'containment-run-all.png'), fullPage: true });
  }, 900_000);
});
