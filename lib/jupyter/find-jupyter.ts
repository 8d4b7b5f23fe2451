/** Finding a Python that has Jupyter's parts installed: to run notebooks headless, or to serve them. */

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Jupyter modules irbook uses, and whether a Python has each. */
export interface JupyterModules {
  /** The Python executable that has them. */
  readonly python: string;
  /** nbclient + nbconvert + nbformat: enough for `irbook run`. */
  readonly canExecute: boolean;
  /** JupyterLab (`jupyter lab`). */
  readonly lab: boolean;
  /** The classic Notebook server (`jupyter notebook`). */
  readonly notebook: boolean;
}

const PROBE = `
import importlib.util, json
names = ["nbclient", "nbconvert", "nbformat", "jupyterlab", "notebook"]
print(json.dumps({n: importlib.util.find_spec(n) is not None for n in names}))
`;

/**
 * Pythons to try, best first: `$IRBOOK_PYTHON` when set, then Debian's system Python (where
 * apt installs Jupyter, and which a pyenv or venv `python3` on PATH may hide), then PATH.
 */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates = env.IRBOOK_PYTHON ? [env.IRBOOK_PYTHON] : [];
  candidates.push('/usr/bin/python3', 'python3', 'python');
  return [...new Set(candidates)];
}

/**
 * Ask each candidate Python which Jupyter modules it has; return the first that can execute
 * notebooks, or `undefined` when none can.
 *
 * @example
 * const jupyter = await findJupyter();
 * if (!jupyter) console.log('install Jupyter: apt-get install jupyter-notebook python3-nbconvert');
 */
export async function findJupyter(candidates: readonly string[] = pythonCandidates()): Promise<JupyterModules | undefined> {
  let fallback: JupyterModules | undefined;
  for (const python of candidates) {
    let found: Record<string, boolean>;
    try {
      const { stdout } = await run(python, ['-c', PROBE], { timeout: 30_000 });
      found = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, boolean>;
    } catch {
      continue; // not installed, or not a Python we can ask
    }
    const modules: JupyterModules = {
      python,
      canExecute: Boolean(found.nbclient && found.nbconvert && found.nbformat),
      lab: Boolean(found.jupyterlab),
      notebook: Boolean(found.notebook),
    };
    if (modules.canExecute && (modules.lab || modules.notebook)) return modules;
    if (modules.canExecute) fallback ??= modules;
  }
  return fallback;
}

/** What to tell someone whose machine has no usable Jupyter. */
export const INSTALL_JUPYTER_HINT =
  'Jupyter was not found. On Debian or Ubuntu: sudo apt-get install -y jupyter-notebook python3-nbconvert python3-nbclient; ' +
  'elsewhere: pip install jupyterlab nbclient nbconvert (or set IRBOOK_PYTHON to a Python that has them).';
