/**
 * Resampling a long signal as independent, overlapping blocks.
 *
 * libsamplerate-js handles at most 1,008,000 samples (input or output) per call. Beyond that it
 * falls back to libsamplerate's streaming API on state it shares with its one-shot API, and (as of
 * 2.1.2) returns a small fraction of the expected output and corrupts later long calls. So a long
 * signal is cut here into blocks that each fit, every block padded on both sides by more than the
 * filter's reach; each is converted on its own and trimmed back to its core, and the cores join
 * into what a single conversion of the whole signal would give, up to float rounding.
 */

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * `convert` resamples one block from `fromRate` to `toRate`, starting its output at the block's first
 * sample. `maxCall` bounds input and output samples per call; `margin` is how many input samples
 * on each side the filter needs to see for an output sample to be exact.
 */
export function resampleInBlocks(
  convert: (block: Float32Array) => Float32Array,
  samples: Float32Array,
  fromRate: number,
  toRate: number,
  maxCall: number,
  margin: number,
): Float32Array {
  // Block boundaries sit on multiples of inStep input samples, the ones that fall exactly on an
  // output sample (inStep inputs <-> outStep outputs), so trimmed blocks stay on one output grid.
  const g = gcd(fromRate, toRate);
  const inStep = fromRate / g;
  const outStep = toRate / g;
  const pad = Math.ceil(margin / inStep) * inStep;
  const budget = Math.floor(maxCall / Math.max(1, toRate / fromRate));
  const core = Math.floor((budget - 2 * pad) / inStep) * inStep;
  if (core <= 0) throw new Error(`resampleInBlocks: ${fromRate} Hz -> ${toRate} Hz cannot be cut into blocks of at most ${maxCall} samples`);

  const pieces: Float32Array[] = [];
  let total = 0;
  for (let start = 0; start < samples.length; start += core) {
    const lo = Math.max(0, start - pad);
    const last = start + core >= samples.length;
    const hi = last ? samples.length : Math.min(samples.length, start + core + pad);
    const out = convert(samples.subarray(lo, hi));
    const skip = ((start - lo) / inStep) * outStep;
    // The last block keeps the converter's own ending, so the total length matches a one-shot call.
    const take = last ? out.length - skip : (core / inStep) * outStep;
    if (take < 0 || out.length < skip + take) throw new Error(`resampleInBlocks: a block of ${hi - lo} samples gave ${out.length} outputs, expected at least ${skip + take}`);
    pieces.push(out.subarray(skip, skip + take));
    total += take;
  }
  const joined = new Float32Array(total);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}
