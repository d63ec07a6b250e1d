#!/usr/bin/env python3
"""Reference MFCCs for packages/audio/src/features/nemo-mfcc.ts, written independently of it.

NeMo's AudioToMFCCPreprocessor (MatchboxNet's front end) is torchaudio.transforms.MFCC; torchaudio
is not installed here, so its definitions (torchaudio 0.13, the release beside torch 1.13) are
written out over torch itself:

  Spectrogram: torch.stft(n_fft=512, hop_length=160, win_length=400, window=hann_window(400),
               center=True, pad_mode='reflect', normalized=False, onesided=True).abs() ** 2
  melscale_fbanks(257, f_min=0, f_max=8000, n_mels=64, sample_rate=16000, norm=None, mel_scale='htk')
  MFCC(log_mels=True): log(mel + 1e-6), then create_dct(64, 64, norm='ortho')
  CropOrPadSpectrogramAugmentation(audio_length=128): zeros split around the frames, odd one right

Writes packages/audio/src/features/fixtures/nemo-mfcc-reference.json with a few whole time steps
of each clip (the edges, where reflect padding and the crop/pad act, and the middle). Usage:

  /usr/bin/python3 tools/audio/nemo_mfcc_reference.py [--data /work/shared/data]
"""
import argparse
import hashlib
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tf_mfcc_reference import generated_clip, read_pcm16  # noqa: E402  (same clip formula as the TF fixture)

SPEC = {
    'sampleRate': 16000, 'clipSamples': 16000, 'window': 400, 'hop': 160, 'fftSize': 512,
    'melBands': 64, 'lowerHz': 0.0, 'upperHz': 8000.0, 'logOffset': 1e-6, 'coefficients': 64, 'timesteps': 128,
}
STEPS = [0, 12, 13, 14, 40, 63, 100, 113, 114, 127]
REAL_CLIP_DIR = 'speechcommands/v0.01-sample/yes'
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(REPO, 'packages/audio/src/features/fixtures/nemo-mfcc-reference.json')


def hz_to_mel(f):
    return 2595.0 * math.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def melscale_fbanks(n_freqs, f_min, f_max, n_mels, sample_rate):
    all_freqs = torch.linspace(0, sample_rate // 2, n_freqs, dtype=torch.float64)
    m_pts = torch.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2, dtype=torch.float64)
    f_pts = 700.0 * (10.0 ** (m_pts / 2595.0) - 1.0)
    f_diff = f_pts[1:] - f_pts[:-1]
    slopes = f_pts.unsqueeze(0) - all_freqs.unsqueeze(1)
    down = (-1.0 * slopes[:, :-2]) / f_diff[:-1]
    up = slopes[:, 2:] / f_diff[1:]
    return torch.clamp(torch.min(down, up), min=0.0)  # [n_freqs, n_mels]


def create_dct(n_mfcc, n_mels):
    n = torch.arange(float(n_mels), dtype=torch.float64)
    k = torch.arange(float(n_mfcc), dtype=torch.float64).unsqueeze(1)
    dct = torch.cos(math.pi / float(n_mels) * (n + 0.5) * k)
    dct[0] *= 1.0 / math.sqrt(2.0)
    dct *= math.sqrt(2.0 / float(n_mels))
    return dct.t()  # [n_mels, n_mfcc]


def nemo_mfcc(clip, spec):
    x = torch.zeros(spec['clipSamples'], dtype=torch.float64)
    x[: len(clip)] = torch.from_numpy(clip.astype('float64'))
    window = torch.hann_window(spec['window'], dtype=torch.float64)
    stft = torch.stft(x, n_fft=spec['fftSize'], hop_length=spec['hop'], win_length=spec['window'], window=window,
                      center=True, pad_mode='reflect', normalized=False, onesided=True, return_complex=True)
    power = stft.abs() ** 2  # [bins, frames]
    fb = melscale_fbanks(spec['fftSize'] // 2 + 1, spec['lowerHz'], spec['upperHz'], spec['melBands'], spec['sampleRate'])
    mel = torch.log(power.t() @ fb + spec['logOffset'])  # [frames, mels]
    mfcc = (mel @ create_dct(spec['coefficients'], spec['melBands'])).t()  # [coef, frames]
    frames = mfcc.shape[1]
    pad_left = (spec['timesteps'] - frames) // 2
    pad_right = spec['timesteps'] - frames - pad_left
    mfcc = torch.nn.functional.pad(mfcc, [pad_left, pad_right], mode='constant', value=0.0)
    return mfcc.t(), fb, frames  # [timesteps, coef]


def entry(name, clip, **identity):
    mfcc, _, frames = nemo_mfcc(clip, SPEC)
    return {
        'name': name, **identity, 'samples': int(len(clip)), 'frames': int(frames),
        'steps': {str(t): [round(float(v), 6) for v in mfcc[t]] for t in STEPS},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', default=os.environ.get('AUGPRIOR_DATA', '/work/shared/data'))
    args = parser.parse_args()
    clips = [
        entry('generated-full', generated_clip(16000, 1.0), formula='generated_clip(16000, gain=1.0) in tools/audio/tf_mfcc_reference.py'),
        entry('generated-short', generated_clip(12000, 0.25), formula='generated_clip(12000, gain=0.25): zero-padded to 16000 first'),
    ]
    folder = os.path.join(args.data, REAL_CLIP_DIR)
    first = sorted(f for f in os.listdir(folder) if f.endswith('.wav'))[0]
    path = os.path.join(folder, first)
    samples, rate = read_pcm16(path)
    assert rate == SPEC['sampleRate'], f'{path}: {rate} Hz'
    with open(path, 'rb') as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    clips.append(entry('speechcommands-yes', samples, path=f'{REAL_CLIP_DIR}/{first}', sha256=sha))
    _, fb, _ = nemo_mfcc(generated_clip(16000, 1.0), SPEC)
    fixture = {
        'about': 'NeMo AudioToMFCCPreprocessor (torchaudio MFCC) + CropOrPad to 128, over torch 1.13 float64; made by tools/audio/nemo_mfcc_reference.py',
        'spec': SPEC,
        'melFilterColumnSums': [round(float(v), 9) for v in fb.sum(dim=0)],
        'clips': clips,
    }
    with open(OUT, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {OUT}: ' + ', '.join(f"{c['name']} {c['frames']} frames" for c in clips))


if __name__ == '__main__':
    main()
