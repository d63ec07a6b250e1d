// Diagnostic probe of a 12-class audio run on the 330-clip development set (experiments/audio/RESULTS.md,
// session 6): it reads logits only and chooses nothing. Usage: node tools/audio/probe-gain.mjs <run-dir> (after npx nx run-many -t build).
import { tf, openEvalSet, resolveDataRoot } from '@augprior/core';
import { loadRunClassifier, registerFrontEnds } from '@augprior/runner';
registerFrontEnds();
const { selectEngine } = await import('@augprior/core');
await selectEngine({ backend: 'auto' });
const model = loadRunClassifier(process.argv[2]);
const set = await openEvalSet({ kind: 'speech_commands', path: 'speechcommands/v0.01-sample', split: 'all', protocol: '12', classOrder: 'mlperf' }, { dataRoot: resolveDataRoot({ env: process.env, cwd: process.cwd() }), cwd: process.cwd(), seed: 0 });
for (const gain of [0.25, 1, 4, 16]) {
  const hist = Array.from({ length: 12 }, () => new Array(12).fill(0));
  for await (const b of set.batches(110)) {
    const x = tf.tidy(() => tf.clipByValue(tf.mul(b.x, gain), -1, 1));
    const logits = await model.predict(x);
    const p = Array.from(await tf.argMax(logits, 1).data()); const y = Array.from(await b.y.data());
    y.forEach((t, i) => hist[t][p[i]]++);
    tf.dispose([x, logits, b.x, b.y]);
  }
  console.log('gain', gain, 'keywords->', hist.slice(0, 10).reduce((a, r) => a.map((v, i) => v + r[i]), new Array(12).fill(0)).join(' '), '| unknown->', hist[11].join(' '));
}
