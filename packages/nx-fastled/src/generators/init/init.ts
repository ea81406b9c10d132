// `nx add nx-fastled` / `nx g nx-fastled:init`: registers the plugin in nx.json with its default boards and
// keeps its output folder out of git. Nothing else: no package.json scripts, no targetDefaults, no
// namedInputs. Idempotent: an existing registration (string or object form, package name or a local path
// to the package) is left exactly as it is, and a second run writes nothing.
import { formatFiles, logger, readNxJson, Tree, updateNxJson } from '@nx/devkit';
import type { NxJsonConfiguration } from '@nx/devkit';
import { DEFAULT_BOARDS, DEFAULT_OUTPUT_DIR, isNxFastledEntry, PLUGIN_NAME } from '../../plugin/options';

export interface InitGeneratorSchema {
  /** Boards for a new registration; an existing registration is left as it is. */
  boards?: string[];
  skipFormat?: boolean;
}

/** Adds `dist` to .gitignore unless a line already ignores it; creates .gitignore if there is none. */
function ignoreOutputDir(tree: Tree): boolean {
  const file = '.gitignore';
  const text = tree.exists(file) ? tree.read(file, 'utf-8') ?? '' : '';
  const ignored = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .some((l) => [DEFAULT_OUTPUT_DIR, `/${DEFAULT_OUTPUT_DIR}`, `${DEFAULT_OUTPUT_DIR}/`, `/${DEFAULT_OUTPUT_DIR}/`].includes(l));
  if (ignored) return false;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  tree.write(file, `${text}${sep}${DEFAULT_OUTPUT_DIR}\n`);
  return true;
}

export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<void> {
  let changed = false;
  const nxJson: NxJsonConfiguration = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  if (plugins.some(isNxFastledEntry)) {
    logger.info(`${PLUGIN_NAME} is already registered in nx.json; leaving its options as they are.`);
  } else {
    const boards = options.boards?.length ? [...new Set(options.boards)] : DEFAULT_BOARDS;
    nxJson.plugins = [...plugins, { plugin: PLUGIN_NAME, options: { boards } }];
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
