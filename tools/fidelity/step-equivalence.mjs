// K steps of our trainer's step (the same loss, optimizer and BatchNorm code train() runs) on the
// batches port_batches.py wrote, from the student's seed-0 initialisation; writes the initial
// weights, the per-step loss, the teacher's first logits and the final weights to $OUT for
// step_reference.py. usage: node tools/fidelity/step-equivalence.mjs [engine] [K]
import { readFileSync, writeFileSync } from 'node:fs';
const OUT = process.env.OUT ?? '/tmp/augprior-fidelity';
import { tf, createModel, loadTeacherSection, teacherKinds, loadExperiment, sectionValidators, resolveDataRoot, optimizers, losses, parseComponent, studentInput, selectEngine } from '@augprior/core';
import { registerFrontEnds } from '@augprior/runner';
const [engineName, K] = [process.argv[2] ?? 'torch', Number(process.argv[3] ?? 20)];
registerFrontEnds();
const eng = await selectEngine({ backend: engineName }); console.error(eng.reason);
const e = loadExperiment('experiments/image/cifar10-animals-resnet20-paper.json', [], sectionValidators);
const open = { dataRoot: resolveDataRoot(), seed: 0, cwd: process.cwd() };
const teacher = await loadTeacherSection(teacherKinds, e.teacher, open);
const student = createModel('resnet20', { numClasses: 10, inChannels: 3 }, 0);
const dump = async (path) => { const o = {}; for (const [n, v] of student.stateDict()) o[n] = { shape: v.shape, data: Array.from(await v.data()) }; writeFileSync(path, JSON.stringify(o)); };
await dump(`${OUT}/init.json`);
const all = new Float32Array(readFileSync(`${OUT}/batches.f32`).buffer.slice(0));
const B = 128, per = B * 32 * 32 * 3;
const params = student.namedParameters(); const byVar = new Map(params.map(([n, v]) => [v.name, n]));
const opt = parseComponent(optimizers, e.optimizer, 'optimizer', { extras: ['lr'] }); const optimizer = opt.entry.create(opt.args);
const lk = parseComponent(losses, e.loss, 'loss'); const lossFn = lk.entry.create(lk.args);
const out = { loss: [], teacher0: null };
for (let k = 0; k < K; k++) {
  const x = tf.tensor4d(all.subarray(k * per, (k + 1) * per), [B, 32, 32, 3]);
  const tl = await teacher.predict(x);
  if (k === 0) out.teacher0 = Array.from(await tl.data()).slice(0, 40);
  const si = studentInput(x, e.student.normalize);
  const { value, grads } = tf.variableGrads(() => lossFn({ studentLogits: student.forward(si, { training: true }), teacherLogits: tl }), params.map(([, v]) => v));
  out.loss.push((await value.data())[0]);
  const g = {}; for (const [vn, t] of Object.entries(grads)) g[byVar.get(vn)] = t;
  optimizer.step(params, g, e.optimizer.lr);
  tf.dispose([x, tl, si, value, ...Object.values(grads)]);
}
await dump(`${OUT}/final.json`);
writeFileSync(`${OUT}/ours.json`, JSON.stringify(out)); console.log(out.loss.map((l) => l.toFixed(5)).join(' '));
