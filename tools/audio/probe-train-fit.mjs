// Diagnostic probe of a 12-class audio run (experiments/audio/RESULTS.md, session 7): does the student
// answer what the teacher answered on the recording's own clips? Reads up to 100 pool clips per
// teacher-vote class (the cached votes of data.balance), clean (no SpecAugment / CutMix plan), and
// prints, per class, how often the folded student agrees with the folded teacher and its mean
// probability of the teacher's class. It chooses nothing.
// Usage: node tools/audio/probe-train-fit.mjs <run-dir> <clips-dir> (after npx nx run-many -t build).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, selectEngine } from '@augprior/core';
import { loadRunClassifier, registerFrontEnds } from '@augprior/runner';
registerFrontEnds();
await selectEngine({ backend: 'auto' });
const [run, clips] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(join(clips, 'manifest.json'), 'utf8'));
const votesFile = readdirSync(clips).find((f) => f.startsWith('votes-'));
const votes = JSON.parse(readFileSync(join(clips, votesFile), 'utf8'));
const L = manifest.clipLength;
const perShard = manifest.shards[0].count;
const shard = new Map();
const clip = (i) => {
  const s = Math.floor(i / perShard);
  if (!shard.has(s)) { const b = readFileSync(join(clips, manifest.shards[s].file)); shard.set(s, new Int16Array(b.buffer, b.byteOffset, b.byteLength / 2)); }
  return shard.get(s).subarray((i % perShard) * L, (i % perShard + 1) * L);
};
const model = loadRunClassifier(run);
const byClass = new Map();
votes.label.forEach((c, i) => { const list = byClass.get(c) ?? []; if (list.length < 100) list.push(i); byClass.set(c, list); });
const names = model.classNames ?? [];
for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
  const idx = byClass.get(c);
  const x = new Float32Array(idx.length * L);
  idx.forEach((i, k) => { const s = clip(i); for (let j = 0; j < L; j++) x[k * L + j] = s[j] / 32768; });
  const input = tf.tensor4d(x, [idx.length, 1, L, 1]);
  const logits = await model.predict(input);
  const pred = Array.from(await tf.argMax(logits, 1).data());
  const probs = await tf.softmax(logits).array();
  const meanP = probs.reduce((sum, row) => sum + row[c], 0) / probs.length;
  const hist = new Map(); pred.forEach((p) => hist.set(p, (hist.get(p) ?? 0) + 1));
  const top = [...hist.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([p, n]) => `${names[p] ?? p} ${n}`).join(', ');
  console.log(`teacher ${names[c] ?? c} (${idx.length} clips): student agrees on ${pred.filter((p) => p === c).length}, its mean p(${names[c] ?? c}) ${meanP.toFixed(3)}; student answers ${top}`);
  tf.dispose([input, logits]);
}
