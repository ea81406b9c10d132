// Public API of filters/: which examples a board admits (FastLED `// @filter` directives, Arduino CI
// `.<board>.test.skip/only` marker files).

export { arduinoBoardTraits, FASTLED_BOARD_TRAITS, platformFamily } from './board-traits';
export type { ArduinoBoardFacts, DerivedTraits } from './board-traits';
export type { BoardTraits, MemoryClass } from './board-traits';
export { FilterError } from './filter-error';
export { admits, booleanValue, parseFilters, valueMatches } from './sketch-filter';
export type { Admission, Constraint, SketchFilters } from './sketch-filter';
export type { Condition, Expr, Property } from './expression';
export { markerFilesAdmit } from './test-skip-files';
