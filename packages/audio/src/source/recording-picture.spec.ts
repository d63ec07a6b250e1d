import { describe, expect, it } from 'vitest';
import { recordingPicture } from './recording-picture.js';

/** 40 s of a 1 kHz tone at 16 kHz: three 15-s rows, the last one two-thirds silence (padding). */
function toneRecording(seconds: number) {
  const samples = Float32Array.from({ length: seconds * 16000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16000));
  return { description: 'tone', samples, sampleRate: 16000, sha256: 'x' };
}

describe('the recording as a picture', () => {
  it('draws one log-mel row per 15 s, low frequencies at the bottom, louder lighter', () => {
    const picture = recordingPicture(toneRecording(40), 'tone.wav');
    const frames = 1 + Math.floor((15 * 16000 - 480) / 320);
    expect([picture.width, picture.height]).toEqual([frames, 3 * 80 + 2 * 3]);
    expect(picture.caption).toBe('the source: tone.wav (40.0 s), log-mel of all of it, 40 bands to 8000 Hz, one row per 15 s');
    const grey = (x: number, y: number) => picture.rgb[(y * picture.width + x) * 3]!;
    const column = Array.from({ length: 80 }, (_, y) => grey(100, y));
    const brightest = column.indexOf(Math.max(...column));
    // 1 kHz sits in the lower half of a 0-8 kHz mel axis (y grows downwards), well above the top band.
    expect(brightest).toBeGreaterThan(40);
    expect(column[brightest]!).toBeGreaterThan(200);
    expect(column[0]!).toBeLessThan(column[brightest]! - 100);
    // Row 3 holds seconds 30-45 of a 40-s recording: its second half is padding, drawn black.
    expect(grey(picture.width - 10, 2 * 83 + 60)).toBeLessThan(10);
    // The gap between rows is white.
    expect(grey(100, 81)).toBe(255);
  });

  it('says how much of a long recording it shows', () => {
    const picture = recordingPicture(toneRecording(20), 'tone.wav', { rows: 1 });
    expect(picture.caption).toMatch(/log-mel of the first 15 s, /);
    expect(picture.height).toBe(80);
  });
});
