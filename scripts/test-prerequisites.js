#!/usr/bin/env node
// Part of `npm test`: installs what the notebook and browser tests need when it is missing, as
// `npm start` installs Jupyter. On Debian, as root or with passwordless sudo, the missing
// packages come from apt-get (after `apt-get update`); elsewhere this names them and the tests
// that need them fail or skip with their own message. IRBOOK_TEST_NO_INSTALL=1 only reports;
// IRBOOK_PYTHON and IRBOOK_CHROMIUM point at another Python with Jupyter, another Chromium.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { findJupyter, pythonCandidates } = require('../dist/jupyter/find-jupyter.js');
const { JUPYTER_DEBIAN_PACKAGES } = require('../dist/jupyter/install-jupyter.js');

/** What each kind of test needs, the Debian packages that give it, and the tests that use it. */
const NEEDS = [
  { name: 'Jupyter (classic Notebook, nbclient, nbconvert)', packages: [...JUPYTER_DEBIAN_PACKAGES], tests: 'test/notebooks, test/browser' },
  { name: 'Chromium', packages: ['chromium'], tests: 'test/browser' },
  { name: 'shellcheck', packages: ['shellcheck'], tests: 'test/kernel-setup (lint, skipped without it)' },
  { name: 'git', packages: ['git'], tests: 'the notebook clean-filter tests' },
];

const say = (line) => process.stderr.write(`irbook tests: ${line}\n`);

function onPath(command) {
  return !spawnSync(command, ['--version'], { stdio: 'ignore' }).error;
}

/** Which of {@link NEEDS} this machine lacks. */
async function missing() {
  // A Python named by IRBOOK_PYTHON is the one to check; else those `irbook` itself tries.
  const jupyter = await findJupyter(process.env.IRBOOK_PYTHON ? [process.env.IRBOOK_PYTHON] : pythonCandidates());
  const have = [
    Boolean(jupyter && jupyter.canExecute && jupyter.notebook),
    existsSync(process.env.IRBOOK_CHROMIUM || '/usr/bin/chromium'),
    onPath('shellcheck'),
    onPath('git'),
  ];
  return NEEDS.filter((_, i) => !have[i]);
}

/** How apt-get can run here: as root, through passwordless sudo, or not at all (with why). */
function aptAccess() {
  if (!onPath('apt-get')) return { why: 'apt-get is not here (not Debian or Ubuntu)' };
  if (process.getuid && process.getuid() === 0) return { prefix: [] };
  if (spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return { prefix: ['sudo', '-n'] };
  return { why: 'apt-get needs root or passwordless sudo' };
}

function apt(prefix, args) {
  const [command, ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
  say(`running: ${[command, ...rest].join(' ')}`);
  return spawnSync(command, rest, { stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
}

async function main() {
  const lacking = await missing();
  if (lacking.length === 0) return 0;
  const packages = [...new Set(lacking.flatMap((n) => n.packages))];
  say(`missing: ${lacking.map((n) => `${n.name} (for ${n.tests})`).join('; ')}`);
  const access = process.env.IRBOOK_TEST_NO_INSTALL ? { why: 'IRBOOK_TEST_NO_INSTALL is set' } : aptAccess();
  if (access.prefix && apt(access.prefix, ['update']) && apt(access.prefix, ['install', '-y', ...packages])) {
    const still = await missing();
    if (still.length === 0) {
      say(`installed ${packages.join(' ')}`);
      return 0;
    }
    say(`still missing after apt-get: ${still.map((n) => n.name).join('; ')}`);
  } else if (access.prefix) {
    say('apt-get failed (see its output above)');
  }
  say(
    `not installed${access.why ? ` (${access.why})` : ''}. Install them with:\n` +
      `    sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\n` +
      '  (or set IRBOOK_PYTHON to a Python that has Jupyter). Running the tests anyway: the ones ' +
      'that need these fail or skip, saying so.',
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    say(`could not check the test prerequisites: ${error && error.stack ? error.stack : error}`);
    process.exitCode = 1;
  },
);
