/**
 * `--set key.path=value` overrides (`key.path?=value`: only where the config already has that
 * field, so one list of budgets can shrink configs of different shapes), applied to the raw JSON config BEFORE validation so they go
 * through exactly the same checks as the file (nanoGPT's configurator, made strict by the
 * schema: an unknown key or a wrong type is an error naming the field).
 */
import { AugpriorError } from '../errors.js';

/** JSON when it parses (numbers, booleans, arrays, null), else the raw string. */
export function parseOverrideValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function parseOverride(assignment: string): [string[], unknown] {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new AugpriorError('config.bad-override', `--set expects key=value, got "${assignment}"`);
  const path = assignment.slice(0, eq).trim().replace(/\?$/, '').split('.');
  if (path.some((part) => part.length === 0)) throw new AugpriorError('config.bad-override', `--set has an empty key segment in "${assignment}"`);
  return [path, parseOverrideValue(assignment.slice(eq + 1))];
}

function isSoft(assignment: string): boolean {
  return assignment.slice(0, assignment.indexOf('=')).trim().endsWith('?');
}

function hasPath(root: Record<string, unknown>, path: readonly string[]): boolean {
  let node: unknown = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

function rawValue(assignment: string): string {
  return assignment.slice(assignment.indexOf('=') + 1);
}

/** Returns a deep copy of `config` with each override set (creating intermediate objects). */
export function applyOverrides(config: unknown, assignments: readonly string[]): Record<string, unknown> {
  const root = structuredClone(config ?? {}) as Record<string, unknown>;
  for (const assignment of assignments) {
    const [path, value] = parseOverride(assignment);
    if (isSoft(assignment) && !hasPath(root, path)) continue;
    let node: Record<string, unknown> = root;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (next === undefined) node[key] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new AugpriorError('config.bad-override', `--set ${assignment}: "${key}" is a ${Array.isArray(next) ? 'list' : typeof next}, not an object`);
      }
      node = node[key] as Record<string, unknown>;
    }
    const key = path[path.length - 1]!;
    // A field the config already holds as a string stays a string (`--set name=2024`,
    // `--set dataset.protocol=10` where the file says "10"): JSON parsing would turn it into a number.
    node[key] = typeof node[key] === 'string' && typeof value !== 'string' ? rawValue(assignment) : value;
  }
  return root;
}
