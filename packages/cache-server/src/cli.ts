// Entry point the bin loads (dist/cli.js or src/cli.ts); the commands live in cli/.
export { main } from './cli/main';
export { parseSize, shellQuote, READ_TOKEN_ENV, WRITE_TOKEN_ENV } from './cli/args';
