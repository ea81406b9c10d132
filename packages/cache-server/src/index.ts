export { Authenticator, parseScopedTokens, parseTokenList, type Access, type Grant, type TokenConfig } from './auth';
export { ConnectionGuard, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connections';
export { checkEntryFile, DEFAULT_ENTRY_LIMITS, type EntryCheck, type EntryLimits, type EntryMember } from './entry-check';
export { createHandler, route, tolerated, type HandlerOptions, type Route } from './handler';
export { DEFAULT_NAMESPACE, entryId, isValidKey, isValidNamespace, parseId } from './keys';
export { acquireStoreLock, isRunning } from './lock';
export { silentLogger, stderrLogger, type Logger } from './log';
export { startCacheServer, type CacheServerOptions, type RunningCacheServer } from './server';
export { DiskStore, EntryTooLargeError, PendingWrite, StoreFullError, type EntryRecord, type ReadResult, type StoreOptions } from './store';
