/**
 * `admin list|inspect|rm|verify --store <dir>`: look after a store's entries from the shell.
 *
 * Works on the files directly, without the lock, so it can be used while a server runs: the server notices
 * a removed entry at the next request for it (GET → 404, PUT → stored again). Ids are the Nx hash for
 * namespace main and `<namespace>+<hash>` elsewhere, as in the entry file names.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { checkEntryFile, DEFAULT_ENTRY_LIMITS } from '../entry-check';
import { isValidId, isValidKey, isValidNamespace, parseId } from '../keys';
import { UsageError, type Values } from './args';

interface Row {
  id: string;
  namespace: string;
  key: string;
  bytes: number;
  sha256: string;
  lastUsed: string;
  file: string;
}

const ENTRY_RE = /^((?:[a-z0-9][a-z0-9_-]{0,62}\+)?[0-9]{1,32})\.([0-9a-f]{64})$/;

export async function admin(values: Values, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!values.store) throw new UsageError('--store <dir> is required');
  const store = path.resolve(values.store);
  const entriesDir = path.join(store, 'entries');
  if (!(await fsp.stat(entriesDir).catch(() => null))?.isDirectory()) throw new Error(`${store} is not a store (no entries/ folder)`);
  const rows = await listRows(entriesDir);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  switch (sub) {
    case 'list': {
      if (values.namespace && !isValidNamespace(values.namespace)) throw new UsageError(`--namespace: invalid name '${values.namespace}'`);
      const shown = values.namespace ? rows.filter((r) => r.namespace === values.namespace) : rows;
      if (values.json)
        out(
          JSON.stringify(
            shown.map(({ file: _f, ...r }) => r),
            null,
            2,
          ),
        );
      else {
        for (const r of shown) out(`${r.id}\t${r.bytes}\t${r.lastUsed}\t${r.sha256.slice(0, 16)}`);
        process.stderr.write(`${shown.length} entries, ${shown.reduce((n, r) => n + r.bytes, 0)} bytes\n`);
      }
      return 0;
    }
    case 'inspect': {
      if (rest.length !== 1) throw new UsageError('admin inspect takes one id');
      const r = find(rows, rest[0]);
      const check = await checkEntryFile(r.file, DEFAULT_ENTRY_LIMITS);
      const { file: _f, ...shown } = r;
      const report = {
        ...shown,
        valid: check.ok,
        ...(check.ok ? { unpackedBytes: check.unpackedBytes } : { problem: check.reason }),
        members: check.members,
      };
      if (values.json) out(JSON.stringify(report, null, 2));
      else {
        out(`id        ${r.id} (namespace ${r.namespace})\nbytes     ${r.bytes}\nsha256    ${r.sha256}\nlast used ${r.lastUsed}`);
        out(`check     ${check.ok ? `ok (${check.unpackedBytes} bytes unpacked)` : `REFUSED: ${check.reason}`}`);
        for (const m of check.members)
          out(`  ${m.type.padEnd(12)} ${String(m.size).padStart(10)}  ${m.path}${m.linkpath ? ` -> ${m.linkpath}` : ''}`);
      }
      return check.ok ? 0 : 3;
    }
    case 'rm': {
      if (rest.length === 0) throw new UsageError('admin rm takes one or more ids');
      const targets = rest.map((id) => find(rows, id));
      for (const r of targets) {
        await fsp.rm(r.file, { force: true });
        out(`removed ${r.id}`);
      }
      return 0;
    }
    case 'verify': {
      let bad = 0;
      for (const r of rows) {
        const check = await checkEntryFile(r.file, DEFAULT_ENTRY_LIMITS);
        const digestOk = check.ok && (await sha256Of(r.file)) === r.sha256;
        if (check.ok && digestOk) continue;
        bad++;
        const why = check.ok ? 'content does not match its digest' : check.reason;
        if (values.remove) await fsp.rm(r.file, { force: true });
        out(`${values.remove ? 'removed' : 'BAD'}\t${r.id}\t${why}`);
      }
      process.stderr.write(
        `${rows.length} entries checked, ${bad} bad${bad && !values.remove ? ' (rerun with --remove to delete them)' : ''}\n`,
      );
      return bad && !values.remove ? 3 : 0;
    }
    default:
      throw new UsageError(`admin: expected list, inspect, rm or verify, got '${sub ?? ''}'`);
  }
}

async function listRows(entriesDir: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const name of await fsp.readdir(entriesDir)) {
    const m = ENTRY_RE.exec(name);
    const parsed = m && parseId(m[1]);
    if (!m || !parsed) continue;
    const file = path.join(entriesDir, name);
    const st = await fsp.stat(file).catch(() => null);
    if (!st?.isFile()) continue;
    rows.push({ id: m[1], ...parsed, bytes: st.size, sha256: m[2], lastUsed: new Date(st.mtimeMs).toISOString(), file });
  }
  return rows.sort((a, b) => (a.lastUsed < b.lastUsed ? -1 : a.lastUsed > b.lastUsed ? 1 : a.id < b.id ? -1 : 1));
}

function find(rows: Row[], id: string): Row {
  if (!isValidId(id) && !isValidKey(id)) throw new UsageError(`'${id}' is not an entry id (<hash> or <namespace>+<hash>)`);
  const r = rows.find((x) => x.id === id);
  if (!r) throw new Error(`no entry ${id} in the store`);
  return r;
}

async function sha256Of(file: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const { createReadStream } = await import('node:fs');
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}
