/** What every runner entry point needs from its caller, with the defaults a command line has. */
import { resolveDataRoot, type DataRoot, type ProgressMode } from '@augprior/core';

export interface RunnerContext {
  /** Relative paths in configs resolve against this (default: process.cwd()). */
  cwd?: string;
  /** Default: resolveDataRoot() ($AUGPRIOR_DATA, ../shared/data, ~/.cache/augprior). */
  dataRoot?: DataRoot;
  /** Where teacher evaluations and generated-data caches go (default: $AUGPRIOR_RUNS or runs). */
  runsDir?: string;
  /** One line of news (engine, run folder, warnings); default: stderr. */
  log?: (line: string) => void;
  /** Progress display (default: `auto`, on stderr). */
  progress?: ProgressMode;
  stream?: NodeJS.WriteStream;
  /** Aborting stops after the current step, with a checkpoint. */
  signal?: AbortSignal;
}

export interface ResolvedContext {
  cwd: string;
  dataRoot: DataRoot;
  runsDir: string;
  log: (line: string) => void;
}

export function resolveRunnerContext(context: RunnerContext): ResolvedContext {
  return {
    cwd: context.cwd ?? process.cwd(),
    dataRoot: context.dataRoot ?? resolveDataRoot(),
    runsDir: context.runsDir ?? (process.env['AUGPRIOR_RUNS'] || 'runs'),
    log: context.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}
