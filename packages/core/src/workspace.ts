import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function isAugpriorWorkspace(dir: string): boolean {
  if (!existsSync(join(dir, 'nx.json'))) return false;
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
    return pkg.name === 'augprior-workspace';
  } catch {
    return false;
  }
}

function walkUp(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (isAugpriorWorkspace(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The augprior workspace root: found from the working directory, else from this file's install
 * location (so `npx augprior` works from any folder inside or beside a checkout).
 */
export function findWorkspaceRoot(start: string = process.cwd()): string | undefined {
  return walkUp(start) ?? walkUp(dirname(fileURLToPath(import.meta.url)));
}
