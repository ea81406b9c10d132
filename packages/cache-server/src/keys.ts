/**
 * Cache keys are Nx task hashes. Nx 24 sends them as decimal unsigned 64-bit numbers (at most 20 digits);
 * a little slack is allowed for future formats, but the alphabet stays digits-only so a key can never
 * form a path component such as `..`, contain a separator or NUL, or be absurdly long.
 */
export const MAX_KEY_LENGTH = 32;
const KEY_RE = /^[0-9]{1,32}$/;

export function isValidKey(key: string): boolean {
  return KEY_RE.test(key);
}
