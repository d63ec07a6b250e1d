/** `augprior config migrate`: rewrites experiment configs of the old shape into `{kind, ...args}`. */
import { resolve } from 'node:path';
import { AugpriorError, migrateExperimentConfig, readConfigFile, writeFileAtomic } from '@augprior/core';
import { note, type CommandIO } from '../io.js';
import { parseFlags } from '../options.js';

export const CONFIG_HELP = `augprior config migrate <experiment.json ...> [--check]

Rewrites configs written before every section became {kind, ...args}: student.arch -> student.kind,
loss/optimizer/schedule {name, args: {...}} -> {kind, ...}, kebab-case kinds -> snake_case
(cifar10-bin -> cifar10_bin, speech-commands -> speech_commands, kws-mfcc-int8 -> kws_mfcc_int8,
mlperf-mfcc -> mlperf_mfcc). Prints what changed per file; a current file is left byte-identical.
--check: change nothing, exit 1 when a file needs migrating (for CI).`;

export async function configCommand(argv: string[], io: CommandIO): Promise<number> {
  const [action, ...rest] = argv;
  const { flags, positionals } = parseFlags(rest, { check: { type: 'boolean' } });
  if (flags['help'] || action !== 'migrate' || positionals.length === 0) {
    io.stdout.write(`${CONFIG_HELP}\n`);
    if (!flags['help']) throw new AugpriorError('cli.bad-arguments', action === 'migrate' ? 'config migrate needs at least one config file' : `unknown config action "${action ?? ''}" (known: migrate)`);
    return 0;
  }
  let stale = 0;
  for (const file of positionals) {
    const path = resolve(io.cwd, file);
    const { config, changes } = migrateExperimentConfig(readConfigFile(path));
    if (changes.length === 0) {
      note(io, `${file}: current shape, unchanged`);
      continue;
    }
    stale += 1;
    note(io, `${file}: ${flags['check'] ? 'needs migrating' : 'migrated'}: ${changes.join('; ')}`);
    if (flags['check']) continue;
    writeFileAtomic(path, formatConfig(config));
  }
  return flags['check'] && stale > 0 ? 1 : 0;
}

/** One line per top-level field, each section on one line: the layout of the files in experiments/. */
export function formatConfig(config: unknown): string {
  const inline = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
    if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      return entries.length ? `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }` : '{}';
    }
    return JSON.stringify(value);
  };
  if (!config || typeof config !== 'object' || Array.isArray(config)) return `${inline(config)}\n`;
  const lines = Object.entries(config).map(([k, v]) => `  ${JSON.stringify(k)}: ${inline(v)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}
