// report.json: the report's data model as is (see model.ts and docs/REPORT.md); the input of a later run's
// comparison (NX_FASTLED_REPORT_BASELINE, report.previous.json).
import { BuildReport } from './model';

export function renderJson(report: BuildReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
