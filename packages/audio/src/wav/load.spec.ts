import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AugpriorError } from '@augprior/core';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWav } from './decode.js';
import { loadAudioFile } from './load.js';
import { releaseResamplers } from './resample.js';
import { pcmWav, sine, tempDir, writeTemp } from './test-utils/wav-bytes.js';

afterAll(() => releaseResamplers());

async function expectLoadError(file: string, options: { sampleRate: number; resample: boolean }, code: string, ...mentions: string[]): Promise<AugpriorError> {
  const error = await loadAudioFile(file, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AugpriorError);
  const named = error as AugpriorError;
  expect(named.code).toBe(code);
  for (const m of [file, ...mentions]) expect(named.message).toContain(m);
  return named;
}

const toInts = (x: Float32Array) => Array.from(x, (v) => Math.round(v * 32767));

describe('loadAudioFile', () => {
  const dir = tempDir();

  it('returns mono samples at the file rate when it matches', async () => {
    const file = writeTemp(dir, 'match.wav', pcmWav({ channels: 1, sampleRate: 16000, bits: 16 }, [[0, 16384, -16384]]));
    const loaded = await loadAudioFile(file, { sampleRate: 16000, resample: false });
    expect(loaded).toMatchObject({ sampleRate: 16000, sourceRate: 16000, sourceChannels: 1, file });
    expect(Array.from(loaded.samples)).toEqual([0, 0.5, -0.5]);
  });

  it('down-mixes and resamples a 48 kHz stereo file to 16 kHz mono', async () => {
    const left = sine(48000, 1000, 0.5, 0.8);
    const file = writeTemp(dir, 'stereo48k.wav', pcmWav({ channels: 2, sampleRate: 48000, bits: 16 }, [toInts(left), new Array(left.length).fill(0)]));
    const loaded = await loadAudioFile(file, { sampleRate: 16000, resample: true });
    expect(loaded).toMatchObject({ sampleRate: 16000, sourceRate: 48000, sourceChannels: 2 });
    expect(Math.abs(loaded.samples.length - 8000)).toBeLessThanOrEqual(3);
    const peak = Math.max(...loaded.samples.subarray(1000, 7000));
    expect(Math.abs(peak - 0.4)).toBeLessThan(0.004);
  });

  it('wav.sample-rate when the rate differs and resampling is off, with a hint to enable it', async () => {
    const file = writeTemp(dir, 'cd.wav', pcmWav({ channels: 1, sampleRate: 44100, bits: 16 }, [[1, 2, 3]]));
    const error = await expectLoadError(file, { sampleRate: 16000, resample: false }, 'wav.sample-rate', '44100 Hz', '16000 Hz');
    expect(error.hint).toMatch(/resampl/);
  });

  it('wav.missing for a file that does not exist; wav.unreadable for a folder', async () => {
    await expectLoadError(join(dir, 'nope', 'absent.wav'), { sampleRate: 16000, resample: true }, 'wav.missing', 'does not exist');
    await expectLoadError(dir, { sampleRate: 16000, resample: true }, 'wav.unreadable');
  });

  it('passes decoding errors on with the file name', async () => {
    const file = writeTemp(dir, 'song.wav', new TextEncoder().encode('ID3\u0003 not really audio'));
    await expectLoadError(file, { sampleRate: 16000, resample: true }, 'wav.not-riff', 'MP3');
    const huge = writeTemp(dir, 'ultrasonic.wav', pcmWav({ channels: 1, sampleRate: 384000, bits: 16 }, [[1, 2]]));
    await expectLoadError(huge, { sampleRate: 16000, resample: true }, 'resample.bad-rate', '384000 Hz');
  });
});

const SPEECH_COMMANDS = '/work/shared/data/speechcommands/v0.01-sample';
const HAVE_SPEECH_COMMANDS = existsSync(SPEECH_COMMANDS);

describe('real Speech Commands clips', () => {
  const title = HAVE_SPEECH_COMMANDS
    ? `decodes every clip in ${SPEECH_COMMANDS} as 16 kHz mono int16, at most 1 s`
    : `decodes real clips: skipped because the shared data folder ${SPEECH_COMMANDS} is missing`;
  it.skipIf(!HAVE_SPEECH_COMMANDS)(title, async () => {
    const words = readdirSync(SPEECH_COMMANDS, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_'));
    const files = words.flatMap((w) => readdirSync(join(SPEECH_COMMANDS, w.name)).filter((f) => f.endsWith('.wav')).map((f) => join(SPEECH_COMMANDS, w.name, f)));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const audio = decodeWav(readFileSync(file), file);
      expect(audio).toMatchObject({ sampleRate: 16000, channels: 1, format: 'pcm16' });
      expect(audio.length).toBeLessThanOrEqual(16000);
      expect(audio.length).toBeGreaterThan(0);
    }
    const loaded = await loadAudioFile(files[0]!, { sampleRate: 16000, resample: false });
    expect(loaded.samples.length).toBeLessThanOrEqual(16000);
    expect(Math.max(...loaded.samples.map(Math.abs))).toBeGreaterThan(0);
  });
});
