/**
 * `augprior bench`: the reference training/eval throughput on each engine, one child process
 * per engine (so peak RSS is that engine's own), printed as one JSON object.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AugpriorError,
  BenchWorkloadSchema,
  ENGINE_NAMES,
  applyOverrides,
  findWorkspaceRoot,
  formatZodIssues,
  measureThroughput,
  probeEngines,
  readConfigFile,
  selectEngine,
  type BenchWorkload,
  type Device,
  type EngineName,
} from '@augprior/core';
import { emitResult, note, type CommandIO } from '../io.js';
import { parseFlags, stringFlag, type Flags } from '../options.js';
import { selfCommand } from '../self.js';

export const BENCH_HELP = `augprior bench [--engines torch,wasm] [--device cpu|cuda] [--set steps=10 ...] [--json]

Measures the reference workload (student ResNet-20 + teacher ResNet-56 forward, 32x32x3, batch 128,
KL T=8, Adam 1e-3; median of --set steps after --set warmup steps; eval = ResNet-56 at batch 500)
on every available engine, and the identical PyTorch workload (tools/bench/pytorch_reference.py)
in the same invocation when a Python with torch is found ($AUGPRIOR_PYTHON, else /usr/bin/python3),
so every engine gets a ratio_vs_pytorch measured side by side. The pure-JS cpu engine (~2 img/s)
runs only when listed in --engines.`;

/** Engines benchmarked when --engines is not given; cpu is too slow to include by default. */
const DEFAULT_EXCLUDED: ReadonlySet<EngineName> = new Set(['cpu']);

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function parseWorkload(flags: Record<string, unknown>, io: CommandIO) {
  const configPath = stringFlag(flags as Flags, 'config');
  const raw = applyOverrides(configPath ? readConfigFile(resolve(io.cwd, configPath)) : {}, (flags['set'] as string[] | undefined) ?? []);
  const parsed = BenchWorkloadSchema.safeParse(raw);
  if (!parsed.success) throw new AugpriorError('config.invalid', `bench: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

/** Runs a benchmark process and parses the JSON object on its last stdout line. */
function runJsonProcess(label: string, command: string, args: string[], io: CommandIO): Promise<Record<string, unknown>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: io.cwd, env: io.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
        resolvePromise({ error: `benchmark process for ${label} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      }
    });
  });
}

function runEngineChild(engine: EngineName, argv: string[], io: CommandIO): Promise<Record<string, unknown>> {
  const { command, args } = selfCommand();
  return runJsonProcess(engine, command, [...args, 'bench', '--child-engine', engine, '--json', ...argv], io);
}

/** CIFAR ResNet-(6n+2) -> n, the only family the PyTorch twin implements. */
function resnetBlocks(arch: string): number | undefined {
  const match = /^resnet(\d+)$/.exec(arch);
  return match && (Number(match[1]) - 2) % 6 === 0 ? (Number(match[1]) - 2) / 6 : undefined;
}

async function runPytorchReference(workload: BenchWorkload, device: string, io: CommandIO, channelsLast: boolean): Promise<Record<string, unknown>> {
  const python = io.env['AUGPRIOR_PYTHON'] ?? '/usr/bin/python3';
  const script = join(findWorkspaceRoot() ?? io.cwd, 'tools', 'bench', 'pytorch_reference.py');
  const studentBlocks = resnetBlocks(workload.student);
  const teacherBlocks = resnetBlocks(workload.teacher);
  if (studentBlocks === undefined || teacherBlocks === undefined) return { skipped: `the PyTorch twin implements CIFAR ResNets only, not ${workload.student}/${workload.teacher}` };
  if (!existsSync(script)) return { skipped: `${script} not found` };
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `${python} has no torch (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()})` };
  note(io, `[bench] measuring PyTorch (${python}, ${channelsLast ? 'channels_last' : 'NCHW'}) on the same workload...`);
  return runJsonProcess('pytorch', python, [
    script,
    ...['--student-blocks', studentBlocks, '--teacher-blocks', teacherBlocks, '--num-classes', workload.numClasses, '--input-size', workload.inputSize].map(String),
    ...['--batch-size', workload.batchSize, '--eval-batch-size', workload.evalBatchSize, '--steps', workload.steps, '--warmup', workload.warmup, '--eval-repeats', workload.evalRepeats].map(String),
    ...['--temperature', workload.temperature, '--lr', workload.lr, '--threads', cpus().length, '--device', device].map(String),
    ...(channelsLast ? ['--channels-last'] : []),
  ], io);
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
    const selection = await selectEngine({ backend: childEngine as EngineName, device: (stringFlag(flags, 'device') ?? 'cpu') as Device });
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
  const device = stringFlag(flags, 'device') ?? 'cpu';
  const childArgv = [...((flags['set'] as string[] | undefined) ?? []).flatMap((s) => ['--set', s]), '--device', device];
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
    engines[attempt.engine] = await runEngineChild(attempt.engine, childArgv, io);
  }
  // PyTorch in its default layout (NCHW) and in channels_last, which augprior's NHWC tensors map
  // onto; the ratios are taken against the faster of the two, so they never flatter an engine.
  const pytorch = await runPytorchReference(workload, device, io, false);
  const pytorchChannelsLast = typeof pytorch['train_img_s'] === 'number' ? await runPytorchReference(workload, device, io, true) : undefined;
  if (typeof pytorch['train_img_s'] === 'number') {
    const best = (key: string) => Math.max(pytorch[key] as number, (pytorchChannelsLast?.[key] as number | undefined) ?? 0);
    pytorch['channels_last'] = pytorchChannelsLast ?? null;
    pytorch['best_train_img_s'] = best('train_img_s');
    pytorch['best_eval_img_s'] = best('eval_img_s');
    for (const measured of Object.values(engines) as Array<Record<string, number>>) {
      if (typeof measured['train_img_s'] !== 'number') continue;
      measured['ratio_vs_pytorch'] = round2(measured['train_img_s'] / best('train_img_s'));
      measured['eval_ratio_vs_pytorch'] = round2(measured['eval_img_s']! / best('eval_img_s'));
    }
  }
  const result = { workload, device, machine: { cpus: cpus().length, node: process.version }, engines, pytorch, skipped };
  emitResult(io, flags['json'] === true, result, () =>
    Object.entries(engines)
      .map(([name, r]) => {
        const m = r as Record<string, number>;
        return m['error'] ? `${name}: ${m['error']}` : `${name.padEnd(10)} train ${m['train_img_s']} img/s   eval ${m['eval_img_s']} img/s   peak RSS ${m['peak_rss_mb']} MB${m['ratio_vs_pytorch'] !== undefined ? `   x${m['ratio_vs_pytorch']} / x${m['eval_ratio_vs_pytorch']} of PyTorch` : ''}`;
      })
      .concat(
        typeof pytorch['train_img_s'] === 'number'
          ? [`${'pytorch'.padEnd(10)} train ${pytorch['train_img_s']} img/s   eval ${pytorch['eval_img_s']} img/s (NCHW); channels_last ${String(pytorchChannelsLast?.['train_img_s'])} / ${String(pytorchChannelsLast?.['eval_img_s'])}`]
          : [`pytorch    ${String(pytorch['skipped'] ?? pytorch['error'])}`],
      )
      .join('\n'),
  );
  return 0;
}
