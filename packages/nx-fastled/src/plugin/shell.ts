// Rendering commands for `nx:run-commands` (run by /bin/sh from the workspace root).
//
// Every literal argument is single-quoted unless it is plainly safe; toolchain and core locations are
// referenced through environment variables named after the toolchain identity, so the hashed command holds
// no absolute path and a toolchain that changed since the graph was computed fails loudly instead of being
// used under the old identity's cache keys.
import type { Arg } from '../toolchain/types';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface ToolchainVars {
  bin: string;
  core: string;
}

export function toolchainVars(board: string, identity: string): ToolchainVars {
  const base = `NXF_${board.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${identity.slice(0, 12)}`;
  return { bin: `${base}_BIN`, core: `${base}_CORE` };
}

export function renderArg(arg: Arg, vars: ToolchainVars): string {
  if (typeof arg === 'string') return quote(arg);
  const v = arg.root === 'bin' ? vars.bin : vars.core;
  return arg.rel === '.' || arg.rel === '' ? `"$${v}"` : `"$${v}"/${quote(arg.rel)}`;
}

/** A guard that stops the command with a clear message when the toolchain variables are not set. */
export function guard(board: string, vars: ToolchainVars): string {
  const msg = `nx-fastled: ${board} toolchain not prepared (changed since the graph was computed?): run npx nx reset`;
  return `: "\${${vars.bin}:?${msg.replace(/["$`\\]/g, '')}}"`;
}

export function renderCommand(args: Arg[], vars: ToolchainVars): string {
  return args.map((a) => renderArg(a, vars)).join(' ');
}
