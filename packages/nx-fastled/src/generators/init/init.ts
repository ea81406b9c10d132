// `nx add nx-fastled` / `nx g nx-fastled:init`: registers the plugin in nx.json, writes its boards to
// `nx-fastled.json` (not into nx.json: Nx hashes nx.json into every task, so options there would re-key every
// cached task when they change), sets nx.json's `analytics` to false when it is unset (otherwise the first
// interactive Nx run asks and writes the answer into nx.json, re-keying every task), and keeps the output
// folder out of git. Nothing else: no package.json scripts, no targetDefaults, no namedInputs. Idempotent: an
// existing registration (string or object form, package name or a local path to the package) and an
// existing nx-fastled.json are left exactly as they are, and a second run writes nothing.
import { formatFiles, logger, readNxJson, Tree, updateNxJson, writeJson } from '@nx/devkit';
import type { NxJsonConfiguration } from '@nx/devkit';
import { DEFAULT_BOARDS, DEFAULT_OUTPUT_DIR, isNxFastledEntry, OPTIONS_FILE, PLUGIN_NAME } from '../../plugin/options';

export interface InitGeneratorSchema {
  /** Boards for a new registration; an existing registration is left as it is. */
  boards?: string[];
  skipFormat?: boolean;
}

/** Whether a .gitignore line ignores `entry` (a folder path): the folder itself or one of its parents. */
function covers(line: string, entry: string): boolean {
  const l = line.replace(/^\//, '').replace(/\/$/, '');
  return l === entry || entry.startsWith(`${l}/`);
}

/**
 * Adds the output folder and Nx's per-checkout folders (`.nx/cache`, `.nx/workspace-data`, as `nx init` does)
 * to .gitignore unless a line already ignores them; creates .gitignore if there is none.
 */
function ignoreOutputDir(tree: Tree): boolean {
  const file = '.gitignore';
  const text = tree.exists(file) ? (tree.read(file, 'utf-8') ?? '') : '';
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const missing = [DEFAULT_OUTPUT_DIR, '.nx/cache', '.nx/workspace-data'].filter((entry) => !lines.some((l) => covers(l, entry)));
  if (!missing.length) return false;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  tree.write(file, `${text}${sep}${missing.join('\n')}\n`);
  return true;
}

export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<void> {
  let changed = false;
  const nxJson: NxJsonConfiguration = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  let nxJsonChanged = false;
  if (plugins.some(isNxFastledEntry)) {
    logger.info(`${PLUGIN_NAME} is already registered in nx.json; leaving its options as they are.`);
  } else {
    nxJson.plugins = [...plugins, { plugin: PLUGIN_NAME }];
    nxJsonChanged = true;
    if (!tree.exists(OPTIONS_FILE)) {
      const boards = options.boards?.length ? [...new Set(options.boards)] : DEFAULT_BOARDS;
      writeJson(tree, OPTIONS_FILE, { boards });
    }
  }
  if (typeof nxJson.analytics !== 'boolean') {
    nxJson.analytics = false;
    nxJsonChanged = true;
    logger.info(
      `Set "analytics": false in nx.json: otherwise the first interactive Nx run asks and writes the answer there, which re-keys every cached task. Set it to true if you want to share usage data with the Nx team.`,
    );
  }
  if (nxJsonChanged) {
    if (tree.exists('nx.json')) updateNxJson(tree, nxJson);
    else tree.write('nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
    changed = true;
  }
  changed = ignoreOutputDir(tree) || changed;
  // Format only what changed and only where the workspace has a formatter installed (usually it has none).
  if (changed && !options.skipFormat && hasFormatter(tree.root)) await formatFiles(tree);
}

function hasFormatter(root: string): boolean {
  return ['prettier', 'oxfmt'].some((name) => {
    try {
      require.resolve(name, { paths: [root] });
      return true;
    } catch {
      return false;
    }
  });
}

export default initGenerator;
