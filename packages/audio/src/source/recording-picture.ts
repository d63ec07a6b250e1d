/**
 * The one recording as a picture for a run's contact sheet: a log-mel spectrogram of its opening
 * seconds, one row per `rowSeconds` (a 229-s reading is ~11,000 frames: too wide for one row),
 * low frequencies at the bottom, louder = lighter, the same convention as the training-input tiles.
 */
import type { Picture } from '@augprior/core';
import { createLogMel } from '../features/logmel.js';
import type { Recording } from './recording.js';

export interface RecordingPictureOptions {
  rowSeconds: number;
  rows: number;
  melBands: number;
  /** Each mel band drawn this many pixels high. */
  bandPixels: number;
}

const DEFAULTS: RecordingPictureOptions = { rowSeconds: 15, rows: 4, melBands: 40, bandPixels: 2 };
/** 80 dB below the loudest cell is drawn black (natural log of 1e8). */
const DYNAMIC_RANGE = Math.log(1e8);

export function recordingPicture(recording: Recording, name: string, overrides: Partial<RecordingPictureOptions> = {}): Picture {
  const o = { ...DEFAULTS, ...overrides };
  const sr = recording.sampleRate;
  const rowSamples = Math.round(o.rowSeconds * sr);
  // 30-ms frames every 20 ms: the student front end's framing at any sample rate.
  const window = Math.round(0.03 * sr);
  const fftSize = 2 ** Math.ceil(Math.log2(window));
  const logMel = createLogMel({ sampleRate: sr, clipSamples: rowSamples, window, hop: Math.round(0.02 * sr), fftSize, melBands: o.melBands, logOffset: 1e-6, windowing: 'hanning' });
  const rows = Math.max(1, Math.min(o.rows, Math.ceil(recording.samples.length / rowSamples)));
  const values = Array.from({ length: rows }, (_, r) => logMel.extract(recording.samples.subarray(r * rowSamples, (r + 1) * rowSamples)));
  let high = -Infinity;
  for (const row of values) for (const v of row) if (v > high) high = v;
  const low = high - DYNAMIC_RANGE;
  const frames = logMel.frames;
  const bands = o.melBands;
  const rowHeight = bands * o.bandPixels;
  const gap = 3;
  const height = rows * rowHeight + (rows - 1) * gap;
  const rgb = new Uint8Array(frames * height * 3).fill(255);
  values.forEach((row, r) => {
    for (let y = 0; y < rowHeight; y++) {
      const band = bands - 1 - Math.floor(y / o.bandPixels);
      for (let t = 0; t < frames; t++) {
        const byte = Math.round(Math.max(0, Math.min(1, (row[t * bands + band]! - low) / (high - low))) * 255);
        const at = ((r * (rowHeight + gap) + y) * frames + t) * 3;
        rgb[at] = rgb[at + 1] = rgb[at + 2] = byte;
      }
    }
  });
  const total = recording.samples.length / sr;
  const shown = Math.min(total, rows * o.rowSeconds);
  return {
    caption: `the source: ${name} (${total.toFixed(1)} s), log-mel of ${shown < total ? `the first ${shown.toFixed(0)} s` : 'all of it'}, ${o.melBands} bands to ${sr / 2} Hz, one row per ${o.rowSeconds} s`,
    width: frames,
    height,
    rgb,
  };
}
