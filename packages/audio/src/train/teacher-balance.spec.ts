import { describe, expect, it } from 'vitest';
import { balancedSelection } from './teacher-balance.js';

describe('teacher-balanced selection', () => {
  it('lets classes take turns, most confident first, until `keep` clips are chosen', () => {
    // 8 clips: class 2 dominates (6 clips), classes 0 and 1 have one each.
    const label = Int32Array.from([2, 2, 0, 2, 2, 1, 2, 2]);
    const confidence = Float32Array.from([0.9, 0.5, 0.4, 0.99, 0.6, 0.3, 0.7, 0.8]);
    expect(Array.from(balancedSelection(label, confidence, 4))).toEqual([0, 2, 3, 5]);
    expect(Array.from(balancedSelection(label, confidence, 5))).toEqual([0, 2, 3, 5, 7]);
    expect(Array.from(balancedSelection(label, confidence, 20))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
