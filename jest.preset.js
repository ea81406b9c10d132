// Shared Jest settings for every package: TypeScript through ts-jest; `isolatedModules` in tsconfig.base.json
// makes it transpile file by file without type-checking (tsc does that in `npm run typecheck`).
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/fixtures/'],
};
