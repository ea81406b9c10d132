// Entry point of `npm run bench`: parses the command line, runs the scenarios in order in throwaway
// workspaces under a temp root, and writes the JSON and markdown results.
//
//   npm run bench -- --library <path> --board <board> --scenario <name>[,<name>...] --json <file> [--md <file>] [--keep]
//                    [--arduino-examples <n>] [--peers ccache,arduino]
//   npm run bench -- --render-only --json <file> [--md <file>]      (markdown again from an existing JSON)
//
// Scenarios: cold, warm, moved, touched, toolchain-moved, header-edit, ci, peers, noop. See docs/BENCHMARKS.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { makeReport, renderMarkdown, writeAtomic } from './report';
import { BenchContext, SCENARIOS, ScenarioEntry } from './scenarios';

const USAGE =
  'usage: npm run bench -- --library <path> --board <board> --scenario <name>[,<name>...] --json <file> [--md <file>] [--keep] [--render-only]\n' +
  '       [--arduino-examples <n>] [--peers ccache,arduino]   (peers: subset of examples for the arduino-cli-like build; which peers)';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      library: { type: 'string' },
      board: { type: 'string', default: 'uno' },
      scenario: { type: 'string', default: 'cold' },
      json: { type: 'string' },
      md: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'render-only': { type: 'boolean', default: false },
      'arduino-examples': { type: 'string' },
      peers: { type: 'string' },
    },
  });
  if (values['render-only'] && values.json) {
    // Re-render the markdown of an existing JSON result (after a report format change).
    const json = path.resolve(values.json);
    writeAtomic(
      path.resolve(values.md ?? json.replace(/\.json$/, '') + '.md'),
      renderMarkdown(JSON.parse(fs.readFileSync(json, 'utf8'))) + '\n',
    );
    return 0;
  }
  if (!values.library || !values.json) {
    console.error(USAGE);
    return 2;
  }
  const library = path.resolve(values.library);
  if (!fs.existsSync(path.join(library, 'library.properties'))) {
    console.error(`${library}: no library.properties`);
    return 2;
  }
  const names = values
    .scenario!.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((s) => !(s in SCENARIOS));
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    return 2;
  }
  const json = path.resolve(values.json);
  const md = path.resolve(values.md ?? json.replace(/\.json$/, '') + '.md');
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-bench-'));
  const arduinoExamples = values['arduino-examples'] ? Number(values['arduino-examples']) : undefined;
  if (arduinoExamples !== undefined && !(Number.isInteger(arduinoExamples) && arduinoExamples > 0)) {
    console.error('--arduino-examples: a positive integer');
    return 2;
  }
  const peers = values.peers
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ctx = new BenchContext({ library, board: values.board!, tmpRoot, arduinoExamples, peers });
  let results: Record<string, ScenarioEntry> = {};
  const libraryLabel = path.relative(process.cwd(), library) || library;
  let status = 0;
  try {
    for (const name of names) results[name] = await SCENARIOS[name](ctx);
    if (ctx.cold && !results.cold && names.some((s) => s !== 'cold')) {
      // cold ran as a prerequisite: report it too.
      results = { cold: await SCENARIOS.cold(ctx), ...results };
    }
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    status = 1;
  } finally {
    const report = makeReport(ctx, libraryLabel, results);
    if (Object.keys(results).length) {
      writeAtomic(json, JSON.stringify(report, null, 1) + '\n');
      writeAtomic(md, renderMarkdown(report) + '\n');
      console.log(renderMarkdown(report));
      console.log(`\nwrote ${path.relative(process.cwd(), json)} and ${path.relative(process.cwd(), md)}`);
    }
    if (values.keep) console.log(`workspaces kept under ${tmpRoot}`);
    else fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
  if (status === 0 && Object.values(results).some((r) => !r.ok)) {
    console.error('bench: some expectations were not met (see "expectation met")');
    status = 3;
  }
  return status;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
