// Public surface of scan/: the include closure of a translation unit (see include-scanner.ts).
export { IncludeScanner, type Closure, type ClosureOptions, type ScanOptions } from './include-scanner';
export { parseDirectives, type Directives, type IncludeRef } from './directives';
export type { ResolutionMode } from './search-path';
