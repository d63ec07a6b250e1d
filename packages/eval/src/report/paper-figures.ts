/**
 * The figures Asano & Saeed report (../shared/docs/RECIPE.md section 6), matched to a result by
 * its test set, so the report can put the paper's number beside ours.
 */
export interface PaperFigure {
  setting: string;
  teacher?: number;
  student: string;
}

const FIGURES: Array<[RegExp, PaperFigure]> = [
  [/CIFAR-100\b/, { setting: 'CIFAR-100, Animals, WRN-40-4 -> WRN-16-4', student: '73.80%' }],
  [/CIFAR-10\b/, { setting: 'CIFAR-10, Animals, WRN-40-4 -> WRN-16-4', student: '94.14% (50k real images: 95.26%)' }],
  [/ImageNet/i, { setting: 'ImageNet, City, R18 -> R50, 200 epochs', teacher: 0.695, student: '66.2%' }],
  [/UCF-101/, { setting: 'UCF-101, X3D', student: '75.2-77.3%' }],
  [/Speech Commands/, { setting: 'Speech Commands (12 classes)', teacher: 0.9515, student: '84.19%' }],
];

export function paperFigureFor(dataset: string): PaperFigure | undefined {
  return FIGURES.find(([pattern]) => pattern.test(dataset))?.[1];
}
