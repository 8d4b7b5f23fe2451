#!/usr/bin/env node
// Regenerates the README's list of Trino functions from the library (npm run readme).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { withFunctionsTable } = require('../dist/docs/functions-table.js');

const path = join(__dirname, '..', 'README.md');
writeFileSync(path, withFunctionsTable(readFileSync(path, 'utf8')));
