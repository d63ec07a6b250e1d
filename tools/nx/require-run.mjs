#!/usr/bin/env node
// Guard in front of Nx targets that read a run another target makes (eval, visualize):
//   node tools/nx/require-run.mjs <run-dir> <project:target that makes it>
// A fresh clone has no runs/; without this the target fails inside the CLI with "not an augprior
// run directory", which does not say which target to run first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const [runDir, maker] = process.argv.slice(2);
if (!runDir || !maker) {
  process.stderr.write('usage: node tools/nx/require-run.mjs <run-dir> <project:target>\n');
  process.exit(2);
}
if (!existsSync(join(runDir, 'config.json'))) {
  process.stderr.write(
    `error [run.not-found] ${runDir} does not exist yet: it is made by \`npx nx run ${maker}\`. Run that first ` +
      `(shorter: \`npx nx run ${maker} -- --set maxMinutes=5\`), then this target again.\n`,
  );
  process.exit(1);
}
