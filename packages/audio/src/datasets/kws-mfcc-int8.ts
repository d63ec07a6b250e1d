/**
 * The MLPerf Tiny keyword-spotting test features distributed by EEMBC (energyrunner): one file per
 * clip, `tst_<i>_<Word>_<label>.bin`, 490 int8 values = 49 frames x 10 MFCCs, already quantised
 * with the int8 reference model's input scale and zero point. Dequantised here to float
 * (scale * (q - zero_point)), the form the float32 DS-CNN consumes: x is [n, 49, 10, 1].
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AugpriorError, tf, type Batch, type LabeledDataset, spectrogramTiles } from '@augprior/core';
import { MLPERF_KWS_MFCC, createTfMfcc } from '../features/tf-mfcc.js';




/** Label order of the MLPerf Tiny KWS reference (12 classes). */
export const MLPERF_KWS_CLASSES = ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', '_silence_', '_unknown_'] as const;

export interface KwsMfccOptions {
  path: string;
  scale: number;
  zeroPoint: number;
  limit?: number;
}

export function kwsMfccInt8Set(options: KwsMfccOptions): LabeledDataset {
  if (!existsSync(options.path)) throw new AugpriorError('data.missing', `KWS MFCC samples not found at ${options.path}`);
  let files = readdirSync(options.path)
    .filter((f) => f.endsWith('.bin'))
    .sort();
  if (!files.length) throw new AugpriorError('data.empty', `${options.path} holds no .bin feature files`);
  if (options.limit) files = files.slice(0, options.limit);
  const labels = files.map((f) => {
    const match = /_(\d+)\.bin$/.exec(f);
    const label = match ? Number(match[1]) : NaN;
    if (!(label >= 0 && label < MLPERF_KWS_CLASSES.length)) throw new AugpriorError('data.bad-name', `${join(options.path, f)}: expected tst_<i>_<word>_<label 0-11>.bin`);
    return label;
  });
  return {
    description: `MLPerf Tiny KWS int8 MFCC ${basename(options.path)} (${files.length} clips, 49x10, dequantised with scale ${options.scale}, zero point ${options.zeroPoint})`,
    size: files.length,
    numClasses: MLPERF_KWS_CLASSES.length,
    drawInputs: spectrogramTiles,
    classNames: MLPERF_KWS_CLASSES,
    // What these files hold: the reference MFCC, so a student trained on mlperf_mfcc reads them as they are.
    inputFeatures: createTfMfcc(MLPERF_KWS_MFCC).description,
    async *batches(batchSize) {
      for (let start = 0; start < files.length; start += batchSize) {
        const chunk = files.slice(start, start + batchSize);
        const x = new Float32Array(chunk.length * 490);
        chunk.forEach((file, i) => {
          const bytes = readFileSync(join(options.path, file));
          if (bytes.length !== 490) throw new AugpriorError('data.corrupt', `${join(options.path, file)} has ${bytes.length} bytes, expected 490 (49x10 int8)`);
          for (let k = 0; k < 490; k++) x[i * 490 + k] = options.scale * (((bytes[k]! << 24) >> 24) - options.zeroPoint);
        });
        yield { x: tf.tensor4d(x, [chunk.length, 49, 10, 1]), y: tf.tensor1d(labels.slice(start, start + chunk.length), 'int32') } as Batch & { y: tf.Tensor };
      }
    },
  };
}
