#!/usr/bin/env node
// Training throughput of an experiment with and without the row cache (trainer/row-cache.ts), in
// one invocation on one machine: the same config, seed and steps twice, `rowCache` on then off.
// Prints JSON: wall seconds, samples/s over the whole run and after the first epoch, and whether
// the two runs logged the same losses (they must: the cache changes speed, not answers).
//   node tools/bench/row-cache-bench.mjs [--config <experiment>] [--steps N] [--set key=value ...]
// (--set goes to both runs; the last --config / --steps given wins, so Nx's forwarded ones do.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.lastIndexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sets = args.flatMap((a, i) => (a === '--set' && args[i + 1] ? ['--set', args[i + 1]] : []));
const config = flag('config', 'experiments/audio/kws-ljspeech-matchboxnet.json');
const steps = Number(flag('steps', '400'));
const runs = mkdtempSync(join(tmpdir(), 'augprior-row-cache-bench-'));

function run(name, extra) {
  const started = performance.now();
  execFileSync(process.execPath, ['packages/cli/bin/augprior.js', 'train', '--config', config, '--runs-dir', runs, '--progress', 'lines', '--set', `maxSteps=${steps}`, '--set', 'maxMinutes=100000', '--set', `evalEvery=${steps}`, '--set', 'evalEveryMinutes=100000', '--set', `checkpointEvery=${steps}`, '--set', `name=${name}`, '--set', `logEvery=${Math.max(1, Math.floor(steps / 20))}`, ...sets, ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
  const wallSeconds = (performance.now() - started) / 1000;
  const train = readFileSync(join(runs, name, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.type === 'train');
  const last = train.at(-1);
  if (!last) throw new Error(`${name}: the run logged no training line (metrics.jsonl in ${runs})`);
  // Steps after the first pass over the data: the second half of the run, past one epoch of the recipe's 10,000 clips.
  const half = train.find((m) => m.step >= steps / 2);
  return {
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    trainSeconds: last.elapsedSeconds,
    samplesPerSecond: Math.round(last.samplesSeen / last.elapsedSeconds),
    secondHalfSamplesPerSecond: half && half !== last ? Math.round((last.samplesSeen - half.samplesSeen) / (last.elapsedSeconds - half.elapsedSeconds)) : null,
    losses: train.map((m) => m.loss),
  };
}

try {
  const on = run('row-cache-on', []);
  const off = run('row-cache-off', ['--set', 'rowCache=false']);
  const sameLosses = on.losses.length === off.losses.length && on.losses.every((l, i) => Math.abs(l - off.losses[i]) <= 1e-6 * Math.max(1, Math.abs(l)));
  const strip = ({ losses, ...rest }) => rest;
  process.stdout.write(`${JSON.stringify({ bench: 'row-cache', config, steps, cpu: cpus()[0]?.model, cores: cpus().length, on: strip(on), off: strip(off), speedup: Math.round((off.trainSeconds / on.trainSeconds) * 100) / 100, secondHalfSpeedup: on.secondHalfSamplesPerSecond && off.secondHalfSamplesPerSecond ? Math.round((on.secondHalfSamplesPerSecond / off.secondHalfSamplesPerSecond) * 100) / 100 : null, sameLosses }, null, 2)}\n`);
  process.exitCode = sameLosses ? 0 : 1;
} finally {
  rmSync(runs, { recursive: true, force: true });
}
