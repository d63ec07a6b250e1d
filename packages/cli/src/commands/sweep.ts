/** `augprior sweep`: a grid of config values, one run each through runExperiment, one table. */
import { resolve } from 'node:path';
import { AugpriorError, readConfigFile, resolveDataRoot, type ProgressMode } from '@augprior/core';
import { parseGrid, registerFrontEnds, runSweep } from '@augprior/runner';
import { emitResult, note, type CommandIO } from '../io.js';
import { applyCommandLine, parseFlags, runsRoot, stringFlag } from '../options.js';

export const SWEEP_HELP = `augprior sweep --config <experiment.json> --grid key=a,b,c [--grid key2=x,y ...] [--set key=value ...] [--name <sweep>] [--json]

Runs every combination of the --grid values (each read like a --set value; key=[json,...] for
lists) as its own run, <name>--<key>-<value>..., one after another, through the same entry point
as \`augprior train\`, and writes one comparison table to <runs>/sweeps/<sweep>/summary.md (and
summary.json): top-1 with its 95% interval, class-balanced accuracy, the teacher's top-1,
samples, steps and minutes per combination. Run it again to continue a stopped sweep: finished
combinations are reused, started ones resumed. Budget ablations by samples: --set maxSteps=N.`;

export async function sweepCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseFlags(argv, { grid: { type: 'string', multiple: true }, name: { type: 'string' } });
  const grids = (flags['grid'] as string[] | undefined) ?? [];
  const configPath = stringFlag(flags, 'config');
  if (flags['help'] || !configPath || grids.length === 0) {
    io.stdout.write(`${SWEEP_HELP}\n`);
    if (!flags['help'] && (!configPath || grids.length === 0)) throw new AugpriorError('cli.bad-arguments', 'sweep needs --config and at least one --grid key=a,b');
    return 0;
  }
  registerFrontEnds();
  const fromFile = readConfigFile(resolve(io.cwd, configPath)) as Record<string, unknown>;
  const base = applyCommandLine(io.env['AUGPRIOR_RUNS'] ? { ...fromFile, runsDir: runsRoot(io.env) } : fromFile, flags, io.env);
  const name = stringFlag(flags, 'name');
  const sweep = await runSweep(
    base,
    grids.map(parseGrid),
    { cwd: io.cwd, dataRoot: resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env }), runsDir: runsRoot(io.env), log: (line) => note(io, line), progress: (stringFlag(flags, 'progress') ?? 'auto') as ProgressMode, stream: io.stderr },
    { ...(name ? { name } : {}), source: configPath },
  );
  emitResult(io, flags['json'] === true, { name: sweep.name, dir: sweep.dir, rows: sweep.rows }, () => `sweep ${sweep.name} (${sweep.dir}/summary.md)\n\n${sweep.table}`);
  return sweep.rows.some((r) => r.status.startsWith('failed')) ? 1 : 0;
}
