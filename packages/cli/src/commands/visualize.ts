/**
 * `augprior image visualize --run <run-dir>`: "panda neurons" (RECIPE.md section 7). Activation
 * maximisation of chosen class logits for the run's teacher and its distilled student side by
 * side, written to <run>/visualize/ (grid.png: row 1 teacher, row 2 student; one PNG per model
 * and class; summary.json with the classes and final logits). The report shows the grid.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { AugpriorError, RunDir, loadRunModel, loadTeacherSection, openEvalSet, resolveDataRoot, selectEngine, studentInput, teacherKinds, tf, writeFileAtomic, type LoadedRunModel, type Teacher, type Tensor } from '@augprior/core';
import { visualizeChannels, visualizeClasses, type Visualization } from '@augprior/image';
import { gridPng } from '@augprior/runner';
import { emitResult, note, type CommandIO } from '../io.js';
import { intFlag, runsRoot, stringFlag, type Flags } from '../options.js';
import { registerFrontEnds } from '@augprior/runner';

export const VISUALIZE_HELP = `augprior image visualize --run <run-dir> [--classes giant_panda,harp | 3,5 | --channels 0,7] [--steps 256] [--size S] [--lr 0.05] [--seed 0] [--json]
  activation maximisation (Lucent-style: decorrelated Fourier image, jitter/scale/rotate, Adam) of
  class logits, or of channels of the last feature map before pooling, for the run's teacher and its
  student side by side -> <run>/visualize/ (channels: visualize-channels/).`;

const normalizeName = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '_');

/** Class names or indices -> indices, with an error that lists what exists. */
export function resolveClasses(wanted: string[], classNames: readonly string[] | undefined, numClasses: number): number[] {
  return wanted.map((item) => {
    if (/^\d+$/.test(item)) {
      const index = Number(item);
      if (index >= numClasses) throw new AugpriorError('visualize.bad-class', `class index ${index} is outside 0..${numClasses - 1}`);
      return index;
    }
    const index = classNames?.findIndex((name) => normalizeName(name) === normalizeName(item)) ?? -1;
    if (index < 0) {
      const hint = classNames ? `known: ${classNames.slice(0, 12).join(', ')}${classNames.length > 12 ? ', ...' : ''}` : 'the run has no class names; give indices';
      throw new AugpriorError('visualize.bad-class', `no class "${item}"`, hint);
    }
    return index;
  });
}

/**
 * Runs each model's visualisation and writes one PNG per model and target, grid.png (one row per
 * model) and summary.json into `out`; both the class and the channel paths end here.
 */
