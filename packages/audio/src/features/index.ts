/** Waveform front ends: the teachers' MLPerf TF MFCC and NeMo MFCC, and the student's meyda log-mel / MFCC. */
export { type ClipFeatureExtractor, frameCount } from './extractor.js';
export { RealFft } from './fft.js';
export { createTfMfcc, MLPERF_KWS_MFCC, nextPowerOfTwo, type TfMfccSpec } from './tf-mfcc.js';
export { createNemoMfcc, MATCHBOXNET_MFCC, orthoDctMatrix, torchMelFilterbank, type NemoMfccSpec } from './nemo-mfcc.js';
export { tfMelWeightMatrix, hertzToMelHtk, type TfMelOptions } from './tf-mel.js';
export { KWS_LOGMEL, KWS_MFCC, type LogMelSpec, type MfccSpec } from './meyda-spec.js';
export type { MeydaWindowing } from './meyda.js';
export { meydaMelFilterBank } from './meyda-filterbank.js';
export { createLogMel } from './logmel.js';
export { createMfcc } from './mfcc.js';
export { createMeydaLogMelReference, createMeydaMfccReference } from './meyda-reference.js';
export { measureFeatureRates, noiseClips, type FeatureRate, type FeatureRates, type FeatureRateOptions } from './bench.js';
