/** What train and eval both put into result.json besides their metrics: modality and provenance. */
import { execFileSync } from 'node:child_process';
import { dataSources, evalSets, modalities, type Experiment, type Modality } from '@augprior/core';

/** The commit the code ran at (with `+dirty` when the tree had changes), or null outside a git checkout. */
export function gitCommit(cwd: string): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

/** The test set decides; without one, the training data; `eval_set` data answers for the set it wraps. */
export function modalityOfExperiment(e: Experiment): Modality {
  const source = dataSources.get(e.data.kind);
  const wrapped = (e.data as { set?: { kind?: string } }).set?.kind;
  const modality = e.eval ? evalSets.get(e.eval.kind).modality : (source.modality ?? (wrapped ? evalSets.get(wrapped).modality : 'image'));
  modalities.get(modality); // a front end that forgot to register its modality fails here, by name
  return modality;
}
