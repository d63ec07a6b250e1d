#!/usr/bin/env python3
"""Reference MFCCs for packages/audio/src/features/tf-mfcc.ts, written independently of it.

Re-implements, in float64 numpy (no TensorFlow), the evaluation-time feature pipeline of the MLPerf
Tiny keyword-spotting reference (mlcommons/tiny benchmark/training/keyword_spotting/get_dataset.py,
feature_type 'mfcc', is_training=False), following TensorFlow's own definitions:

  wav / reduce_max(wav)            max, not max-abs: a clip whose minimum is below -max keeps |x| > 1
                                   (the eval path applies no clip_by_value; only training's
                                   background-noise branch clamps to [-1, 1])
  pad to desired_samples (16000)   zeros at the end; the [2, 2] pad + slice from 2 is the identity
  tf.signal.stft(480, 320, fft_length=None -> 512, hann_window periodic, pad_end=False) -> |.|
  tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20, 4000)   (mel_ops.py, HTK 1127 ln)
  log(mel + 1e-6)
  tf.signal.mfccs_from_log_mel_spectrograms: DCT-II (unnormalised, 2 * sum) * rsqrt(2 * num_mel_bins)
  first 10 coefficients -> [49, 10]

Writes packages/audio/src/features/fixtures/tf-mfcc-reference.json. The generated clips are not
stored: tf-mfcc.spec.ts regenerates them from the same formula (see `generated_clip`), so both
sides must keep that formula in step. Usage (numpy only; /usr/bin/python3 has numpy 1.24):

  /usr/bin/python3 tools/audio/tf_mfcc_reference.py [--data /work/shared/data]
"""
import argparse
import hashlib
import json
import os
import wave

import numpy as np

SPEC = {
    'sampleRate': 16000,
    'clipSamples': 16000,
    'window': 480,
    'hop': 320,
    'fftSize': 512,
    'melBands': 40,
    'lowerHz': 20.0,
    'upperHz': 4000.0,
    'logOffset': 1e-6,
    'coefficients': 10,
}
REAL_CLIP_DIR = 'speechcommands/v0.01-sample/yes'
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(REPO, 'packages/audio/src/features/fixtures/tf-mfcc-reference.json')


def generated_clip(samples, gain):
    """Chirp 100 -> 4000 Hz under a sin^2 envelope, plus LCG noise, plus one negative spike.

    Deterministic without numpy's RNG so TypeScript can rebuild it: the LCG is
    state = (1664525 * state + 1013904223) mod 2^32 from state 12345, noise = state / 2^32 - 0.5.
    The spike at sample 8000 (-1.2 before the gain) makes min < -max, which is where max and max-abs
    normalisation part ways. Returned as float32, the type the TypeScript side receives.
    """
    out = np.empty(samples, dtype=np.float64)
    state = 12345
    for n in range(samples):
        t = n / 16000.0
        state = (1664525 * state + 1013904223) % 2**32
        noise = state / 2.0**32 - 0.5
        envelope = 0.05 + 0.95 * np.sin(np.pi * t) ** 2
        chirp = 0.6 * np.sin(2.0 * np.pi * (100.0 * t + 1950.0 * t * t))
        out[n] = gain * (envelope * chirp + 0.05 * noise - (1.2 if n == 8000 else 0.0))
    return out.astype(np.float32)


def hertz_to_mel(f):
    return 1127.0 * np.log(1.0 + f / 700.0)


def mel_weight_matrix(spec):
    bins = spec['fftSize'] // 2 + 1
    nyquist = spec['sampleRate'] / 2.0
    # HTK drops the DC bin: its weights stay zero whatever the band edges say.
    linear_mel = hertz_to_mel(np.linspace(0.0, nyquist, bins)[1:])[:, None]
    edges = np.linspace(hertz_to_mel(spec['lowerHz']), hertz_to_mel(spec['upperHz']), spec['melBands'] + 2)
    lower, center, upper = edges[:-2][None, :], edges[1:-1][None, :], edges[2:][None, :]
    lower_slope = (linear_mel - lower) / (center - lower)
    upper_slope = (upper - linear_mel) / (upper - center)
    weights = np.maximum(0.0, np.minimum(lower_slope, upper_slope))
    return np.vstack([np.zeros((1, spec['melBands'])), weights])  # [bins, melBands]


def tf_mfcc(clip, spec):
    wav = clip.astype(np.float64)
    peak = wav.max()
    # TF divides by the maximum whatever it is; only an all-zero clip (0/0) is left as it is here.
    if peak != 0.0:
        wav = wav / peak
    assert len(wav) <= spec['clipSamples'], 'TF pads, it never truncates'
    wav = np.concatenate([wav, np.zeros(spec['clipSamples'] - len(wav))])
    frames = 1 + (spec['clipSamples'] - spec['window']) // spec['hop']
    n = np.arange(spec['window'])
    hann = 0.5 - 0.5 * np.cos(2.0 * np.pi * n / spec['window'])  # periodic: divide by N, not N - 1
    index = n[None, :] + spec['hop'] * np.arange(frames)[:, None]
    magnitude = np.abs(np.fft.rfft(wav[index] * hann, n=spec['fftSize']))  # [frames, bins]
    log_mel = np.log(magnitude @ mel_weight_matrix(spec) + spec['logOffset'])
    m = spec['melBands']
    k = np.arange(m)[:, None]
    cosines = np.cos(np.pi * k * (2 * np.arange(m)[None, :] + 1) / (2 * m))  # [k, n]
    mfcc = (2.0 * log_mel @ cosines.T) / np.sqrt(2.0 * m)
    return mfcc[:, :spec['coefficients']], peak


def read_pcm16(path):
    with wave.open(path, 'rb') as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2, path
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype='<i2')
    return (data.astype(np.float64) / 32768.0).astype(np.float32), rate


def entry(name, clip, spec, **identity):
    mfcc, peak = tf_mfcc(clip, spec)
    return {
        'name': name,
        **identity,
        'samples': int(len(clip)),
        'peak': float(peak),
        'mfcc': [[round(float(v), 7) for v in row] for row in mfcc],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', default=os.environ.get('AUGPRIOR_DATA', '/work/shared/data'))
    args = parser.parse_args()
    clips = [
        entry('generated-full', generated_clip(16000, 1.0), SPEC,
              formula='generated_clip(16000, gain=1.0) in tools/audio/tf_mfcc_reference.py'),
        entry('generated-short', generated_clip(12000, 0.25), SPEC,
              formula='generated_clip(12000, gain=0.25): shorter than the clip, zero-padded'),
    ]
    folder = os.path.join(args.data, REAL_CLIP_DIR)
    first = sorted(f for f in os.listdir(folder) if f.endswith('.wav'))[0]
    path = os.path.join(folder, first)
    samples, rate = read_pcm16(path)
    assert rate == SPEC['sampleRate'], f'{path}: {rate} Hz'
    with open(path, 'rb') as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    clips.append(entry('speechcommands-yes', samples, SPEC, path=f'{REAL_CLIP_DIR}/{first}', sha256=sha))
    fixture = {
        'about': 'MLPerf Tiny KWS MFCC (TF eval pipeline) in float64 numpy; made by tools/audio/tf_mfcc_reference.py',
        'spec': SPEC,
        'melWeightColumnSums': [round(float(v), 9) for v in mel_weight_matrix(SPEC).sum(axis=0)],
        'clips': clips,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {OUT}: ' + ', '.join(f"{c['name']} peak {c['peak']:.4f}" for c in clips))


if __name__ == '__main__':
    main()
