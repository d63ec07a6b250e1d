/**
 * @augprior/audio: the audio front end. Its data sources, evaluation sets and teachers join core's
 * registries through `registerAudio`, which only the CLI calls (nothing registers on import).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { dataPath, type FrontEndRegistries } from '@augprior/core';
import { kwsMfccInt8Set } from './datasets/kws-mfcc-int8.js';

export { kwsMfccInt8Set, MLPERF_KWS_CLASSES } from './datasets/kws-mfcc-int8.js';

const KwsMfccArgs = z.strictObject({
  path: z.string().min(1),
  /** The int8 model's input quantisation (0.5847, 83 for the MLPerf Tiny DS-CNN reference). */
  scale: z.number().positive(),
  zeroPoint: z.number().int(),
  limit: z.number().int().positive().optional(),
});

/** Adds this front end's entries to the registries and returns their names. */
export function registerAudio(registries: FrontEndRegistries): string[] {
  registries.evalSets.register('kws-mfcc-int8', {
    description: 'MLPerf Tiny KWS test features (EEMBC int8 49x10 MFCC .bin files), dequantised',
    args: KwsMfccArgs,
    open: async (args, { dataRoot, cwd }) => {
      const { path, scale, zeroPoint, limit } = KwsMfccArgs.parse(args);
      const where = path.startsWith('.') || path.startsWith('/') ? resolve(cwd, path) : dataPath(dataRoot, path, 'the KWS MFCC samples');
      return kwsMfccInt8Set({ path: where, scale, zeroPoint, ...(limit ? { limit } : {}) });
    },
  });
  return ['kws-mfcc-int8'];
}
