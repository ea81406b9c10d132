module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'nx-fastled',
  rootDir: __dirname,
};
