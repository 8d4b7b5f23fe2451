/** `irbook run`: execute a playbook headless through the tslab kernel and keep the record. */

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { IrbookError, NotebookCellError, OptionError } from '../errors';
import { checkOptionNames } from '../options';
import { findJupyter, INSTALL_JUPYTER_HINT } from './find-jupyter';
import { KERNEL_NAME, writePrivateKernel } from './kernelspec';
import { injectParameters, type Notebook } from './parameters';

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
}

/** The files a run wrote. */
export interface RunNotebookResult {
  readonly notebookFile: string;
  readonly htmlFile: string;
  readonly elapsedMs: number;
}

interface RunnerOutcome {
  ok: boolean;
  kind?: string;
  message?: string;
  index?: number;
  id?: string;
  firstLine?: string;
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
  checkOptionNames(options, ['notebook', 'parameters', 'outDir', 'cellTimeoutSeconds', 'python', 'stamp'], 'runNotebook');
  const started = performance.now();
  const source = resolve(options.notebook);
  const notebook = await readNotebook(source);
  const prepared = options.parameters && Object.keys(options.parameters).length > 0
    ? injectParameters(notebook, options.parameters)
    : notebook;
  const python = options.python ?? (await findJupyter())?.python;
  if (python === undefined) throw new OptionError('python', undefined, INSTALL_JUPYTER_HINT);

  const outDir = resolve(options.outDir ?? 'reports');
  await mkdir(outDir, { recursive: true });
  const stem = `${basename(source, extname(source))}-${options.stamp ?? timestamp()}`;
  const result = { notebookFile: join(outDir, `${stem}.ipynb`), htmlFile: join(outDir, `${stem}.html`) };

  const work = await mkdtemp(join(tmpdir(), 'irbook-run-'));
  try {
    const input = join(work, 'input.ipynb');
    await writeFile(input, JSON.stringify(prepared));
    const jupyterPath = await writePrivateKernel(join(work, 'jupyter'));
    const outcome = await execute(python, [
      RUNNER, input,
      '--cwd', dirname(source),
      '--kernel-name', KERNEL_NAME,
      '--out-notebook', result.notebookFile,
      '--out-html', result.htmlFile,
      '--timeout', String(options.cellTimeoutSeconds ?? 1800),
    ], { ...process.env, JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(':') });
    const done = { ...result, elapsedMs: performance.now() - started };
    if (!outcome.ok) {
      const where = outcome.index === undefined ? 'a cell' : `cell ${outcome.index + 1}${outcome.firstLine ? ` (${outcome.firstLine})` : ''}`;
      const what = outcome.ename ? `${outcome.ename}: ${outcome.evalue ?? ''}` : (outcome.kind ?? 'error');
      throw new NotebookCellError(`${basename(source)}: ${where} failed: ${what}; the run so far is in ${done.htmlFile}`, {
        cellIndex: outcome.index, errorName: outcome.ename, errorValue: outcome.evalue, ...done });
    }
    return done;
  } finally {
    await rm(work, { recursive: true, force: true });
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

function execute(python: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunnerOutcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new OptionError('python', python, `cannot start ${python}: ${error.message}`)));
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolvePromise(JSON.parse(last) as RunnerOutcome);
      } catch {
        reject(new IrbookError(`the notebook runner (${python}) exited with ${code}: ${stderr.trim().split('\n').slice(-5).join('\n')}`));
      }
    });
  });
}
