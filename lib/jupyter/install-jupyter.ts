/** Getting Jupyter onto a machine that lacks it: Debian packages where apt exists, pip where PyPI answers. */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { IrbookError } from '../errors';
import { findJupyter, INSTALL_JUPYTER_HINT, type JupyterModules } from './find-jupyter';

/** The Debian packages that give the classic Notebook plus headless execution. */
export const JUPYTER_DEBIAN_PACKAGES = ['jupyter-notebook', 'python3-nbconvert', 'python3-nbclient'] as const;

/** One step taken, for the person watching `npm start`. */
export type Report = (line: string) => void;

/**
 * A Jupyter that can serve and execute notebooks: the one installed, else one installed now
 * (apt-get as root or through passwordless sudo; else `pip install --user`). Throws with
 * instructions when neither works.
 *
 * @example
 * const jupyter = await ensureJupyter(console.log);
 */
export async function ensureJupyter(report: Report): Promise<JupyterModules> {
  const found = await findJupyter();
  if (found && (found.lab || found.notebook)) return found;

  if (existsSync('/usr/bin/apt-get')) {
    const asRoot = process.getuid?.() === 0;
    const canSudo = !asRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
    if (asRoot || canSudo) {
      report(`Installing Jupyter from Debian packages: ${JUPYTER_DEBIAN_PACKAGES.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const apt = (args: string[]) =>
        asRoot ? spawnSync('apt-get', args, { stdio: 'inherit', env }) : spawnSync('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], { stdio: 'inherit', env });
      if (apt(['update']).status === 0 && apt(['install', '-y', ...JUPYTER_DEBIAN_PACKAGES]).status === 0) {
        const installed = await findJupyter();
        if (installed) return installed;
      }
      report('apt-get could not install Jupyter; trying pip');
    } else {
      report('apt-get needs root (or passwordless sudo) to install Jupyter; trying pip');
    }
  }

  const python = found?.python ?? 'python3';
  report(`Installing Jupyter with pip into the user site of ${python}`);
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--user', '--disable-pip-version-check', '--timeout', '15', 'jupyterlab', 'nbclient', 'nbconvert'],
    { stdio: 'inherit' });
  if (pip.status === 0) {
    const installed = await findJupyter();
    if (installed && (installed.lab || installed.notebook)) return installed;
  }
  throw new IrbookError(INSTALL_JUPYTER_HINT);
}
