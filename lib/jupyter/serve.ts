/** Serving the playbooks: Jupyter on loopback with a token, on the notebooks folder. */

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { IrbookError } from '../errors';
import type { JupyterModules } from './find-jupyter';

/** How to serve. */
export interface ServeOptions {
  /** The Python whose Jupyter serves, and which servers it has. */
  readonly jupyter: JupyterModules;
  /** The folder Jupyter shows. */
  readonly root: string;
  /** Port on 127.0.0.1; default: a free one. */
  readonly port?: number;
  /** The access token; default: 24 random bytes. */
  readonly token?: string;
  /** Where the server's own log goes; default: inherited stderr. */
  readonly log?: 'inherit' | 'ignore';
  /** Extra environment for the server and its kernels. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A running server. */
export interface JupyterServer {
  /** `http://127.0.0.1:PORT/?token=…` (JupyterLab: `/lab?token=…`). */
  readonly url: string;
  readonly baseUrl: string;
  readonly token: string;
  readonly flavour: 'lab' | 'notebook';
  readonly process: ChildProcess;
  /** Stop the server and its kernels. */
  stop(): Promise<void>;
}

/**
 * Start JupyterLab when installed, the classic Notebook otherwise, bound to loopback with a
 * token (never `--ip=0.0.0.0`, never without a token: the notebook can act on AWS accounts),
 * and wait until it answers.
 *
 * @example
 * const server = await serveNotebooks({ jupyter, root: 'notebooks' });
 * console.log(server.url);
 */
export async function serveNotebooks(options: ServeOptions): Promise<JupyterServer> {
  const { jupyter, root } = options;
  if (!jupyter.lab && !jupyter.notebook) {
    throw new IrbookError(`${jupyter.python} has neither JupyterLab nor the classic Notebook`);
  }
  const flavour = jupyter.lab ? 'lab' : 'notebook';
  const port = options.port ?? (await freePort());
  const token = options.token ?? randomBytes(24).toString('hex');
  const app = flavour === 'lab' ? 'ServerApp' : 'NotebookApp';
  const args = [
    '-m', flavour === 'lab' ? 'jupyterlab' : 'notebook',
    '--no-browser',
    `--${app}.ip=127.0.0.1`,
    `--${app}.port=${port}`,
    `--${app}.port_retries=0`,
    `--${app}.token=${token}`,
    `--${app}.${flavour === 'lab' ? 'root_dir' : 'notebook_dir'}=${root}`,
  ];
  // Jupyter refuses to run as root unless told; containers and CI often are root.
  if (process.getuid?.() === 0) args.push(`--${app}.allow_root=True`);
  const child = spawn(jupyter.python, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.log === 'ignore' ? 'ignore' : 'inherit', options.log === 'ignore' ? 'ignore' : 'inherit'],
    detached: process.platform !== 'win32',
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: JupyterServer = {
    url: `${baseUrl}/${flavour === 'lab' ? 'lab' : 'tree'}?token=${token}`,
    baseUrl,
    token,
    flavour,
    process: child,
    stop: () => stopProcessGroup(child),
  };
  try {
    await waitUntilServing(server, child);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitUntilServing(server: JupyterServer, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new IrbookError(`Jupyter exited with code ${exited} before serving (see its log above)`);
    try {
      const response = await fetch(`${server.baseUrl}/api/status`, { headers: { Authorization: `token ${server.token}` } });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new IrbookError(`Jupyter did not answer on ${server.baseUrl} within ${timeoutMs / 1000} s`);
}

function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => signal('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    signal('SIGTERM');
  });

  function signal(name: NodeJS.Signals): void {
    try {
      // The server was started as a group leader: signal the group, so its kernels stop too.
      if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // Already gone.
    }
  }
}

/** A TCP port on loopback that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePromise(address.port) : reject(new Error('no port'))));
    });
  });
}
