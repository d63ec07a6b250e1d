/**
 * `augprior bench`: the reference training/eval throughput on each engine, one child process
 * per engine (so peak RSS is that engine's own), printed as one JSON object.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { AugpriorError, BenchWorkloadSchema, ENGINE_NAMES, applyOverrides, formatZodIssues, measureThroughput, probeEngines, readConfigFile, selectEngine, type EngineName } from '@augprior/core';
import { resolve } from 'node:path';
import { emitResult, note, type CommandIO } from '../io.js';
import { parseFlags, stringFlag, type Flags } from '../options.js';
import { selfCommand } from '../self.js';

export const BENCH_HELP = `augprior bench [--engines torch,wasm] [--set steps=10 ...] [--json]

Measures the reference workload (student ResNet-20 + teacher ResNet-56 forward, 32x32x3, batch 128,
KL T=8, Adam 1e-3; median of --set steps after --set warmup steps; eval = ResNet-56 at batch 500)
on every available engine. The pure-JS cpu engine (~2 img/s) runs only when listed in --engines.`;

/** Engines benchmarked when --engines is not given; cpu is too slow to include by default. */
const DEFAULT_EXCLUDED: ReadonlySet<EngineName> = new Set(['cpu']);

function parseWorkload(flags: Record<string, unknown>, io: CommandIO) {
  const configPath = stringFlag(flags as Flags, 'config');
  const raw = applyOverrides(configPath ? readConfigFile(resolve(io.cwd, configPath)) : {}, (flags['set'] as string[] | undefined) ?? []);
  const parsed = BenchWorkloadSchema.safeParse(raw);
  if (!parsed.success) throw new AugpriorError('config.invalid', `bench: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

function runChild(engine: EngineName, argv: string[], io: CommandIO): Promise<Record<string, unknown>> {
  const { command, args } = selfCommand();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, [...args, 'bench', '--child-engine', engine, '--json', ...argv], { cwd: io.cwd, env: io.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolvePromise(JSON.parse(last) as Record<string, unknown>);
      } catch {
        resolvePromise({ error: `benchmark process for ${engine} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      }
    });
  });
}

export async function benchCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseFlags(argv, { engines: { type: 'string' }, 'child-engine': { type: 'string' } });
  if (flags['help']) {
    io.stdout.write(`${BENCH_HELP}\n`);
    return 0;
  }
  const workload = parseWorkload(flags, io);

  const childEngine = stringFlag(flags, 'child-engine');
  if (childEngine) {
    const selection = await selectEngine({ backend: childEngine as EngineName });
    const measured = await measureThroughput(workload);
    emitResult(io, true, { engine: selection.engine, detail: selection.reason, ...measured }, () => '');
    return 0;
  }

  const requested = stringFlag(flags, 'engines')?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of requested ?? []) {
    if (!(ENGINE_NAMES as readonly string[]).includes(name)) throw new AugpriorError('cli.bad-arguments', `--engines: unknown engine "${name}"; known: ${ENGINE_NAMES.join(', ')}`);
  }
  const available = await probeEngines();
  const engines: Record<string, unknown> = {};
  const skipped: Record<string, string> = {};
  const childArgv = ((flags['set'] as string[] | undefined) ?? []).flatMap((s) => ['--set', s]);
  const configPath = stringFlag(flags, 'config');
  if (configPath) childArgv.push('--config', configPath);
  for (const attempt of available) {
    const wanted = requested ? requested.includes(attempt.engine) : !DEFAULT_EXCLUDED.has(attempt.engine);
    if (!wanted) {
      skipped[attempt.engine] = requested ? 'not in --engines' : 'excluded by default (pure JavaScript, ~2 img/s); list it in --engines to measure it';
      continue;
    }
    if (!attempt.ok) {
      skipped[attempt.engine] = `unavailable: ${attempt.detail}`;
      continue;
    }
    note(io, `[bench] measuring ${attempt.engine} (${workload.warmup} warm-up + ${workload.steps} steps, batch ${workload.batchSize})...`);
    engines[attempt.engine] = await runChild(attempt.engine, childArgv, io);
  }
  const result = { workload, machine: { cpus: cpus().length, node: process.version }, engines, skipped };
  emitResult(io, flags['json'] === true, result, () =>
    Object.entries(engines)
      .map(([name, r]) => {
        const m = r as Record<string, number>;
        return m['error'] ? `${name}: ${m['error']}` : `${name.padEnd(10)} train ${m['train_img_s']} img/s   eval ${m['eval_img_s']} img/s   peak RSS ${m['peak_rss_mb']} MB`;
      })
      .join('\n'),
  );
  return 0;
}
