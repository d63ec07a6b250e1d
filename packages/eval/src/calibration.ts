/**
 * Expected calibration error (Guo et al. 2017), streamed: the top-1 confidence of each sample falls
 * into one of `bins` equal-width bins on (0, 1]; ECE = sum over bins of (bin share) x |accuracy -
 * mean confidence|. Bins are right-closed, so confidence 1 lands in the last bin and 1/bins in the first.
 */
export class CalibrationAccumulator {
  private readonly counts: Float64Array;
  private readonly confidenceSums: Float64Array;
  private readonly correctSums: Float64Array;
  private total = 0;

  constructor(readonly bins = 15) {
    this.counts = new Float64Array(bins);
    this.confidenceSums = new Float64Array(bins);
    this.correctSums = new Float64Array(bins);
  }

  /** One sample: the probability of its predicted class and whether the prediction was right. */
  add(confidence: number, correct: boolean): void {
    const bin = Math.min(this.bins - 1, Math.max(0, Math.ceil(confidence * this.bins) - 1));
    this.counts[bin]! += 1;
    this.confidenceSums[bin]! += confidence;
    this.correctSums[bin]! += correct ? 1 : 0;
    this.total++;
  }

  report(): { ece: number; bins: Array<{ upper: number; count: number; accuracy: number; confidence: number }> } {
    let ece = 0;
    const bins = Array.from(this.counts, (count, b) => {
      const accuracy = count ? this.correctSums[b]! / count : NaN;
      const confidence = count ? this.confidenceSums[b]! / count : NaN;
      if (count) ece += (count / this.total) * Math.abs(accuracy - confidence);
      return { upper: (b + 1) / this.bins, count, accuracy, confidence };
    });
    return { ece: this.total ? ece : NaN, bins };
  }
}
