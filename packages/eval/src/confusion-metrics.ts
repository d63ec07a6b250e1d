/**
 * Metrics computed from a confusion matrix (rows: true class, columns: predicted class), shared by
 * the point estimates and the bootstrap.
 *
 * Classes with no test samples are left out of both averages: their recall is undefined, and a
 * class the test set cannot contain should not move a figure. A class that has samples but is
 * never predicted gets precision 0 and F1 0 (sklearn's zero_division=0).
 */
export function balancedAccuracyOf(confusion: readonly (readonly number[])[]): number {
  let sum = 0;
  let classes = 0;
  confusion.forEach((row, c) => {
    const support = row.reduce((a, b) => a + b, 0);
    if (support === 0) return;
    sum += row[c]! / support;
    classes++;
  });
  return classes ? sum / classes : NaN;
}

export function perClassF1(confusion: readonly (readonly number[])[]): number[] {
  const predicted = confusion[0] ? confusion[0].map((_, p) => confusion.reduce((s, row) => s + row[p]!, 0)) : [];
  return confusion.map((row, c) => {
    const support = row.reduce((a, b) => a + b, 0);
    if (support === 0) return NaN;
    const tp = row[c]!;
    const precision = predicted[c]! ? tp / predicted[c]! : 0;
    const recall = tp / support;
    return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  });
}

export function macroF1Of(confusion: readonly (readonly number[])[]): number {
  const scores = perClassF1(confusion).filter((f) => !Number.isNaN(f));
  return scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : NaN;
}