async function writeVisualizations(
  out: string,
  models: Array<{ role: string; run: () => Promise<Visualization> }>,
  labels: string[],
  size: number,
  summary: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  mkdirSync(out, { recursive: true });
  const rows: Uint8Array[][] = [];
  const perModel: Record<string, unknown> = {};
  for (const model of models) {
    const started = performance.now();
    const result = await model.run();
    rows.push(result.images);
    perModel[model.role] = { final: result.finalLogits, seconds: Math.round((performance.now() - started) / 100) / 10 };
    for (const [i, rgb] of result.images.entries()) {
      writeFileAtomic(join(out, `${model.role}-${labels[i]!.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`), await sharp(rgb, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer());
    }
  }
  writeFileAtomic(join(out, 'grid.png'), await gridPng(rows.flat().map((rgb) => ({ width: size, height: size, rgb })), labels.length, 128));
  const full = { ...summary, size, models: perModel, rows: models.map((m) => m.role) };
  writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

export async function visualizeCommand(flags: Flags, io: CommandIO): Promise<number> {
  const runPath = stringFlag(flags, 'run');
  if (!runPath) throw new AugpriorError('cli.bad-arguments', 'image visualize needs --run <run-dir>');
  registerFrontEnds();
  const dir = resolve(io.cwd, runPath);
  const config = RunDir.open(dir).readConfig() as { teacher?: { kind: string } & Record<string, unknown>; eval?: { kind: string } & Record<string, unknown>; seed?: number };
  const engine = await selectEngine({ backend: 'auto' });
  note(io, `[augprior] ${engine.reason}`);
  const dataRoot = resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env });
  const context = { dataRoot, seed: 0, cwd: io.cwd, runsDir: runsRoot(io.env) };
  const student = loadRunModel(dir);
  if (student.features) throw new AugpriorError('visualize.not-images', `run ${dir} learns from ${student.features.kind} features, not images`);
  const teacher = config.teacher ? await loadTeacherSection(teacherKinds, config.teacher, context) : undefined;
  try {
    // The test set says the input size and the class names.
    const evalSet = config.eval ? await openEvalSet(config.eval, context) : undefined;
    let inputSize = intFlag(flags, 'size') ?? 32;
    if (evalSet) {
      const first = (await evalSet.batches(1)[Symbol.asyncIterator]().next()).value;
      if (first) {
        inputSize = first.x.shape[1]!;
        tf.dispose([first.x, first.y]);
      }
    }
    const channelList = stringFlag(flags, 'channels');
    if (channelList) return await visualizeChannelsOf(channelList, { dir, inputSize, flags, io, student, ...(teacher ? { teacher } : {}) });
    const wanted = (stringFlag(flags, 'classes') ?? Array.from({ length: Math.min(student.model.numClasses, 10) }, (_, i) => String(i)).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
    const classes = resolveClasses(wanted, evalSet?.classNames, student.model.numClasses);
    const names = classes.map((c) => evalSet?.classNames?.[c] ?? String(c));
    // Small inputs (CIFAR's 32 px) are optimised at twice the size, so the transforms stay gentle.
    const size = intFlag(flags, 'size') ?? (inputSize < 64 ? 2 * inputSize : inputSize);
    const options = { size, inputSize, steps: intFlag(flags, 'steps') ?? 256, lr: Number(stringFlag(flags, 'lr') ?? 0.05), seed: intFlag(flags, 'seed') ?? 0 };
    const models: Array<{ role: string; logitsOf: (x: Tensor) => Tensor }> = [
      ...(teacher?.predictSync ? [{ role: 'teacher', logitsOf: (x: Tensor) => teacher.predictSync!(x) }] : []),
      { role: 'student', logitsOf: (x: Tensor) => student.model.forward(studentInput(x, student.normalize), { training: false }) },
    ];
    if (teacher && !teacher.predictSync) note(io, `[visualize] the teacher (${teacher.description}) runs outside tfjs, so it has no input gradients; student only`);
    const summary = await writeVisualizations(
      join(dir, 'visualize'),
      models.map((model) => ({ role: model.role, run: () => visualizeClasses(model.logitsOf, classes, { ...options, onStep: (step, logit) => note(io, `[visualize] ${model.role} step ${step}/${options.steps}: mean target logit ${logit.toFixed(2)}`) }) })),
      names,
      size,
      { run: dir, classes: names, inputSize, steps: options.steps, lr: options.lr, seed: options.seed },
    );
    emitResult(io, flags['json'] === true, summary, () => `${models.map((m) => m.role).join(' and ')} visualised for ${names.join(', ')} -> ${join(dir, 'visualize', 'grid.png')}`);
    return 0;
  } finally {
    teacher?.dispose();
    student.model.dispose();
  }
}

/** `--channels`: the mean activation of each channel of the last feature map, teacher and student (each where it exposes one). */
async function visualizeChannelsOf(list: string, context: { dir: string; inputSize: number; flags: Flags; io: CommandIO; student: LoadedRunModel; teacher?: Teacher }): Promise<number> {
  const { dir, inputSize, flags, io, student, teacher } = context;
  const channels = list.split(',').map((item) => {
    if (!/^\d+$/.test(item.trim())) throw new AugpriorError('visualize.bad-channel', `channel "${item}" is not an index`);
    return Number(item.trim());
  });
  const models: Array<{ role: string; featureMapOf: (x: Tensor) => Tensor }> = [];
  if (teacher?.featureMap) models.push({ role: 'teacher', featureMapOf: (x) => teacher.featureMap!(x) });
  else if (teacher) note(io, `[visualize] the teacher (${teacher.description}) exposes no feature map; student only`);
  const map = student.model.featureMap?.bind(student.model);
  if (!map) throw new AugpriorError('visualize.no-feature-map', `${student.model.arch} exposes no feature map (resnet*, wrn_*, mobilenet_* do)`);
  models.push({ role: 'student', featureMapOf: (x) => map(studentInput(x, student.normalize), { training: false }) });
  const size = intFlag(flags, 'size') ?? (inputSize < 64 ? 2 * inputSize : inputSize);
  const options = { size, inputSize, steps: intFlag(flags, 'steps') ?? 256, lr: Number(stringFlag(flags, 'lr') ?? 0.05), seed: intFlag(flags, 'seed') ?? 0 };
  for (const model of models) {
    const probe = tf.tidy(() => model.featureMapOf(tf.zeros([1, inputSize, inputSize, 3])).shape[3]!);
    const tooHigh = channels.find((c) => c >= probe);
    if (tooHigh !== undefined) throw new AugpriorError('visualize.bad-channel', `the ${model.role}'s feature map has ${probe} channels; ${tooHigh} is out of range`);
  }
  const out = join(dir, 'visualize-channels');
  const summary = await writeVisualizations(
    out,
    models.map((model) => ({ role: model.role, run: () => visualizeChannels(model.featureMapOf, channels, { ...options, onStep: (step, value) => note(io, `[visualize] ${model.role} step ${step}/${options.steps}: mean channel activation ${value.toFixed(3)}`) }) })),
    channels.map((c) => `channel-${c}`),
    size,
    { run: dir, channels, inputSize, steps: options.steps, lr: options.lr, seed: options.seed },
  );
  emitResult(io, flags['json'] === true, summary, () => `${models.map((m) => m.role).join(' and ')}: channels ${channels.join(', ')} -> ${join(out, 'grid.png')}`);
  return 0;
}
