/** Registering the tslab TypeScript kernel with Jupyter, the way `jupyter kernelspec` stores it. */

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { OptionError } from '../errors';
import { checkOptionNames } from '../options';

/** A Jupyter kernel spec (`kernel.json`), the fields irbook writes. */
export interface KernelSpec {
  readonly argv: readonly string[];
  readonly display_name: string;
  readonly language: string;
  readonly metadata?: { readonly [key: string]: string };
}

/** Where and under what name to register the kernel. */
export interface KernelInstallOptions {
  /** Install under `PREFIX/share/jupyter/kernels/` (a conda env or virtualenv's Jupyter). */
  readonly prefix?: string;
  /** Install into the user's Jupyter data folder (the default when no prefix is given). */
  readonly user?: boolean;
  /** The kernel's name, which notebooks record in their metadata. Default `tslab`. */
  readonly name?: string;
  /** The name shown in Jupyter's kernel menu. Default `TypeScript`. */
  readonly displayName?: string;
  /** The node binary the kernel runs with. Default: the one running this code. */
  readonly node?: string;
  /** tslab's executable script. Default: the tslab installed with irbook. */
  readonly tslab?: string;
}

/** What {@link installKernel} did. */
export interface KernelInstallResult {
  /** The `kernel.json` written or found. */
  readonly file: string;
  /** `created`: new; `updated`: replaced a different spec; `unchanged`: already registered so. */
  readonly status: 'created' | 'updated' | 'unchanged';
  readonly spec: KernelSpec;
  /** The spec that was replaced, when `status` is `updated`. */
  readonly previous?: KernelSpec;
}

/** The kernel name notebooks record; the same as a plain `tslab install`, so they open anywhere. */
export const KERNEL_NAME = 'tslab';

/**
 * The path of tslab's executable script, as installed with irbook.
 *
 * @example
 * tslabBinary(); // '/home/me/irbook/node_modules/tslab/bin/tslab'
 */
export function tslabBinary(): string {
  return join(dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
}

/**
 * The kernel spec for tslab with absolute paths: Jupyter starts kernels without the user's
 * shell PATH (SageMaker's Jupyter runs in its own conda env), so neither `tslab` nor `node` may
 * be looked up by name. Running the script through an explicit node also keeps the kernel on
 * the Node version that installed it.
 *
 * @example
 * kernelSpec({ node: '/usr/bin/node', tslab: '/opt/irbook/node_modules/tslab/bin/tslab' });
 */
export function kernelSpec(options: { node?: string; tslab?: string; displayName?: string } = {}): KernelSpec {
  const node = options.node ?? process.execPath;
  const tslab = options.tslab ?? tslabBinary();
  for (const [option, path] of [['node', node], ['tslab', tslab]] as const) {
    if (!isAbsolute(path)) throw new OptionError(option, path, `${option}: "${path}" must be an absolute path`);
  }
  return {
    argv: [node, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: options.displayName ?? 'TypeScript',
    language: 'typescript',
    metadata: { installed_by: 'irbook' },
  };
}

/**
 * The folder Jupyter reads user kernels from: `$JUPYTER_DATA_DIR`, else the platform's
 * default (`~/.local/share/jupyter` on Linux, honouring `$XDG_DATA_HOME`).
 *
 * @example
 * userJupyterDataDir(); // '/home/me/.local/share/jupyter'
 */
export function userJupyterDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return resolve(env.JUPYTER_DATA_DIR);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Jupyter');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'jupyter');
  return join(env.XDG_DATA_HOME ? resolve(env.XDG_DATA_HOME) : join(homedir(), '.local', 'share'), 'jupyter');
}

/**
 * The `kernel.json` path for the given options.
 *
 * @example
 * kernelSpecFile({ prefix: '/opt/conda/envs/JupyterSystemEnv' });
 * // '/opt/conda/envs/JupyterSystemEnv/share/jupyter/kernels/tslab/kernel.json'
 */
export function kernelSpecFile(options: KernelInstallOptions = {}): string {
  const name = options.name ?? KERNEL_NAME;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new OptionError('name', name, `name: "${name}" is not a valid kernel name (letters, digits, ".", "_", "-")`);
  }
  if (options.prefix !== undefined && options.user) {
    throw new OptionError('prefix', options.prefix, 'give either prefix or user, not both');
  }
  const dataDir = options.prefix !== undefined ? join(resolve(options.prefix), 'share', 'jupyter') : userJupyterDataDir();
  return join(dataDir, 'kernels', name, 'kernel.json');
}

/**
 * Register the tslab kernel with Jupyter. Safe to run again: an identical spec is left alone,
 * a different one (another tslab, another node) is replaced and returned as `previous`.
 *
 * @example
 * const { file, status } = await installKernel({ prefix: '/home/ec2-user/anaconda3/envs/JupyterSystemEnv' });
 */
export async function installKernel(options: KernelInstallOptions = {}): Promise<KernelInstallResult> {
  checkOptionNames(options, ['prefix', 'user', 'name', 'displayName', 'node', 'tslab'], 'installKernel');
  const file = kernelSpecFile(options);
  const spec = kernelSpec(options);
  const previous = await readSpec(file);
  const text = `${JSON.stringify(spec, null, 2)}\n`;
  if (previous !== undefined && `${JSON.stringify(previous, null, 2)}\n` === text) {
    return { file, status: 'unchanged', spec };
  }
  await mkdir(dirname(file), { recursive: true });
  // Write then rename, so a Jupyter listing kernels never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, text);
  await rename(partial, file);
  return previous === undefined ? { file, status: 'created', spec } : { file, status: 'updated', spec, previous };
}

async function readSpec(file: string): Promise<KernelSpec | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as KernelSpec;
  } catch {
    // A broken kernel.json is what this command exists to fix: replace it.
    return { argv: [], display_name: '(unreadable kernel.json)', language: '' };
  }
}

/**
 * Write the kernel spec under `dir/kernels/tslab/` and return `dir`, to put on JUPYTER_PATH:
 * a headless run, a test or a throwaway server then finds the kernel without anything being
 * registered for the user (JUPYTER_PATH is searched before the user's folder).
 *
 * @example
 * const path = await writePrivateKernel(join(tmp, 'jupyter'));
 * spawn(python, args, { env: { ...process.env, JUPYTER_PATH: path } });
 */
export async function writePrivateKernel(dir: string): Promise<string> {
  const kernelDir = join(dir, 'kernels', KERNEL_NAME);
  await mkdir(kernelDir, { recursive: true });
  await writeFile(join(kernelDir, 'kernel.json'), JSON.stringify(kernelSpec()));
  return dir;
}
