/**
 * How to start this CLI in a child process: the compiled entry when running from dist/, or the
 * TypeScript entry through tsx (resolving workspace packages to their sources) in tests.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function selfCommand(): { command: string; args: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    // An absolute loader URL, so the child finds tsx whatever its working directory.
    return { command: process.execPath, args: ['--import', import.meta.resolve('tsx'), '--conditions', '@augprior/source', join(dirname(here), 'entry.ts')] };
  }
  return { command: process.execPath, args: [join(dirname(here), 'entry.js')] };
}
