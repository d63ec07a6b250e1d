import { readFileSync } from 'node:fs';

/** The version result records carry: the runner package's, read once from its package.json. */
export const RUNNER_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
