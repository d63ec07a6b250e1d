#!/usr/bin/env node
// One row per run for experiments/image/RESULTS.md's lever table. A row gives the final evaluation
// (top-1 with its 95% interval, the raw weights' top-1 when the run kept a weight average, and the
// flip-TTA / BN-recalibrated top-1 when it set evalVariants),
// the mean of the last three evaluations (`--last K`; constant-lr Adam swings by +-5 points between them),
// samples, steps and wall minutes. `--curve` prints samples -> top-1 for every evaluation instead;
// `--minutes` prints one row per evaluation of each run (the 60-minute main-job curves: wall minutes,
// steps, samples, top-1 with its interval, top-5, agreement, and the fraction of the teacher reached).
// A `*.jsonl` / `*.log` argument is a log of tools/fidelity/port_distill.py (the PyTorch port) and
// gets a row too, with a Wilson 95% interval over its evaluation count (`n` in the log, or
// `--n N` for logs from before it printed one); ours are the eval harness's bootstrap intervals.
//   node tools/results/ablation-table.mjs [--curve] [--n 1000] runs/abl/abl-paper /tmp/port.jsonl ...
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const argv = process.argv.slice(2);
/** `--name value` options, taken out of the argument list. */
function option(name) {
  const at = argv.indexOf(name);
  if (at < 0) return undefined;
  const value = Number(argv[at + 1]);
  argv.splice(at, 2);
  return value;
}
const defaultN = option('--n');
const lastK = option('--last') ?? 3;
const args = argv;
const curve = args.includes('--curve');
const byMinutes = args.includes('--minutes');

/** Wilson score interval of a proportion p over n trials, 95%. */
function wilson(p, n) {
  const z = 1.96;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [centre - half, centre + half];
}
const pct = (v) => (v === undefined ? '-' : (v * 100).toFixed(1));
const lines = (file) => readFileSync(file, 'utf8').trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

function evals(path) {
  if (path.endsWith('.jsonl') || path.endsWith('.log')) {
    const rows = lines(path).filter((r) => r.acc !== undefined);
    return {
      name: basename(path).replace(/\.(jsonl|log)$/, ''),
      rows: rows.map((r) => {
        const n = r.n ?? defaultN;
        const [low, high] = n ? wilson(r.acc, n) : [undefined, undefined];
        return { samples: r.samples, top1: r.acc, low, high, minutes: r.seconds / 60 };
      }),
    };
  }
  const metrics = lines(join(path, 'metrics.jsonl')).filter((m) => m.type === 'eval');
  return {
    name: basename(path),
    rows: metrics.map((m) => ({ samples: m.samplesSeen, steps: m.step, top1: m.top1, low: m.top1Low, high: m.top1High, top5: m.top5, agreement: m.agreement, raw: m.rawTop1, flip: m.flipTop1, bn: m.bnTop1, minutes: m.elapsedSeconds / 60 })),
    teacherTop1: existsSync(join(path, 'result.json')) ? JSON.parse(readFileSync(join(path, 'result.json'), 'utf8')).teacher?.eval?.metrics?.top1?.value : undefined,
    config: existsSync(join(path, 'config.json')) ? JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) : undefined,
  };
}

const runs = args.filter((a) => !a.startsWith('--')).map(evals);
if (byMinutes) {
  console.log('| run | minutes | steps | samples | student top-1 [95% CI] | top-5 | agreement | teacher top-1 | student / teacher |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of runs) {
    for (const x of r.rows) {
      const ratio = r.teacherTop1 ? (x.top1 / r.teacherTop1).toFixed(2) : '-';
      console.log(`| ${r.name} | ${x.minutes.toFixed(1)} | ${x.steps ?? '-'} | ${x.samples.toLocaleString('en-US')} | ${pct(x.top1)} [${pct(x.low)}, ${pct(x.high)}] | ${pct(x.top5)} | ${pct(x.agreement)} | ${pct(r.teacherTop1)} | ${ratio} |`);
    }
  }
} else if (curve) {
  console.log('| samples | ' + runs.map((r) => r.name).join(' | ') + ' |');
  console.log('|---|' + runs.map(() => '---|').join(''));
  const all = [...new Set(runs.flatMap((r) => r.rows.map((x) => x.samples)))].sort((a, b) => a - b);
  for (const s of all) console.log(`| ${s} | ` + runs.map((r) => pct(r.rows.find((x) => x.samples === s)?.top1)).join(' | ') + ' |');
} else {
  console.log(`| run | samples | steps | top-1 (final) [95% CI] | raw weights top-1 | flip TTA / BN recal. top-1 | mean of last ${lastK} evals | wall min |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of runs) {
    const last = r.rows[r.rows.length - 1];
    if (!last) continue;
    const tail = r.rows.slice(-lastK);
    const mean = tail.reduce((a, x) => a + x.top1, 0) / tail.length;
    const ci = last.low !== undefined ? ` [${pct(last.low)}, ${pct(last.high)}]` : '';
    console.log(`| ${r.name} | ${last.samples} | ${last.steps ?? '-'} | ${pct(last.top1)}${ci} | ${last.raw !== undefined ? pct(last.raw) : '-'} | ${last.flip !== undefined || last.bn !== undefined ? `${pct(last.flip)} / ${pct(last.bn)}` : '-'} | ${pct(mean)} | ${last.minutes.toFixed(1)} |`);
  }
}
