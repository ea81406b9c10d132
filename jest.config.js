module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.js'],
  globalSetup: '<rootDir>/jest.global-setup.js',
};
