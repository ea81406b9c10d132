#!/usr/bin/env node
'use strict';
// Entry point for `npx nx-fastled-cache`: the compiled dist/ (the published package always has it; in this
// repository `npm ci` builds it through the root `prepare` script, `npm run build` rebuilds it).
const path = require('node:path');

let cli;
try {
  cli = require(path.join(__dirname, '..', 'dist', 'cli.js'));
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(path.join('dist', 'cli.js'))) {
    process.stderr.write(
      `nx-fastled-cache: ${path.join(__dirname, '..', 'dist')} is missing; build it with \`npm run build\` at the repository root\n`,
    );
    process.exit(1);
  }
  throw err;
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
