#!/usr/bin/env node
// The augprior command. Runs the compiled CLI (`npm run build` / any Nx target builds it first).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/entry.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('augprior: the CLI is not built yet; run `npm run build` in the workspace first\n');
  process.exit(2);
}
await import(entry.href);
