// The report's "What ran and why" section (why/graph-html.ts) in headless Chromium: a synthetic run of two
// examples (one with a header edit that re-ran two TUs and a remote hit, one entirely from the cache) and one
// the board's filters exclude (its no-op build a cache hit: not built, not "from the cache"), drawn and laid
// out by a browser. No Nx, no compiler.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { ExampleGraph, GRAPH_CSS, GraphTask, renderWhySection } from '../src/why/graph-html';
import { CHROMIUM, dumpDom, screenshot } from './report/chromium';

jest.setTimeout(300_000);

function example(name: string, ran: boolean): ExampleGraph {
  const t = (
    id: string,
    kind: GraphTask['kind'],
    label: string,
    state: GraphTask['state'],
    deps: string[] = [],
    header = false,
  ): GraphTask => ({
    id,
    kind,
    label,
    state,
    deps,
    ...(header ? { reasons: [{ kind: 'header', subject: 'libraries/Lib/src/Lib.h' }] } : {}),
  });
  const tasks = [
    t(`lib/${name}:build`, 'build', `lib/${name}`, ran ? 'ran' : 'local-hit', [`uno/lib/examples/${name}:link`]),
    t(`uno/lib/examples/${name}:link`, 'link', `link ${name} for uno`, ran ? 'ran' : 'local-hit', [
      `uno/lib/examples/${name}/${name}.ino:compile`,
      'uno/lib:archive',
      'uno/core:archive',
    ]),
    t(
      `uno/lib/examples/${name}/${name}.ino:compile`,
      'compile',
      `libraries/Lib/examples/${name}/${name}.ino`,
      ran ? 'ran' : 'local-hit',
      [],
      ran,
    ),
    t('uno/lib:archive', 'archive', 'uno: liblib.a', ran ? 'ran' : 'local-hit', [
      'uno/lib/src/Lib.cpp:compile',
      'uno/lib/src/Other.cpp:compile',
    ]),
    t('uno/lib/src/Lib.cpp:compile', 'compile', 'libraries/Lib/src/Lib.cpp', ran ? 'ran' : 'local-hit', [], ran),
    t('uno/lib/src/Other.cpp:compile', 'compile', 'libraries/Lib/src/Other.cpp', 'remote-hit'),
    t('uno/core:archive', 'archive', 'uno: libcore.a', 'local-hit', ['uno/core/wiring.c:compile', 'uno/core/main.cpp:compile']),
    t('uno/core/wiring.c:compile', 'compile', 'core/wiring.c', 'local-hit'),
    t('uno/core/main.cpp:compile', 'compile', 'core/main.cpp', 'local-hit'),
  ];
  return { example: `lib/${name}`, root: `lib/${name}:build`, tasks: Object.fromEntries(tasks.map((x) => [x.id, x])) };
}

describe('the report section "What ran and why" in Chromium', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-why-page-'));
  const page = path.join(dir, 'why.html');
  beforeAll(() => {
    const filtered: ExampleGraph = {
      example: 'lib/Filtered',
      root: 'lib/Filtered:build',
      tasks: { 'lib/Filtered:build': { id: 'lib/Filtered:build', kind: 'build', label: 'lib/Filtered', state: 'local-hit', deps: [] } },
      notBuilt: { uno: 'skipped: @filter: (memory is large)' },
    };
    const body = renderWhySection([example('Changed', true), example('Cached', false), filtered]);
    fs.writeFileSync(
      page,
      `<!doctype html><html><head><meta charset="utf-8"><style>${GRAPH_CSS}</style></head><body>${body}</body></html>`,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('draws the changed example open, the cached one folded, hits of an archive as one node', () => {
    const html = fs.readFileSync(page, 'utf8');
    expect(html).toContain('1 example entirely from the cache: lib/Cached<');
    // The filtered example's no-op build is not among the run's 6 local hits.
    expect(html).toContain(
      '<h3>The whole run: 2 examples built, 1 not built <span class="muted">(5 ran, 6 local cache hit, 1 remote cache hit)',
    );
    expect(html).toContain('<li><code>lib/Filtered</code>: uno: skipped: @filter: (memory is large)</li>');
    expect(html).toContain('<text class="r" x="314" y="');
    expect(html).toContain('>1 more TU of liblib.a</text>');
    expect(html).toContain('>2 TUs of libcore.a</text>');
    expect(html).toContain('header: libraries/Lib/src/Lib.h');
    // The whole run first: one link node per (state, first reason), each archive once, hits as one node.
    const overview = /<svg class="why" role="img" aria-label="task graph of the whole run"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(html.indexOf('task graph of the whole run')).toBeLessThan(html.indexOf('task graph of lib/Changed'));
    expect([...overview.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1].split('\n')[0])).toEqual([
      'uno/lib/examples/Changed:link',
      'uno/lib/examples/Cached:link',
      'uno/lib/examples/Changed/Changed.ino:compile: ran',
      'uno/lib:archive: ran',
      'uno/lib/examples/Cached/Cached.ino:compile',
      'uno/core:archive: local cache hit',
      'uno/lib/src/Lib.cpp:compile: ran',
      'uno/lib/src/Other.cpp:compile',
      'uno/core/wiring.c:compile',
    ]);
    if (!CHROMIUM) return console.warn('why-graph-page.spec: chromium is missing; the page was not rendered');
    const dom = dumpDom(page);
    expect((dom.match(/<svg class="why"/g) ?? []).length).toBe(3);
    expect((dom.match(/<g class="ran">/g) ?? []).length).toBe(9);
    const png = path.join(dir, 'why.png');
    screenshot(page, png, '', '1280,700');
    const img = PNG.sync.read(fs.readFileSync(png));
    // Some pixel carries the "ran" fill (#cfe0ff): the boxes are painted, not only present in the DOM.
    let ranFill = 0;
    for (let i = 0; i < img.data.length; i += 4)
      if (img.data[i] === 0xcf && img.data[i + 1] === 0xe0 && img.data[i + 2] === 0xff) ranFill++;
    expect(ranFill).toBeGreaterThan(1000);
  });
});
