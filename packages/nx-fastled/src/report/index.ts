// The build report (docs/REPORT.md): written after every run from the run's tasks and the links' size files.
export { collect, countWarnings, linkPlace, readSize, whyLines } from './collect';
export { compare, parseThreshold, readBaseline } from './compare';
export * from './model';
export { renderHtml, SORT_MEASURES, sortKeys } from './render-html';
export type { HtmlOptions } from './render-html';
export { renderJson } from './render-json';
export { renderMarkdown } from './render-markdown';
export { writeReport } from './write';
export type { WriteReportOptions, WrittenReport } from './write';
