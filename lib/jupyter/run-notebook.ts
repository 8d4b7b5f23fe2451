/** `irbook run`: execute a playbook headless through the tslab kernel and keep the record. */

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { IrbookError, NotebookCellError, OptionError } from '../errors';
import { checkOptionNames } from '../options';
import { findJupyter, INSTALL_JUPYTER_HINT } from './find-jupyter';
import { gitDifference, type GitDifference } from './git-state';
import { KERNEL_NAME, writePrivateKernel } from './kernelspec';
import { declaredParameters, injectParameters, type Notebook } from './parameters';
import { reportHeader, withReportHeader } from './report';
import { readFacts, REPORT_FACTS_ENV } from './report-facts';

/** What to run and where to write the record. */
export interface RunNotebookOptions {
  /** The `.ipynb` to execute. Relative paths in it resolve from its own folder. */
  readonly notebook: string;
  /** Values for the `parameters` cell, as text (`{ suspect: 'arn:…' }`). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Folder for the executed notebook and the HTML report. Default `reports`. */
  readonly outDir?: string;
  /** Seconds one cell may run. Default 1800. */
  readonly cellTimeoutSeconds?: number;
  /** The Python with nbclient and nbconvert. Default: found by {@link findJupyter}. */
  readonly python?: string;
  /** Names the output files; default: the current time, so reruns keep earlier records. */
  readonly stamp?: string;
  /** The report's title, e.g. the incident id. Default: the notebook's name. */
  readonly title?: string;
  /** Who ran it, for the report's header. */
  readonly analyst?: string;
  /** Keep the cells' code in the HTML report. Default false: the findings, not the code. */
  readonly showCode?: boolean;
  /** Rows each table shows (the report says how many it left out). Default 50. */
  readonly maxRows?: number;
  /** Told as each cell starts and ends (`irbook run` prints it). */
  readonly onProgress?: (event: CellProgress) => void;
}

/** A cell starting or done, as a run goes. */
export type CellProgress =
  | { readonly event: 'start'; readonly n: number; readonly of: number; readonly section: string; readonly firstLine: string }
  | { readonly event: 'done'; readonly seconds: number }
  /** Before the first cell: the notebook is not git's version (these cells differ). */
  | { readonly event: 'differs'; readonly changedCells: readonly string[] };

/** The files a run wrote. */
export interface RunNotebookResult {
  readonly notebookFile: string;
  readonly htmlFile: string;
  readonly elapsedMs: number;
  /** How the notebook differed from git's version (`undefined`: not in git). */
  readonly gitDifference?: GitDifference;
}

interface RunnerOutcome {
  ok: boolean;
  kind?: string;
  message?: string;
  index?: number;
  id?: string;
  firstLine?: string;
  section?: string;
  ename?: string;
  evalue?: string;
}

const RUNNER = join(__dirname, '..', '..', 'scripts', 'execute-notebook.py');

/**
 * Execute every cell of a notebook through the real tslab kernel (the one installed with
 * irbook, registered privately for this run so no `kernel install` is needed), with parameters
 * injected after the `parameters` cell. Writes the executed `.ipynb` and a standalone HTML
 * report; throws {@link NotebookCellError} naming the cell when one fails.
 *
 * @example
 * const { htmlFile } = await runNotebook({
 *   notebook: 'notebooks/credential-compromise-analysis.ipynb',
 *   parameters: { suspect: 'arn:aws:iam::111122223333:user/ci-deployer' },
 *   outDir: 'reports',
 * });
 */
