#!/usr/bin/env node
'use strict';
// The compiled CLI (npm's prepare step builds dist/).
const { run } = require('../dist/cli/main.js');
run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
