/** `irbook start`: Jupyter, the kernel and the sample, then the playbooks served. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatCount, formatDuration } from '../display/format';
import { ensureJupyter } from '../jupyter/install-jupyter';
import { installKernel } from '../jupyter/kernelspec';
import { serveNotebooks } from '../jupyter/serve';
import { bundledSampleDir, ensureSample } from '../sample/bundled';
import { HELP_FLAG, parsed, printHelp, toInteger, type Command } from './command';
import { PACKAGE_ROOT, setUpGitFilter } from './git-filter-setup';

const HELP = `Usage: irbook start [--port N] [--no-serve]

Gets a machine ready and serves the playbooks: installs Jupyter if missing (Debian packages
where apt-get can run, pip where PyPI answers), registers the kernel for this user, writes the
sample logs to sample/ if absent, and starts Jupyter on notebooks/ on 127.0.0.1 with a token,
printing the URL. Ctrl+C stops it.

  --port N       port on 127.0.0.1 (default: a free one)
  --no-serve     do everything but start the server
`;

export const command: Command = { help: HELP, run: start };

async function start(args: readonly string[]): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({ args: [...args], options: { ...HELP_FLAG, port: { type: 'string' }, 'no-serve': { type: 'boolean', default: false } } }),
  );
  if (values.help) return printHelp(HELP);
  const port = values.port === undefined ? undefined : toInteger('--port', values.port);
  const say = (line: string) => void process.stdout.write(`${line}\n`);
  const jupyter = await ensureJupyter(say);
  say(`Jupyter: ${jupyter.lab ? 'JupyterLab' : 'classic Notebook'} (${jupyter.python})`);
  const kernelResult = await installKernel({});
  say(`Kernel "tslab" ${kernelResult.status === 'unchanged' ? 'already registered' : kernelResult.status} (${kernelResult.file})`);
  await setUpGitFilter(say);
  const started = performance.now();
  let written = false;
  const manifest = await ensureSample({ onProgress: () => (written = true) });
  say(`Sample logs: ${bundledSampleDir()} (${formatCount(manifest.events)} events; ` +
    `${written ? `written in ${formatDuration(performance.now() - started)}` : 'already there'})`);
  if (values['no-serve']) return 0;
  const server = await serveNotebooks({ jupyter, root: join(PACKAGE_ROOT, 'notebooks'), port });
  say(`\nServing the playbooks. Open:\n\n  ${server.url}\n\nStart with credential-compromise-analysis.ipynb. Ctrl+C stops the server.`);
  await new Promise<void>((resolvePromise) => {
    const stop = () => void server.stop().then(resolvePromise);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    server.process.once('exit', () => resolvePromise());
  });
  return 0;
}
