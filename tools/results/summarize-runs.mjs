#!/usr/bin/env node
// Prints a markdown table of the eval lines of training runs: for each run directory given (or
// every runs/*/ with a metrics.jsonl), top-1/top-5 and teacher agreement at each evaluation, with
// the minutes of training, samples seen and the engine. Used to write experiments/*/RESULTS.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dirs = process.argv.slice(2).length ? process.argv.slice(2) : readdirSync('runs').map((d) => join('runs', d)).filter((d) => existsSync(join(d, 'metrics.jsonl')));
const pct = (v) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);
console.log('| run | minutes | steps | samples seen | student top-1 | top-5 | agreement with teacher | teacher top-1 | engine |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const dir of dirs) {
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const result = existsSync(join(dir, 'result.json')) ? JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) : {};
  // result.json before and after the augprior-result/1 schema.
  const teacher = result.teacher?.eval?.metrics?.top1?.value ?? result.teacher?.eval?.top1;
  for (const m of metrics.filter((r) => r.type === 'eval')) {
    console.log(`| ${dir.split('/').pop()} | ${(m.elapsedSeconds / 60).toFixed(1)} | ${m.step} | ${m.samplesSeen} | ${pct(m.top1)} | ${pct(m.top5)} | ${pct(m.agreement)} | ${pct(teacher)} | ${result.engine?.name ?? '-'} |`);
  }
}
