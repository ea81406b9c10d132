// Shell rendering lives with the plan (plan/shell.ts); kept here for the plugin's older imports.
export { guard, quote, renderArg, renderCommand } from '../plan/shell';
export type { EnvRefs as ToolchainVars } from '../plan/types';
export { envRefs as toolchainVars } from '../plan/build-plan';
