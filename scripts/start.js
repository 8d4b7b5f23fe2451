#!/usr/bin/env node
// `npm start`: the main job on the embedded engine. Writes the sample logs to ./sample if they
// are not there, then runs the playbook's query 2.2 (top five IAM entities by authorization
// failures) and shows the answer next to the sample's ground truth.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { main } = require('../dist/cli.js');

const root = join(__dirname, '..');
const sample = join(root, 'sample');
const query = join(root, 'queries', 'top-failing-entities.sql');

(async () => {
  if (!existsSync(join(sample, 'manifest.json'))) {
    const code = await main(['sample', '--out', sample]);
    if (code !== 0) return code;
  }
  process.stdout.write(`\nQuery 2.2 (${query}):\n${readFileSync(query, 'utf8')}\n`);
  const code = await main(['query', '--logs', sample, '--file', query]);
  const manifest = JSON.parse(readFileSync(join(sample, 'manifest.json'), 'utf8'));
  const story = manifest.stories && manifest.stories.credentialCompromise;
  if (story) process.stdout.write(`\nThe sample's compromised user (manifest.json): ${story.principalArn}\n`);
  return code;
})().then((code) => {
  process.exitCode = code;
});
