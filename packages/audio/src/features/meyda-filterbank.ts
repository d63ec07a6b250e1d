/**
 * meyda's mel filterbank (utilities.createMelFilterBank), reproduced because meyda's entry point
 * does not export its utilities and its ES build cannot be imported by Node directly. Its
 * conventions differ from TF's and librosa's:
 *
 * - mel = 1125 ln(1 + f / 700) (not HTK's 1127), bands always spanning 0 Hz to Nyquist;
 * - band edges are snapped to whole FFT bins, floor((fftSize + 1) * f / sampleRate), so narrow
 *   low bands can collapse: a band whose edges share a bin has a lone 1 at its upper edge or, when
 *   all three coincide, no weight at all (log(0 + offset) then);
 * - triangles are linear in bin index with peak 1 (no area normalisation);
 * - edges go through float32 (meyda keeps them in Float32Arrays), which can move a floor by a bin.
 *
 * The bank has fftSize / 2 + 1 columns, but meyda's melBands sums only the first fftSize / 2
 * (its amplitude spectrum drops the Nyquist bin), and it weights the power spectrum |X|^2.
 */
export function meydaMelFilterBank(numFilters: number, sampleRate: number, fftSize: number): number[][] {
  const toMel = (hz: number): number => 1125 * Math.log(1 + hz / 700);
  const toHz = (mel: number): number => 700 * (Math.exp(mel / 1125) - 1);
  const step = (toMel(sampleRate / 2) - toMel(0)) / (numFilters + 1);
  const edges: number[] = [];
  for (let i = 0; i < numFilters + 2; i++) {
    const hz = Math.fround(toHz(Math.fround(i * step)));
    edges.push(Math.floor(((fftSize + 1) * hz) / sampleRate));
  }
  const bank: number[][] = [];
  for (let j = 0; j < numFilters; j++) {
    const row = new Array<number>(fftSize / 2 + 1).fill(0);
    const [lo, mid, hi] = [edges[j]!, edges[j + 1]!, edges[j + 2]!];
    for (let i = lo; i < mid; i++) row[i] = (i - lo) / (mid - lo);
    for (let i = mid; i < hi; i++) row[i] = (hi - i) / (hi - mid);
    bank.push(row);
  }
  return bank;
}
