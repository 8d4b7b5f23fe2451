#!/usr/bin/env node
// `npm run notebooks:clean`: strips outputs, execution counts and session metadata from the
// committed notebooks (all of notebooks/, or the files given), in Jupyter's own format.
'use strict';
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { cleanNotebook, serializeNotebook } = require('../dist/jupyter/clean-notebook.js');

const dir = join(__dirname, '..', 'notebooks');
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(dir).filter((f) => f.endsWith('.ipynb')).map((f) => join(dir, f));
for (const file of files) {
  const before = readFileSync(file, 'utf8');
  const after = serializeNotebook(cleanNotebook(JSON.parse(before)));
  if (after !== before) {
    writeFileSync(file, after);
    process.stdout.write(`cleaned ${file}\n`);
  }
}
