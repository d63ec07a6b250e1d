import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress, formatDuration } from './progress.js';

function captureStream(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (chunk: string) => lines.push(chunk) } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('progress lines', () => {
  afterEach(() => vi.useRealTimers());

  it('estimates the remaining time from the progress made in this process (resumed runs start part-way)', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { stream, lines } = captureStream();
    const progress = createProgress({ label: 'run', mode: 'lines', stream, lineInterval: 1 });
    progress.update({ fraction: 0.7, status: 'step 700' });
    vi.setSystemTime(1_060_000);
    // 10% in 60 s -> the remaining 20% takes 120 s; counting from zero would claim ~26 s.
    progress.update({ fraction: 0.8, status: 'step 800' });
    expect(lines[0]).toContain('ETA --');
    expect(lines[1]).toMatch(/^\[run\] 80\.0% step 800 ETA 2m00s\n$/);
  });

  it('formats durations', () => {
    expect(formatDuration(59)).toBe('59s');
    expect(formatDuration(61)).toBe('1m01s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('--');
  });
});
