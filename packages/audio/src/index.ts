/**
 * @augprior/audio: the audio front end. Its data sources, evaluation sets, feature front ends and
 * teachers join core's registries through `registerAudio`, which only the CLI calls (nothing
 * registers on import).
 */
import { z } from 'zod';
import { loadTeacherSection, type DataRoot, type FrontEndRegistries, resolveDataPath, defineDataSource, defineEvalSet } from '@augprior/core';
import { kwsMfccInt8Set } from './datasets/kws-mfcc-int8.js';
import { speechCommandsSet, SpeechCommandsArgs } from './datasets/speech-commands.js';
import { audioTeacherKind } from './train/audio-teacher.js';
import { silenceGateKind } from './train/silence-gate.js';
import { AudioClipsArgs, audioClipsSource } from './train/clip-source.js';
import { FEATURE_FRONT_ENDS } from './train/feature-front-ends.js';

export { kwsMfccInt8Set, MLPERF_KWS_CLASSES } from './datasets/kws-mfcc-int8.js';
export { speechCommandsSet, indexSpeechCommands, SpeechCommandsArgs, KEYWORDS, SILENCE, UNKNOWN, type SpeechCommandsIndex, type SpeechCommandsItem } from './datasets/speech-commands.js';
export { AudioClipsArgs, audioClipsSource, openClipDataset, scoreClips, type TeacherLoader } from './train/clip-source.js';
export { TeacherBalanceSchema } from './train/teacher-balance.js';
export { ClipRecipeSchema, makeClip, clipLength, type ClipRecipe, type ClipDraw } from './source/clip-generator.js';
export { generateClips, readClips, readClipManifest, type ClipManifest } from './source/clip-shards.js';
export { loadRecording, type Recording } from './source/recording.js';
export { WaveformAugmentSchema, type WaveformAugment } from './source/waveform-augment.js';
export { SpecAugmentSchema, drawSpecPlan, applySpecPlan, type SpecPlan } from './train/spec-plan.js';
export { tensorFrontEnd, FEATURE_FRONT_ENDS } from './train/feature-front-ends.js';
export { clipLevelsDb, silenceGateTeacher, SilenceGateArgs, type SilenceGate } from './train/silence-gate.js';
export * from './wav/index.js';
export * from './features/index.js';

const KwsMfccArgs = z.strictObject({
  path: z.string().min(1),
  /** The int8 model's input quantisation (0.5847, 83 for the MLPerf Tiny DS-CNN reference). */
  scale: z.number().positive(),
  zeroPoint: z.number().int(),
  limit: z.number().int().positive().optional(),
});

const under = (path: string, dataRoot: DataRoot, cwd: string, what: string) => resolveDataPath(path, { dataRoot, cwd }, what);

/** Adds this front end's entries to the registries and returns their names. */
export function registerAudio(registries: FrontEndRegistries): string[] {
  if (!registries.modalities.has('audio')) registries.modalities.register('audio', { description: 'waveforms, batches [n, 1, samples, 1] (features computed by student.features)' });
  registries.evalSets.register('kws_mfcc_int8', defineEvalSet({
    modality: 'audio',
    description: 'MLPerf Tiny KWS test features (EEMBC int8 49x10 MFCC .bin files), dequantised',
    args: KwsMfccArgs,
    open: async ({ path, scale, zeroPoint, limit }, { dataRoot, cwd }) => {
      return kwsMfccInt8Set({ path: under(path, dataRoot, cwd, 'the KWS MFCC samples'), scale, zeroPoint, ...(limit ? { limit } : {}) });
    },
  }));
  registries.evalSets.register('speech_commands', defineEvalSet({
    modality: 'audio',
    description: 'Speech Commands v0.01/v0.02 folder: official splits, 12-class (MLPerf or TF order) or every-word protocol, 1-s waveforms',
    args: SpeechCommandsArgs,
    open: async (options, { dataRoot, cwd }) => {
      const root = under(options.path, dataRoot, cwd, 'the Speech Commands folder');
      const silenceFrom = options.silence.from ? under(options.silence.from, dataRoot, cwd, 'the background-noise folder') : undefined;
      return speechCommandsSet({ ...options, root, silence: { ...options.silence, ...(silenceFrom ? { from: silenceFrom } : {}) } });
    },
  }));
  registries.dataSources.register('audio_clips', defineDataSource({
    modality: 'audio',
    description: 'random 1-s clips of ONE recording with waveform augmentations (packed int16 shards) + SpecAugment/mix plans',
    args: AudioClipsArgs,
    open: async (args, context) =>
      audioClipsSource(args, context, async (section) => loadTeacherSection(registries.teacherKinds, section, context)),
  }));
  for (const [name, entry] of Object.entries(FEATURE_FRONT_ENDS)) registries.featureExtractors.register(name, entry);
  registries.teacherKinds.register('audio', audioTeacherKind(registries.teacherKinds));
  registries.teacherKinds.register('silence_gate', silenceGateKind(registries.teacherKinds));
  return ['kws_mfcc_int8', 'speech_commands', 'audio_clips', ...Object.keys(FEATURE_FRONT_ENDS), 'audio', 'silence_gate'];
}
