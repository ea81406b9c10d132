#!/usr/bin/env node
// The command nx-fastled's tasks run (sketch conversion, link). Runs the compiled dist/ when present (fast
// start), the TypeScript sources through @swc-node/register otherwise (a checkout before `npm run build`).
const fs = require('node:fs');
const path = require('node:path');
const dist = path.join(__dirname, '../dist/task-cli.js');
if (fs.existsSync(dist)) {
  require(dist).main(process.argv.slice(2));
} else {
  require('@swc-node/register');
  require('../src/task-cli.ts').main(process.argv.slice(2));
}
