/** The workspace's sibling ../shared/data (as the CLI tests find it), or why a test must skip. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHARED_DATA = fileURLToPath(new URL('../../../../../../shared/data', import.meta.url));

export function missing(path: string): string | undefined {
  return existsSync(path) ? undefined : `${path} is absent (../shared/data is only mounted on the development machine)`;
}
