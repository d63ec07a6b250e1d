/** `augprior eval`: evaluates a trained run's model on a dataset through the eval harness. */
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  AugpriorError,
  RunDir,
  evalSets,
  formatZodIssues,
  loadRunModel,
  normalizeInput,
  readConfigFile,
  resolveDataRoot,
  selectEngine,
  splitKind,
  ENGINE_NAMES,
} from '@augprior/core';
import { isTeacherDir, loadTeacherDir } from '@augprior/teachers';
import { evaluateClassifier, teacherPredict, type AnyPredict } from '@augprior/eval';
import { emitResult, note, type CommandIO } from '../io.js';
import { applyCommandLine, parseFlags, stringFlag } from '../options.js';
import { registerFrontEnds } from '../wire.js';

export const EVAL_HELP = `augprior eval --model <run-dir | teacher-dir> [--dataset <kind>[:<path>]] [--set dataset.<arg>=value ...] [--json]

Evaluates a model on a dataset: the newest checkpoint of a training run, or a teacher converted by
\`augprior teacher import\` (its own input preprocessing applied). The dataset defaults to the run's
eval section; e.g. --dataset cifar10:cifar10/test-jpeg (relative paths are under the data root,
./paths under the working directory) or cifar10-bin:<dir>. Accuracies are FRACTIONS in [0, 1].
With --config, the JSON holds {model, dataset, batchSize, engine}.`;

const EvalConfigSchema = z.strictObject({
  model: z.string().min(1),
  dataset: z.looseObject({ kind: z.string() }).optional(),
  batchSize: z.number().int().positive().default(256),
  engine: z
    .strictObject({ backend: z.enum(['auto', ...ENGINE_NAMES]).default('auto'), threads: z.number().int().min(0).default(0), device: z.enum(['cpu', 'cuda']).default('cpu') })
    .default({ backend: 'auto', threads: 0, device: 'cpu' }),
});

export async function evalCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseFlags(argv, { model: { type: 'string' }, dataset: { type: 'string' }, 'batch-size': { type: 'string' } });
  if (flags['help']) {
    io.stdout.write(`${EVAL_HELP}\n`);
    return 0;
  }
  registerFrontEnds();
  const configPath = stringFlag(flags, 'config');
  const base = configPath ? readConfigFile(resolve(io.cwd, configPath)) : {};
  const dataset = stringFlag(flags, 'dataset');
  const [datasetKind, ...datasetPath] = (dataset ?? '').split(':');
  const datasetSets = dataset ? [`dataset.kind=${datasetKind}`, ...(datasetPath.length ? [`dataset.path=${datasetPath.join(':')}`] : [])] : [];
  const raw = applyCommandLine(base, { ...flags, set: [...datasetSets, ...((flags['set'] as string[]) ?? [])] }, io.env, { model: 'model', 'batch-size': 'batchSize' });
  const parsed = EvalConfigSchema.safeParse(raw);
  if (!parsed.success) throw new AugpriorError('config.invalid', `eval: ${formatZodIssues(parsed.error)}`, 'pass --model <run-dir>');
  const config = parsed.data;

  const engine = await selectEngine(config.engine);
  note(io, `[augprior] ${engine.reason}`);
  const modelDir = resolve(io.cwd, config.model);
  const teacherDir = isTeacherDir(modelDir);
  const datasetSection = config.dataset ?? (teacherDir ? undefined : (RunDir.open(modelDir).readConfig() as { eval?: { kind: string } }).eval);
  if (!datasetSection) throw new AugpriorError('eval.no-dataset', `no --dataset given and run ${modelDir} has no eval section`);
  const kind = evalSets.get(datasetSection.kind);
  const [, args] = splitKind(datasetSection);
  const checked = kind.args.safeParse(args);
  if (!checked.success) throw new AugpriorError('config.invalid', `eval: ${formatZodIssues(checked.error, 'dataset')}`);
  const dataRoot = resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env });
  const evalSet = await kind.open(checked.data as Record<string, unknown>, { dataRoot, seed: 0, cwd: io.cwd });
  const loaded = teacherDir ? await loadTeacherModel(modelDir) : loadRunClassifier(modelDir);
  try {
    if (loaded.numClasses !== evalSet.numClasses) {
      throw new AugpriorError('eval.class-mismatch', `model ${loaded.describe.arch} predicts ${loaded.numClasses} classes but ${evalSet.description} has ${evalSet.numClasses}`, 'evaluate on a dataset with the classes the model was trained on');
    }
    const result = await evaluateClassifier(loaded.predict, evalSet, { batchSize: config.batchSize });
    const out = {
      model: loaded.describe,
      dataset: evalSet.description,
      engine: engine.engine,
      accuracyUnit: 'fraction',
      top1: result.top1,
      ...(result.top5 !== undefined ? { top5: result.top5 } : {}),
      count: result.count,
      perClassAccuracy: result.perClassAccuracy,
      confusion: result.confusion,
      samplesPerSecond: result.samplesPerSecond,
    };
    emitResult(io, flags['json'] === true, out, () => `${loaded.describe.arch} on ${evalSet.description}: top1 ${(result.top1 * 100).toFixed(2)}%${result.top5 !== undefined ? `, top5 ${(result.top5 * 100).toFixed(2)}%` : ''} (${result.count} samples)`);
    return 0;
  } finally {
    loaded.dispose();
  }
}

interface EvaluableModel {
  numClasses: number;
  predict: AnyPredict;
  describe: Record<string, unknown> & { arch: string };
  dispose(): void;
}

function loadRunClassifier(dir: string): EvaluableModel {
  const loaded = loadRunModel(dir);
  return {
    numClasses: loaded.model.numClasses,
    predict: (x) => loaded.model.forward(normalizeInput(x, loaded.normalize), { training: false }),
    describe: { run: dir, arch: loaded.model.arch, checkpoint: loaded.checkpoint, step: loaded.step },
    dispose: () => loaded.model.dispose(),
  };
}

async function loadTeacherModel(dir: string): Promise<EvaluableModel> {
  const teacher = await loadTeacherDir(dir);
  return {
    numClasses: teacher.numClasses,
    predict: teacherPredict(teacher),
    describe: { teacher: dir, arch: teacher.name, model: teacher.spec.model, source: teacher.spec.source.file, format: teacher.spec.source.format, input: teacher.spec.input },
    dispose: () => teacher.dispose(),
  };
}
