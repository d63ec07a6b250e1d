/** WAV decoding, down-mixing and resampling for the audio front end. */
export { decodeWav, type DecodedAudio, type WavEncoding } from './decode.js';
export { toMono } from './mono.js';
export { resampleTo, releaseResamplers, type ResampleConverter, type ResampleOptions } from './resample.js';
export { loadAudioFile, type LoadAudioOptions, type LoadedAudio } from './load.js';
export { encodePcm16Wav } from './encode.js';
