/**
 * A model's outputs are scored against a dataset's labels by index, so both sides must mean the
 * same class at every index. Where both have names, they are compared before a single sample is
 * scored: case, spaces and punctuation aside ("sea_lion" = "Sea lion"), and a name listing
 * synonyms matches any of them (ImageNet's "tench, Tinca tinca" = "tench").
 */
import { AugpriorError } from '../errors.js';

const normalize = (name: string) => name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const synonyms = (name: string) => new Set([normalize(name), ...name.split(',').map(normalize).filter(Boolean)]);

function sameClass(a: string, b: string): boolean {
  const left = synonyms(a);
  return [...synonyms(b)].some((s) => left.has(s));
}

export function checkClassNames(model: readonly string[], dataset: readonly string[], modelWhat: string, datasetWhat: string): void {
  if (model.length !== dataset.length) {
    throw new AugpriorError('eval.class-names', `${modelWhat} names ${model.length} classes but ${datasetWhat} has ${dataset.length}`, 'evaluate on a dataset with the classes the model predicts (a teacher subset: teacher kind class_subset)');
  }
  const differ = model.flatMap((name, i) => (sameClass(name, dataset[i]!) ? [] : [i]));
  if (differ.length === 0) return;
  const shown = differ.slice(0, 4).map((i) => `#${i} "${model[i]}" vs "${dataset[i]}"`).join(', ');
  const sameSet = differ.every((i) => dataset.some((name) => sameClass(model[i]!, name)));
  throw new AugpriorError(
    'eval.class-names',
    `${modelWhat} and ${datasetWhat} disagree on ${differ.length} of ${model.length} class names: ${shown}${differ.length > 4 ? ', ...' : ''}`,
    sameSet
      ? 'same classes in another order: reorder the outputs (teacher kind class_subset with the dataset\'s order) or fix the labels in teacher.json'
      : 'this model was trained on other classes; evaluate it on its own dataset',
  );
}
