/** `augprior teacher import`: convert a teacher file once into a fast, self-describing directory. */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { AugpriorError, dataPath, models, resolveDataRoot } from '@augprior/core';
import { importTeacher, type InputSpec } from '@augprior/teachers';
import { emitResult, note, type CommandIO } from '../io.js';
import { intFlag, parseFlags, stringFlag, type Flags } from '../options.js';

export const TEACHER_HELP = `augprior teacher import <file> --out <dir> [--arch <registry model>] [options]

Converts a teacher once into <dir> (teacher.json + the network), then:
<file> is read from the working directory, or else from the data root (--data-root), so
\`teacher import teachers/video-ucf5-lrcn-keras/LRCN_ucf50_5cls.h5\` finds the shared teacher.
augprior eval --model <dir> --dataset <kind>:<path>, or teacher {"kind": "imported", "path": <dir>}.
  PyTorch checkpoint (.th/.pt/.pth; zip or legacy pickle; state_dict top-level or under
    "state_dict"; "module." stripped): mapped onto --arch, weights saved as safetensors.
  TF.js layers model (model.json + shards): copied, final softmax switched off (logits out).
  ONNX (.onnx): run by onnxruntime-node; --input-layout nchw (default) | nhwc | nct (audio features [n, time, features, 1] -> [n, features, time]) | as-is.
  Keras HDF5 (.h5 with model_config): rebuilt with tfjs-layers, stored as a TF.js layers model.
  TFLite (.tflite, fp32 or int8): executed as a tfjs graph (int8 runs dequantised, in float).

  --num-classes <n>        output classes (default 10)
  --input-size <h>x<w>     the input the network was trained on (default 32x32)
  --normalize <preset>     imagenet (mean .485 .456 .406, std .229 .224 .225), cifar, none
  --mean a,b,c --std a,b,c explicit per-channel normalisation (overrides --normalize)
  --scale <s>              multiply [0,1] inputs first (255 for raw-pixel networks)
  --frames <n>             video teachers: frames per clip
  --bgr                    the network expects BGR channel order
  --labels cifar10|<a,b,c> class names stored with the teacher
  --labels-file <json>     class names from a JSON list, {"labels": [...]} or an ImageNet class index`;

const PRESETS: Record<string, InputSpec['normalize'] | undefined> = {
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  cifar: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
  none: undefined,
};

const LABEL_SETS: Record<string, string[]> = {
  cifar10: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
};

const numbers = (flag: string, value: string) => {
  const list = value.split(',').map(Number);
  if (list.some((v) => !Number.isFinite(v))) throw new AugpriorError('cli.bad-arguments', `--${flag} expects comma-separated numbers, got "${value}"`);
  return list;
};

/** Class names from a JSON list, {"labels": [...]} (tfjs metadata.json) or {"0": [wnid, name], ...}. */
function readLabels(path: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AugpriorError('cli.bad-arguments', `--labels-file ${path}: ${(error as Error).message}`);
  }
  if (Array.isArray(json)) return json.map(String);
  const record = json as Record<string, unknown>;
  if (Array.isArray(record['labels'])) return (record['labels'] as unknown[]).map(String);
  const keys = Object.keys(record).filter((k) => /^\d+$/.test(k));
  if (keys.length) return keys.sort((a, b) => Number(a) - Number(b)).map((k) => String((record[k] as unknown[])[1] ?? record[k]));
  throw new AugpriorError('cli.bad-arguments', `--labels-file ${path}: expected a list, {"labels": [...]} or a class index`);
}

export async function teacherCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv, {
    arch: { type: 'string' },
    out: { type: 'string' },
    'num-classes': { type: 'string' },
    'input-size': { type: 'string' },
    normalize: { type: 'string' },
    mean: { type: 'string' },
    std: { type: 'string' },
    scale: { type: 'string' },
    bgr: { type: 'boolean' },
    labels: { type: 'string' },
    'labels-file': { type: 'string' },
    'input-layout': { type: 'string' },
    frames: { type: 'string' },
  });
  const [action, file] = positionals;
  if (flags['help'] || action !== 'import') {
    io.stdout.write(`${TEACHER_HELP}\n`);
    return flags['help'] ? 0 : 2;
  }
  const arch = stringFlag(flags, 'arch');
  const out = stringFlag(flags, 'out');
  if (!file || !out) throw new AugpriorError('cli.bad-arguments', 'teacher import needs <file> and --out (and --arch for PyTorch checkpoints)', `architectures: ${models.list().join(', ')}`);
  const preset = stringFlag(flags, 'normalize') ?? 'none';
  if (!(preset in PRESETS)) throw new AugpriorError('cli.bad-arguments', `--normalize ${preset}: choose ${Object.keys(PRESETS).join(', ')}`);
  const mean = stringFlag(flags, 'mean');
  const std = stringFlag(flags, 'std');
  const normalize = mean && std ? { mean: numbers('mean', mean), std: numbers('std', std) } : PRESETS[preset];
  const [h, w] = (stringFlag(flags, 'input-size') ?? '32x32').split('x').map(Number);
  const labelsFlag = stringFlag(flags, 'labels');
  const labelsFile = stringFlag(flags, 'labels-file');
  const labels = labelsFile ? readLabels(resolve(io.cwd, labelsFile)) : labelsFlag ? (LABEL_SETS[labelsFlag] ?? labelsFlag.split(',')) : undefined;
  const spec = await importTeacher({
    file: teacherFile(file, flags, io),
    ...(arch ? { arch } : {}),
    out: resolve(io.cwd, out),
    numClasses: intFlag(flags, 'num-classes') ?? 10,
    input: {
      size: [h!, w!],
      channels: 3,
      scale: Number(stringFlag(flags, 'scale') ?? 1),
      channelOrder: flags['bgr'] ? 'BGR' : 'RGB',
      ...(intFlag(flags, 'frames') ? { frames: intFlag(flags, 'frames')! } : {}),
      ...(normalize ? { normalize } : {}),
    },
    ...(labels ? { labels } : {}),
    ...(stringFlag(flags, 'input-layout') ? { onnxLayout: stringFlag(flags, 'input-layout') as 'nhwc' | 'nchw' | 'nct' | 'as-is' } : {}),
  });
  const what = spec.model.kind === 'registry' ? spec.model.arch : spec.model.kind;
  note(io, `[teacher] ${file} (${spec.source.format}) -> ${out} as ${what}`);
  emitResult(io, flags['json'] === true, { out: resolve(io.cwd, out), ...spec }, () => `imported ${spec.source.file} as ${what} (${spec.numClasses} classes) into ${out}`);
  return 0;
}

/** A path under the working directory when it is there, else under the data root. */
function teacherFile(file: string, flags: Flags, io: CommandIO): string {
  const local = resolve(io.cwd, file);
  if (isAbsolute(file) || existsSync(local) || file.startsWith('./')) return local;
  return dataPath(resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env }), file, 'the teacher file');
}
