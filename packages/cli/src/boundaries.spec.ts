/**
 * Packages depend downwards only: front ends -> core/eval, eval -> core, core -> nothing
 * internal; the runner (where a run is assembled) wires the front ends together, and the CLI
 * sits on top. Checked on both package.json and the
 * actual imports in src/, so a deep or undeclared import fails here before it ships.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const PACKAGES = resolve(import.meta.dirname, '../..');
// core loads engine-torch at run time by name (importOptional), never through an import statement.
const ALLOWED: Record<string, string[]> = {
  'engine-torch': [],
  core: [],
  eval: ['core'],
  teachers: ['core'],
  image: ['core'],
  audio: ['core'],
  video: ['core', 'eval'],
  runner: ['core', 'eval', 'teachers', 'image', 'audio', 'video'],
  cli: ['core', 'eval', 'teachers', 'image', 'audio', 'video', 'runner'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('package boundaries', () => {
  it.each(Object.keys(ALLOWED))('%s imports only the packages below it, through their public entry', (name) => {
    const manifest = JSON.parse(readFileSync(join(PACKAGES, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const declared = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@augprior/')).map((d) => d.slice('@augprior/'.length));
    expect(declared.every((d) => ALLOWED[name]!.includes(d)), `${name} declares ${declared}`).toBe(true);
    const imported = new Set<string>();
    for (const file of sources(join(PACKAGES, name, 'src'))) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from |import\()'(@augprior\/[^']+)'/g)) {
        const [, target, ...deep] = spec!.split('/');
        imported.add(target!);
        expect(deep, `${file} deep-imports ${spec}`).toEqual([]);
        expect(ALLOWED[name], `${file} imports ${spec}`).toContain(target);
      }
    }
    // A declared package nothing imports is a stale edge in the graph (core loads engine-torch by name).
    const unused = declared.filter((d) => !imported.has(d) && !(name === 'core' && d === 'engine-torch'));
    expect(unused, `${name} declares ${unused.join(', ')} without importing it`).toEqual([]);
  });
});
