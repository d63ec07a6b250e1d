/**
 * Flags shared by every subcommand. `--config` + `--set key=value` build the config; the named
 * flags below are shorthands for common `--set`s and are applied after them.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AugpriorError, applyOverrides, parseBackendChoice } from '@augprior/core';

export const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c' },
  set: { type: 'string', multiple: true, short: 's' },
  json: { type: 'boolean' },
  'data-root': { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  device: { type: 'string' },
  progress: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export type Flags = Record<string, string | boolean | string[] | undefined>;

export function parseFlags(argv: string[], extra: ParseArgsConfig['options'] = {}): { flags: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: true, strict: true });
    return { flags: values as Flags, positionals };
  } catch (error) {
    throw new AugpriorError('cli.bad-arguments', (error as Error).message, 'see `augprior <command> --help`');
  }
}

export function stringFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function intFlag(flags: Flags, name: string): number | undefined {
  const raw = stringFlag(flags, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new AugpriorError('cli.bad-arguments', `--${name} expects a number, got "${raw}"`);
  return value;
}

/**
 * Applies `--set` and then the shorthand flags to a raw config. The backend comes from
 * --backend, else $AUGPRIOR_BACKEND, else the config file.
 */
export function applyCommandLine(raw: unknown, flags: Flags, env: NodeJS.ProcessEnv, shorthands: Record<string, string> = {}): Record<string, unknown> {
  const sets = [...((flags['set'] as string[] | undefined) ?? [])];
  const backend = stringFlag(flags, 'backend') ?? env['AUGPRIOR_BACKEND'];
  if (backend) sets.push(`engine.backend=${parseBackendChoice(backend)}`);
  const threads = stringFlag(flags, 'threads');
  if (threads !== undefined) sets.push(`engine.threads=${threads}`);
  const device = stringFlag(flags, 'device');
  if (device !== undefined) sets.push(`engine.device=${device}`);
  for (const [flag, key] of Object.entries(shorthands)) {
    const value = stringFlag(flags, flag);
    if (value !== undefined) sets.push(`${key}=${value}`);
  }
  return applyOverrides(raw, sets);
}

/**
 * Where runs (and evaluation records of teacher dirs) go unless a command is told otherwise:
 * $AUGPRIOR_RUNS, else ./runs. The Nx targets read the same variable, so a smoke check (or a
 * user) can point a whole sequence of targets at a scratch folder.
 */
export function runsRoot(env: NodeJS.ProcessEnv): string {
  return env['AUGPRIOR_RUNS'] || 'runs';
}
