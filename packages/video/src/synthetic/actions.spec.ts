import { beforeAll, describe, expect, it } from 'vitest';
import { selectEngine, tf } from '@augprior/core';
import { ACTION_CLASSES, renderActionClip, SyntheticActionsArgs, syntheticActionsSet } from './actions.js';

const options = SyntheticActionsArgs.parse({ frames: 6, size: 24, noise: 0 });
const per = 6 * 24 * 24 * 3;

/** The integer (dx, dy) that best maps frame a onto frame b (content motion), by least squares. */
function bestShift(clip: Float32Array, a: number, b: number): [number, number] {
  const S = 24;
  let best: [number, number] = [0, 0];
  let bestErr = Infinity;
  for (let dy = -4; dy <= 4; dy++) {
    for (let dx = -4; dx <= 4; dx++) {
      let err = 0;
      for (let y = 6; y < S - 6; y++) {
        for (let x = 6; x < S - 6; x++) {
          for (let c = 0; c < 3; c++) {
            const d = clip[((b * S + y + dy) * S + x + dx) * 3 + c]! - clip[((a * S + y) * S + x) * 3 + c]!;
            err += d * d;
          }
        }
      }
      if (err < bestErr) [bestErr, best] = [err, [dx, dy]];
    }
  }
  return best;
}

describe('synthetic action benchmark', () => {
  beforeAll(async () => {
    await selectEngine({ backend: 'cpu' });
  });

  it('renders the same clip for the same (split, index) and covers all 8 classes', () => {
    const a = new Float32Array(per);
    const b = new Float32Array(per);
    expect(renderActionClip(options, 1, 5, a)).toBe(renderActionClip(options, 1, 5, b));
    expect(a).toEqual(b);
    const labels = Array.from({ length: 200 }, (_, i) => renderActionClip(options, 1, i, a));
    const counts = ACTION_CLASSES.map((_, k) => labels.filter((l) => l === k).length);
    expect(counts.every((c) => c >= 10)).toBe(true);
  });

  it('translations move the content the way their class says', () => {
    const clip = new Float32Array(per);
    const seen = new Set<number>();
    for (let i = 0; seen.size < 4 && i < 200; i++) {
      const label = renderActionClip(options, 2, i, clip);
      if (label > 3 || seen.has(label)) continue;
      seen.add(label);
      const [dx, dy] = bestShift(clip, 0, 5);
      if (label === 0) expect(dx, 'translate_left').toBeLessThan(0);
      if (label === 1) expect(dx, 'translate_right').toBeGreaterThan(0);
      if (label === 2) expect(dy, 'translate_up').toBeLessThan(0);
      if (label === 3) expect(dy, 'translate_down').toBeGreaterThan(0);
    }
    expect(seen.size).toBe(4);
  });

  it('streams a fixed test split as [n, frames, size, size, 3] batches', async () => {
    const set = syntheticActionsSet({ ...options, count: 10, split: 'test' });
    const shapes: number[][] = [];
    for await (const batch of set.batches(4)) {
      shapes.push(batch.x.shape);
      tf.dispose([batch.x, batch.y]);
    }
    expect(shapes).toEqual([[4, 6, 24, 24, 3], [4, 6, 24, 24, 3], [2, 6, 24, 24, 3]]);
    expect(set.classNames).toEqual([...ACTION_CLASSES]);
  });
});
