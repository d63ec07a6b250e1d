/**
 * Where real data (datasets, teachers, source images) lives. Precedence, highest first:
 * `--data-root` > $AUGPRIOR_DATA > `../shared/data` beside the workspace (if it exists) >
 * `~/.cache/augprior`. Data is read in place and never copied into the repository.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { AugpriorError } from './errors.js';
import { findWorkspaceRoot } from './workspace.js';

export type DataRootSource = 'flag' | 'env' | 'shared' | 'cache';

export interface DataRoot {
  path: string;
  source: DataRootSource;
  exists: boolean;
}

export interface DataRootInputs {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  workspaceRoot?: string | undefined;
  home?: string;
}

const SOURCE_LABEL: Record<DataRootSource, string> = {
  flag: '--data-root',
  env: '$AUGPRIOR_DATA',
  shared: '../shared/data beside the workspace',
  cache: 'the default cache ~/.cache/augprior',
};

export function resolveDataRoot(inputs: DataRootInputs = {}): DataRoot {
  const env = inputs.env ?? process.env;
  const make = (path: string, source: DataRootSource): DataRoot => {
    const absolute = resolve(path);
    return { path: absolute, source, exists: existsSync(absolute) && statSync(absolute).isDirectory() };
  };
  if (inputs.flag) return make(inputs.flag, 'flag');
  const fromEnv = env['AUGPRIOR_DATA'];
  if (fromEnv) return make(fromEnv, 'env');
  const workspace = inputs.workspaceRoot ?? findWorkspaceRoot();
  if (workspace) {
    const shared = make(join(workspace, '..', 'shared', 'data'), 'shared');
    if (shared.exists) return shared;
  }
  return make(join(inputs.home ?? homedir(), '.cache', 'augprior'), 'cache');
}

export function describeDataRoot(root: DataRoot): string {
  return `${root.path} (from ${SOURCE_LABEL[root.source]}${root.exists ? '' : ', missing'})`;
}

/**
 * Resolves a path under the data root and checks it exists, or says exactly what to do:
 * which root was used and why, and the two ways to point augprior elsewhere.
 */
export function dataPath(root: DataRoot, relative: string, what: string): string {
  const path = isAbsolute(relative) ? relative : join(root.path, relative);
  if (!root.exists && !isAbsolute(relative)) {
    throw new AugpriorError(
      'data.root-missing',
      `the data root ${root.path} does not exist (chosen from ${SOURCE_LABEL[root.source]}), so ${what} (${relative}) cannot be read`,
      'point augprior at the folder holding the data with --data-root <dir> or AUGPRIOR_DATA=<dir>, or fetch it with `augprior datasets fetch <id>`',
    );
  }
  if (!existsSync(path)) {
    throw new AugpriorError(
      'data.missing',
      `${what} not found at ${path} (data root ${describeDataRoot(root)})`,
      '`augprior datasets list` shows what can be fetched; --data-root / AUGPRIOR_DATA choose another root',
    );
  }
  return path;
}

/**
 * The path rule of every config field that names data: `./x`, `../x` and absolute paths are the
 * user's own files (under the working directory); anything else lives under the data root (and
 * must exist there, or the error says which root was used and how to choose another).
 */
export function resolveDataPath(path: string, context: { dataRoot: DataRoot; cwd: string }, what: string): string {
  return path.startsWith('.') || isAbsolute(path) ? resolve(context.cwd, path) : dataPath(context.dataRoot, path, what);
}
