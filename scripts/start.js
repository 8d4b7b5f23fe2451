#!/usr/bin/env node
// `npm start`: gets this machine ready and serves the playbooks (see `irbook start --help`):
// Jupyter if missing, the tslab kernel, the sample logs, then Jupyter on notebooks/ on loopback.
'use strict';
const { main } = require('../dist/cli.js');

main(['start', ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});
