/**
 * Cache keys, namespaces and store ids.
 *
 * Keys are Nx task hashes. Nx 24 sends them as decimal unsigned 64-bit numbers (at most 20 digits); a little
 * slack is allowed for future formats, but the alphabet stays digits-only so a key can never form a path
 * component such as `..`, contain a separator or NUL, or be absurdly long.
 *
 * A namespace is a scope of entries (`main` is the default; e.g. `pr` or `pr-123` for pull requests). The
 * store id of an entry is its key in `main` (so stores written before namespaces existed keep working) and
 * `<namespace>+<key>` elsewhere; the id is also the entry's file name prefix.
 */
export const MAX_KEY_LENGTH = 32;
const KEY_RE = /^[0-9]{1,32}$/;
export const DEFAULT_NAMESPACE = 'main';
const NAMESPACE_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const ID_RE = /^(?:([a-z0-9][a-z0-9_-]{0,62})\+)?([0-9]{1,32})$/;

export function isValidKey(key: string): boolean {
  return KEY_RE.test(key);
}

export function isValidNamespace(ns: string): boolean {
  return NAMESPACE_RE.test(ns);
}

export function entryId(namespace: string, key: string): string {
  return namespace === DEFAULT_NAMESPACE ? key : `${namespace}+${key}`;
}

export function isValidId(id: string): boolean {
  const m = ID_RE.exec(id);
  return !!m && m[1] !== DEFAULT_NAMESPACE;
}

export function parseId(id: string): { namespace: string; key: string } | undefined {
  const m = ID_RE.exec(id);
  if (!m || m[1] === DEFAULT_NAMESPACE) return undefined;
  return { namespace: m[1] ?? DEFAULT_NAMESPACE, key: m[2] };
}
