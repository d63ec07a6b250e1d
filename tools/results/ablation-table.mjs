#!/usr/bin/env node
// One row per run for experiments/image/RESULTS.md's lever table. A row gives the final evaluation
// (top-1 with its 95% interval, and the raw weights' top-1 when the run kept a weight average),
// the mean of the last three evaluations (constant-lr Adam swings by +-5 points between them),
// samples, steps and wall minutes. `--curve` prints samples -> top-1 for every evaluation instead.
// A `*.jsonl` argument is a log of tools/fidelity/port_distill.py (the PyTorch port) and gets a
// row too (it has no interval: the port does not bootstrap).
//   node tools/results/ablation-table.mjs [--curve] runs/abl/abl-paper /tmp/port.jsonl ...
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const args = process.argv.slice(2);
const curve = args.includes('--curve');
const pct = (v) => (v === undefined ? '-' : (v * 100).toFixed(1));
const lines = (file) => readFileSync(file, 'utf8').trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

function evals(path) {
  if (path.endsWith('.jsonl') || path.endsWith('.log')) {
    const rows = lines(path).filter((r) => r.acc !== undefined);
    return { name: basename(path).replace(/\.(jsonl|log)$/, ''), rows: rows.map((r) => ({ samples: r.samples, top1: r.acc, minutes: r.seconds / 60 })) };
  }
  const metrics = lines(join(path, 'metrics.jsonl')).filter((m) => m.type === 'eval');
  return {
    name: basename(path),
    rows: metrics.map((m) => ({ samples: m.samplesSeen, steps: m.step, top1: m.top1, low: m.top1Low, high: m.top1High, raw: m.rawTop1, minutes: m.elapsedSeconds / 60 })),
    config: existsSync(join(path, 'config.json')) ? JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) : undefined,
  };
}

const runs = args.filter((a) => !a.startsWith('--')).map(evals);
if (curve) {
  console.log('| samples | ' + runs.map((r) => r.name).join(' | ') + ' |');
  console.log('|---|' + runs.map(() => '---|').join(''));
  const all = [...new Set(runs.flatMap((r) => r.rows.map((x) => x.samples)))].sort((a, b) => a - b);
  for (const s of all) console.log(`| ${s} | ` + runs.map((r) => pct(r.rows.find((x) => x.samples === s)?.top1)).join(' | ') + ' |');
} else {
  console.log('| run | samples | steps | top-1 (final) [95% CI] | raw weights top-1 | mean of last 3 evals | wall min |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of runs) {
    const last = r.rows[r.rows.length - 1];
    if (!last) continue;
    const tail = r.rows.slice(-3);
    const mean = tail.reduce((a, x) => a + x.top1, 0) / tail.length;
    const ci = last.low !== undefined ? ` [${pct(last.low)}, ${pct(last.high)}]` : '';
    console.log(`| ${r.name} | ${last.samples} | ${last.steps ?? '-'} | ${pct(last.top1)}${ci} | ${last.raw !== undefined ? pct(last.raw) : '-'} | ${pct(mean)} | ${last.minutes.toFixed(1)} |`);
  }
}
