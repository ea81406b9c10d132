// Headless Chromium for the report page test: no network, a fresh profile per call, the page's script run
// (`--virtual-time-budget`) before the DOM is dumped or the screenshot taken.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => !!p && fs.existsSync(p),
);

function run(extra: string[], page: string, query: string, timeoutMs: number): string {
  if (!CHROMIUM) throw new Error('chromium is not installed');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-chromium-'));
  try {
    const url = `${pathToFileURL(page).href}${query}`;
    const r = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        `--user-data-dir=${profile}`,
        '--virtual-time-budget=2000',
        ...extra,
        url,
      ],
      // Generous: on a loaded shared machine Chromium alone has taken over a minute to start.
      { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.error) throw new Error(`chromium: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`chromium exited ${r.status}:\n${r.stderr.slice(-3000)}`);
    return r.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** The page's DOM after its script ran. */
export function dumpDom(page: string, query = '', timeoutMs = 240_000): string {
  return run(['--dump-dom'], page, query, timeoutMs);
}

export function screenshot(page: string, png: string, query = '', size = '1280,1600', timeoutMs = 240_000): void {
  fs.rmSync(png, { force: true });
  run([`--screenshot=${png}`, `--window-size=${size}`, '--hide-scrollbars'], page, query, timeoutMs);
  if (!fs.existsSync(png)) throw new Error(`chromium wrote no screenshot to ${png}`);
}

/** The `<tr>` start tags of the table's body, in document order, as attribute maps. */
export function tableRows(dom: string): Record<string, string>[] {
  const body = /<table id="sizes"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(dom)?.[1];
  if (body === undefined) return [];
  return [...body.matchAll(/<tr\b([^>]*)>/g)].map((m) => attributes(m[1]));
}

export function attributes(tagBody: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tagBody.matchAll(/([\w:-]+)="([^"]*)"/g))
    out[m[1]] = m[2]
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return out;
}
