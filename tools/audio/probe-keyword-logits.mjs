// Diagnostic probe of a 12-class audio run on the 330-clip development set (experiments/audio/RESULTS.md,
// session 6): it reads logits only and chooses nothing. Usage: node tools/audio/probe-keyword-logits.mjs <run-dir> (after npx nx run-many -t build).
import { tf, openEvalSet, resolveDataRoot, selectEngine } from '@augprior/core';
import { loadRunClassifier, registerFrontEnds } from '@augprior/runner';
registerFrontEnds();
await selectEngine({ backend: 'auto' });
const model = loadRunClassifier(process.argv[2]);
const set = await openEvalSet({ kind: 'speech_commands', path: 'speechcommands/v0.01-sample', split: 'all', protocol: '12', classOrder: 'mlperf' }, { dataRoot: resolveDataRoot({ env: process.env, cwd: process.cwd() }), cwd: process.cwd(), seed: 0 });
const rows = [];
for await (const b of set.batches(110)) {
  const logits = await model.predict(b.x);
  const lp = await tf.logSoftmax(logits).array(); const y = Array.from(await b.y.data());
  y.forEach((t, i) => rows.push({ t, lp: lp[i] }));
  tf.dispose([logits, b.x, b.y]);
}
// keyword-only argmax among keyword clips
let kwOk = 0; for (const r of rows.filter((r) => r.t < 10)) { const k = r.lp.slice(0, 10); if (k.indexOf(Math.max(...k)) === r.t) kwOk++; }
console.log('keyword clips: correct among 10 keyword outputs', kwOk, '/ 100');
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
for (const [name, f] of [['keyword', (r) => r.t < 10], ['silence', (r) => r.t === 10], ['unknown', (r) => r.t === 11]]) {
  const sel = rows.filter(f);
  console.log(name, 'mean log p: maxKeyword', mean(sel.map((r) => Math.max(...r.lp.slice(0, 10)))).toFixed(2), 'silence', mean(sel.map((r) => r.lp[10])).toFixed(2), 'unknown', mean(sel.map((r) => r.lp[11])).toFixed(2));
}
// prior-shift search: add b to all keyword logits: balanced acc
for (const bias of [0, 1, 2, 3, 4, 5, 6]) {
  const per = new Array(12).fill(0), cnt = new Array(12).fill(0);
  for (const r of rows) { const z = r.lp.map((v, c) => v + (c < 10 ? bias : 0)); const p = z.indexOf(Math.max(...z)); cnt[r.t]++; if (p === r.t) per[r.t]++; }
  console.log('keyword bias', bias, 'balanced', (mean(per.map((v, c) => v / cnt[c])) * 100).toFixed(1), 'top1', ((per.reduce((a, b) => a + b) / rows.length) * 100).toFixed(1));
}
