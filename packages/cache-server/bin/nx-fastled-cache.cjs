#!/usr/bin/env node
'use strict';
// Entry point for `npx nx-fastled-cache`. Uses the compiled dist/ when a build exists; otherwise (a fresh
// clone after `npm ci`) compiles src/ on the fly with @swc-node/register, so no build step is needed.
const fs = require('node:fs');
const path = require('node:path');

const pkgRoot = path.join(__dirname, '..');
const compiled = path.join(pkgRoot, 'dist', 'cli.js');
let cli;
if (fs.existsSync(compiled)) {
  cli = require(compiled);
} else {
  // swc-node reads tsconfig.json from the cwd unless told otherwise; pin it to this package's.
  if (!process.env.SWC_NODE_PROJECT && !process.env.TS_NODE_PROJECT) {
    process.env.SWC_NODE_PROJECT = path.join(pkgRoot, 'tsconfig.json');
  }
  require('@swc-node/register');
  cli = require(path.join(pkgRoot, 'src', 'cli.ts'));
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`nx-fastled-cache: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
