/**
 * tools/audio/tf_mfcc_reference.py's generated_clip, rebuilt from its formula so the fixture need
 * not store samples: keep the two in step.
 */
export function generatedClip(samples: number, gain: number): Float32Array {
  const out = new Float32Array(samples);
  let state = 12345;
  for (let n = 0; n < samples; n++) {
    const t = n / 16000;
    state = (Math.imul(1664525, state) + 1013904223) >>> 0;
    const noise = state / 2 ** 32 - 0.5;
    const envelope = 0.05 + 0.95 * Math.sin(Math.PI * t) ** 2;
    const chirp = 0.6 * Math.sin(2 * Math.PI * (100 * t + 1950 * t * t));
    out[n] = gain * (envelope * chirp + 0.05 * noise - (n === 8000 ? 1.2 : 0));
  }
  return out;
}
