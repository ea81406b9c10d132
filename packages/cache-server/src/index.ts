export { Authenticator, parseTokenList, type Access, type TokenConfig } from './auth';
export { createHandler, route, type HandlerOptions, type Route } from './handler';
export { isValidKey } from './keys';
export { silentLogger, stderrLogger, type Logger } from './log';
export { startCacheServer, type CacheServerOptions, type RunningCacheServer } from './server';
export { DiskStore, EntryTooLargeError, PendingWrite, type ReadResult, type StoreOptions } from './store';
