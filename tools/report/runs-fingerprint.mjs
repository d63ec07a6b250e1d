#!/usr/bin/env node
/**
 * Prints one hash of everything `nx run eval:report` reads from a runs folder (result records,
 * metrics, evaluation records, contact sheets, source pictures, visualisations): path, size and
 * modification time of each. Nx's file inputs skip git-ignored paths, and runs/ is git-ignored,
 * so the report target hashes runs through this runtime input instead.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const RUN_FILES = new Set(['result.json', 'metrics.jsonl', 'samples.png', 'source.png', 'source.json']);

function files(dir) {
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : [];
}

/** The files the report reads under `runsDir`, sorted. */
export function reportInputs(runsDir) {
  const found = [];
  const walk = (dir) => {
    for (const entry of files(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.push(path);
    }
  };
  for (const run of files(runsDir).filter((e) => e.isDirectory())) {
    const dir = join(runsDir, run.name);
    for (const entry of files(dir)) {
      const path = join(dir, entry.name);
      if (entry.isFile() && RUN_FILES.has(entry.name)) found.push(path);
      else if (entry.isDirectory() && (entry.name === 'evals' || entry.name.startsWith('visualize'))) walk(path);
      // runs/evals/<teacher>-on-<dataset>/result.json
      else if (entry.isDirectory() && run.name === 'evals') for (const e of files(path)) if (e.isFile() && e.name === 'result.json') found.push(join(path, e.name));
    }
  }
  return found.sort();
}

export function runsFingerprint(runsDir) {
  const hash = createHash('sha256');
  for (const file of reportInputs(runsDir)) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${relative(runsDir, file)}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest('hex');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${runsFingerprint(process.argv[2] ?? 'runs')}\n`);
