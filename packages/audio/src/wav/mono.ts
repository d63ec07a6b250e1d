/** Down-mix to one channel by averaging, the usual front end for single-channel keyword models. */

/** Averages the channels sample by sample. With one channel, that channel itself is returned (not a copy). */
export function toMono(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (!first) throw new Error('toMono needs at least one channel');
  if (channels.length === 1) return first;
  for (const channel of channels) {
    if (channel.length !== first.length) throw new Error(`toMono: channels differ in length (${first.length} vs ${channel.length})`);
  }
  const out = new Float32Array(first.length);
  for (let i = 0; i < out.length; i++) {
    let sum = 0; // accumulated in double so the mean is rounded to float32 once
    for (const channel of channels) sum += channel[i]!;
    out[i] = sum / channels.length;
  }
  return out;
}
