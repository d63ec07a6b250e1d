/** Fixture audio the tests generate (not part of the package API). */
export { encodePcm16Wav as pcm16Wav } from '../wav/encode.js';

/** A tone of `hz` (deterministic fixture audio). */
export function tone(hz: number, seconds: number, sampleRate: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate));
}