export async function runNotebook(options: RunNotebookOptions): Promise<RunNotebookResult> {
  checkOptionNames(options, ['notebook', 'parameters', 'outDir', 'cellTimeoutSeconds', 'python', 'stamp', 'title', 'analyst', 'showCode', 'maxRows', 'onProgress'], 'runNotebook');
  const started = performance.now();
  const startedAt = new Date();
  const source = resolve(options.notebook);
  const notebook = await readNotebook(source);
  const difference = await gitDifference(source, notebook);
  if (difference?.changedCells.length) options.onProgress?.({ event: 'differs', changedCells: difference.changedCells });
  const prepared = options.parameters && Object.keys(options.parameters).length > 0
    ? injectParameters(notebook, options.parameters)
    : notebook;
  const python = options.python ?? (await findJupyter())?.python;
  if (python === undefined) throw new OptionError('python', undefined, INSTALL_JUPYTER_HINT);
  const maxRows = options.maxRows ?? 50;
  if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new OptionError('maxRows', maxRows, `runNotebook: option "maxRows" must be a whole number of at least 1, got ${String(maxRows)}`);

  const outDir = resolve(options.outDir ?? 'reports');
  await mkdir(outDir, { recursive: true });
  const stem = `${basename(source, extname(source))}-${options.stamp ?? timestamp()}`;
  const result = { notebookFile: join(outDir, `${stem}.ipynb`), htmlFile: join(outDir, `${stem}.html`) };
  const title = options.title ?? basename(source, extname(source));

  const work = await mkdtemp(join(tmpdir(), 'irbook-run-'));
  try {
    const input = join(work, 'input.ipynb');
    const factsFile = join(work, 'facts.jsonl');
    await writeFile(input, JSON.stringify(prepared));
    const jupyterPath = await writePrivateKernel(join(work, 'jupyter'));
    const outcome = await execute(python, [
      RUNNER, input,
      '--cwd', dirname(source),
      '--kernel-name', KERNEL_NAME,
      '--out-notebook', result.notebookFile,
      '--out-html', result.htmlFile,
      '--timeout', String(options.cellTimeoutSeconds ?? 1800),
      '--title', title,
      ...(options.showCode ? ['--show-code'] : []),
    ], {
      ...process.env,
      JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(':'),
      [REPORT_FACTS_ENV]: factsFile,
      IRBOOK_MAX_ROWS: String(maxRows),
    }, options.onProgress);
    const done = { ...result, elapsedMs: performance.now() - started, gitDifference: difference };
    const failure = outcome.ok ? undefined : describeFailure(outcome);
    const header = reportHeader({
      title,
      analyst: options.analyst,
      notebook: basename(source),
      parameters: usedParameters(notebook, options.parameters ?? {}),
      facts: readFacts(factsFile),
      irbookVersion: IRBOOK_VERSION,
      startedAt,
      finishedAt: new Date(),
      failure,
      changedCells: difference?.changedCells,
    });
    await writeFile(result.htmlFile, withReportHeader(await readFile(result.htmlFile, 'utf8'), title, header));
    if (failure !== undefined) {
      throw new NotebookCellError(`${basename(source)}: ${failure}; the run so far is in ${done.htmlFile}`, {
        cellIndex: outcome.index, errorName: outcome.ename, errorValue: outcome.evalue, ...done });
    }
    return done;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** irbook's version, for the report's header. */
const IRBOOK_VERSION: string = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** The failed cell, named by its section heading and its first meaningful line, and why. */
function describeFailure(outcome: RunnerOutcome): string {
  const where = outcome.index === undefined
    ? 'a cell'
    : `cell ${outcome.index + 1}${outcome.section ? ` in "${outcome.section}"` : ''}${outcome.firstLine ? ` (${outcome.firstLine})` : ''}`;
  const what = outcome.ename ? `${outcome.ename}: ${outcome.evalue ?? ''}` : (outcome.kind ?? 'error');
  return `${where} failed: ${what}`;
}

/** Every declared parameter with the value the run used (injected, else the default). */
function usedParameters(notebook: Notebook, injected: Readonly<Record<string, string>>): { name: string; value: string }[] {
  try {
    return declaredParameters(notebook).map((p) => ({
      name: p.name,
      value: Object.hasOwn(injected, p.name) ? (p.kind === 'string' ? JSON.stringify(injected[p.name]) : injected[p.name]!) : p.defaultText,
    }));
  } catch {
    return Object.entries(injected).map(([name, value]) => ({ name, value }));
  }
}

async function readNotebook(file: string): Promise<Notebook> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new OptionError('notebook', file, `notebook ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const parsed = JSON.parse(text) as Notebook;
    if (!Array.isArray(parsed.cells)) throw new Error('no cells');
    return parsed;
  } catch (error) {
    throw new OptionError('notebook', file, `notebook ${file} is not a Jupyter notebook: ${(error as Error).message}`);
  }
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

const PROGRESS_MARK = '@irbook ';

function execute(python: string, args: string[], env: NodeJS.ProcessEnv, onProgress?: (event: CellProgress) => void): Promise<RunnerOutcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      // Progress lines come marked; the rest is the runner's own stderr, kept for errors.
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith(PROGRESS_MARK)) {
          stderr += `${line}\n`;
          continue;
        }
        try {
          onProgress?.(JSON.parse(line.slice(PROGRESS_MARK.length)) as CellProgress);
        } catch {
          // A progress line is information only.
        }
      }
    });
    child.on('error', (error) => reject(new OptionError('python', python, `cannot start ${python}: ${error.message}`)));
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolvePromise(JSON.parse(last) as RunnerOutcome);
      } catch {
        reject(new IrbookError(`the notebook runner (${python}) exited with ${code}: ${(stderr + pending).trim().split('\n').slice(-5).join('\n')}`));
      }
    });
  });
}
