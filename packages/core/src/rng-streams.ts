/**
 * Every named random stream of the project, in one table. A stream is `Rng.derive(seed, tag,
 * ...indices)`; the tag is its name's ASCII bytes read as one number ('epoch' -> 0x65706f6368),
 * so two uses can never share a stream by accident and a tag's value is readable in a debugger.
 * The names are frozen: renaming one changes every draw of that stream (and old caches).
 */
export function streamTag(name: string): number {
  if (!/^[\x20-\x7e]{1,6}$/.test(name)) throw new Error(`stream name "${name}" must be 1-6 printable ASCII characters (a tag must stay an exact integer)`);
  let tag = 0;
  for (const ch of name) tag = tag * 256 + ch.charCodeAt(0);
  return tag;
}

export const RNG_STREAMS = {
  /** The trainer's own stream (checkpointed with the run). */
  train: streamTag('train'),
  /** Model weight initialisation. */
  modelInit: streamTag('mod'),
  /** Synthetic bench inputs. */
  bench: streamTag('bench'),
  /** Bootstrap resamples of an evaluation. */
  bootstrap: streamTag('boot'),
  /** Epoch permutations: image patch datasets. */
  imageEpoch: streamTag('epoch'),
  /** Batches drawn with replacement (the PyTorch port's torch.randint sampling). */
  withReplacement: streamTag('draw'),
  /** Epoch permutations: audio clip datasets and evaluation sets served as training data. */
  clipEpoch: streamTag('epo'),
  /** Per-batch image augmentation (flip, crop, CutMix, the ImageNet pipeline). */
  imageAugment: streamTag('aug'),
  /** Per-batch video augmentation. */
  videoAugment: streamTag('vid'),
  /** Per-batch SpecAugment / spectrogram mixing plans. */
  specAugment: streamTag('spec'),
  /** One clip of the single-recording dataset; word isolation draws from its own. */
  clip: streamTag('clip'),
  isolate: streamTag('isol'),
  /** Synthetic noise recordings. */
  noiseRecording: streamTag('nois'),
  /** `_silence_` crops of Speech Commands' background noise. */
  silence: streamTag('sil'),
  /** Synthesised silence clips of the single-recording recipe. */
  silenceClip: streamTag('silc'),
  /** The noise floor under speech clips of the single-recording recipe. */
  clipFloor: streamTag('floor'),
  /** Per-batch waveform augmentation of the single-recording clips (data.online). */
  clipOnline: streamTag('onl'),
  /** The fixed augmentations of each clip under data.online.variants (one stream per clip and variant). */
  clipVariant: streamTag('onlv'),
  /** Procedural image sources. */
  noiseImage: streamTag('noise'),
  deadLeaves: streamTag('leaves'),
  /** One fake video clip; one synthetic action clip. */
  fakeVideo: streamTag('fake'),
  action: streamTag('act'),
  /** Feature visualisation: the Fourier image init and the per-step robustness transforms. */
  fourierInit: streamTag('ffti'),
  visualizeStep: streamTag('viz'),
} as const;
