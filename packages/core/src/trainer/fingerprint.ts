/**
 * What a checkpoint was made with, so a resume can tell when it would continue with something
 * else: the training config (without the budget fields a resume may change) and the teacher (its
 * config section plus the bytes of every file or run folder that section names).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { configHash, RESUMABLE_FIELDS, type Experiment } from '../config/experiment.js';
import type { DataRoot } from '../data-root.js';

/** Everything of the config that shapes the weights; budgets and logging cadence are left out. */
export function trainingFingerprint(experiment: Experiment): string {
  const kept = Object.fromEntries(Object.entries(experiment).filter(([key]) => !RESUMABLE_FIELDS.has(key) && !['name', 'runsDir', 'description'].includes(key)));
  return configHash(kept as Experiment);
}

// A run folder's files that do not change what it computes (reports, pictures, logs, locks).
const IGNORED = /^(evals|visualize.*|samples\.png|source\.(png|json)|metrics\.jsonl|result\.json|changes\.jsonl|\.lock)$|\.tmp-\d+$/;

function hashPath(hash: ReturnType<typeof createHash>, path: string, root: string): void {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const name of readdirSync(path).sort()) if (!IGNORED.test(name)) hashPath(hash, join(path, name), root);
    return;
  }
  hash.update(`${relative(root, path)}\0${stat.size}\0`);
  hash.update(readFileSync(path));
}

function collectStrings(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, out);
  return out;
}

/**
 * The teacher section's canonical JSON plus the content of each file or folder one of its string
 * fields names (looked up like the loaders do: under the working directory, else the data root).
 */
export function teacherFingerprint(section: unknown, context: { dataRoot: DataRoot; cwd: string }): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(section));
  for (const text of collectStrings(section, [])) {
    if (!/[/.]/.test(text)) continue; // kinds, labels, feature names: not paths
    const candidates = isAbsolute(text) ? [text] : [resolve(context.cwd, text), join(context.dataRoot.path, text)];
    const found = candidates.find((p) => existsSync(p));
    if (!found) continue;
    hash.update(`\0${text}\0`);
    hashPath(hash, found, found);
  }
  return hash.digest('hex').slice(0, 16);
}
