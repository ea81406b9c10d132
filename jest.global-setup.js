// Builds both packages before any test runs: workspaces made by the tests load nx-fastled the way a user
// does, from its compiled dist/ (through node_modules/nx-fastled), so a stale dist would test old code.
// `tsc -b` is incremental: about a second when nothing changed.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function buildPackages() {
  const tsc = path.join(__dirname, 'node_modules/.bin/tsc');
  const r = spawnSync(tsc, ['-b', 'packages/nx-fastled', 'packages/cache-server'], { cwd: __dirname, encoding: 'utf8' });
  if (r.status !== 0) {
    // Type errors still emit JavaScript (noEmitOnError is off); say so and let the tests run.
    process.stderr.write(`\njest global setup: \`tsc -b\` of the packages reported errors:\n${r.stdout}${r.stderr}\n`);
  }
};
