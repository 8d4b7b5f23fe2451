#!/usr/bin/env node
// Writes the lifecycle scripts from their one source, lifecycle.sh:
//   on-create.sh, on-start.sh            lifecycle.sh with the hook fixed
//   ../cloudformation/irbook-notebook.yaml   the same two scripts, inlined between
//                                        "# BEGIN <name>" and "# END <name>" comment lines
// Usage: node kernel-setup/sagemaker/sync.js [--check]
// --check changes nothing and exits 1 when a file is out of date (the tests run it).
'use strict';
const { chmodSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const here = __dirname;
const templatePath = join(here, '..', 'cloudformation', 'irbook-notebook.yaml');
const HOOK_LINE = /^IRBOOK_LC_HOOK=.*# hook line.*$/m;
const HOOKS = { 'on-create.sh': 'create', 'on-start.sh': 'start' };

/** lifecycle.sh with the hook fixed and a "generated" note under the shebang. */
function renderScript(source, hook) {
  if (!HOOK_LINE.test(source)) throw new Error('lifecycle.sh: the "# hook line" assignment is missing');
  const [shebang, ...rest] = source.replace(HOOK_LINE, `IRBOOK_LC_HOOK=${hook} # hook line (fixed by sync.js)`).split('\n');
  const note = '# GENERATED from lifecycle.sh by sync.js: edit lifecycle.sh, then run node kernel-setup/sagemaker/sync.js';
  return [shebang, note, ...rest].join('\n');
}

/** The template with the text between the BEGIN/END markers of `name` replaced by `script`. */
function inlineScript(template, name, script) {
  const lines = template.split('\n');
  const begin = lines.findIndex((l) => l.trim().startsWith(`# BEGIN ${name}`));
  const end = lines.findIndex((l, i) => i > begin && l.trim().startsWith(`# END ${name}`));
  if (begin < 0 || end < 0) throw new Error(`${templatePath}: markers "# BEGIN ${name}" / "# END ${name}" not found`);
  const indent = lines[begin].match(/^ */)[0];
  const body = script.replace(/\n$/, '').split('\n').map((l) => (l === '' ? '' : `${indent}  ${l}`));
  return [...lines.slice(0, begin + 1), `${indent}- |`, ...body, ...lines.slice(end)].join('\n');
}

/** Every generated file and the text it should have. */
function expectedFiles() {
  const source = readFileSync(join(here, 'lifecycle.sh'), 'utf8');
  if (!source.endsWith('\n') || source.endsWith('\n\n')) throw new Error('lifecycle.sh must end with exactly one newline');
  if (source.includes('\t')) throw new Error('lifecycle.sh: use spaces, not tabs (YAML block scalars)');
  const files = new Map();
  let template = readFileSync(templatePath, 'utf8');
  for (const [name, hook] of Object.entries(HOOKS)) {
    const script = renderScript(source, hook);
    files.set(join(here, name), script);
    template = inlineScript(template, name, script);
  }
  files.set(templatePath, template);
  return files;
}

function main(argv) {
  const check = argv.includes('--check');
  let stale = 0;
  for (const [path, text] of expectedFiles()) {
    let current = null;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // missing: written below, or reported by --check
    }
    if (current === text) continue;
    stale++;
    if (check) process.stderr.write(`out of date: ${path} (run node kernel-setup/sagemaker/sync.js)\n`);
    else {
      writeFileSync(path, text);
      if (path.endsWith('.sh')) chmodSync(path, 0o755);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
  return check && stale > 0 ? 1 : 0;
}

module.exports = { renderScript, inlineScript, expectedFiles };
if (require.main === module) process.exitCode = main(process.argv.slice(2));
