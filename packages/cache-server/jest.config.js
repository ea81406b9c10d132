module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'cache-server',
  rootDir: __dirname,
};
