/**
 * `--set key.path=value` overrides, applied to the raw JSON config BEFORE validation so they go
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
  const path = assignment.slice(0, eq).trim().split('.');
  if (path.some((part) => part.length === 0)) throw new AugpriorError('config.bad-override', `--set has an empty key segment in "${assignment}"`);
  return [path, parseOverrideValue(assignment.slice(eq + 1))];
}

/** Returns a deep copy of `config` with each override set (creating intermediate objects). */
export function applyOverrides(config: unknown, assignments: readonly string[]): Record<string, unknown> {
  const root = structuredClone(config ?? {}) as Record<string, unknown>;
  for (const assignment of assignments) {
    const [path, value] = parseOverride(assignment);
    let node: Record<string, unknown> = root;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (next === undefined) node[key] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new AugpriorError('config.bad-override', `--set ${assignment}: "${key}" is a ${Array.isArray(next) ? 'list' : typeof next}, not an object`);
      }
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
  return root;
}
