// Prettier for the whole repository (`npx prettier --check .`, run by .ci/run). 140 columns is the width
// the code was written to.
module.exports = {
  printWidth: 140,
  singleQuote: true,
  trailingComma: 'all',
};
