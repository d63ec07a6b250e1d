/**
 * "No silent slow path": a run that lands on an engine far slower than the one this machine
 * could have says so in one line, with the expected slowdown and the command that fixes it.
 *
 * Speeds are the reference workload's training throughput relative to the torch engine on the
 * same 2-core CPU (tools/bench/RESULTS.md, `npx nx run core:bench`: torch 304, wasm 16.2, cpu ~2
 * img/s). The torch engine is within reach of every machine the project supports: libtorch comes
 * from Debian's libtorch-dev, or from a pip/conda PyTorch, and `npm run setup` finds or installs it.
 */
import type { EngineAttempt, EngineName, EngineSelection } from './select-engine.js';

const TRAIN_SPEED_VS_TORCH: Partial<Record<EngineName, number>> = { wasm: 16.2 / 304, cpu: 2 / 304 };

/** Slowdowns above this get the warning (the brief: "more than ~5x slower than the best one"). */
export const SLOW_ENGINE_FACTOR = 5;

export const SLOW_ENGINE_FIX = 'npm run setup';

/** The expected training slowdown of `engine` against the torch engine (1 when none is known). */
export function slowdownVsTorch(engine: EngineName): number {
  const speed = TRAIN_SPEED_VS_TORCH[engine];
  return speed ? 1 / speed : 1;
}

/**
 * One line when the chosen engine trains more than SLOW_ENGINE_FACTOR times slower than the
 * torch engine, else undefined. `attempts` (from the selection) tells why torch was not used.
 */
export function slowEngineWarning(selection: Pick<EngineSelection, 'engine' | 'attempts' | 'requested'>): string | undefined {
  const slowdown = slowdownVsTorch(selection.engine);
  if (slowdown <= SLOW_ENGINE_FACTOR) return undefined;
  if (selection.requested !== 'auto') {
    return `WARNING: engine ${selection.engine} (requested) trains ~${Math.round(slowdown)}x slower than the torch engine; \`--backend auto\` uses torch where \`${SLOW_ENGINE_FIX}\` has built it`;
  }
  const torch: EngineAttempt | undefined = selection.attempts.find((a) => a.engine === 'torch' && !a.ok);
  const why = torch ? ` (torch: ${torch.detail})` : '';
  return (
    `WARNING: engine ${selection.engine} trains ~${Math.round(slowdown)}x slower than the torch engine this machine can have` +
    ` (reference workload, 2-core CPU: ${Math.round(304 / slowdown * 10) / 10} vs 304 img/s)${why}; fix: \`${SLOW_ENGINE_FIX}\`` +
    ' (finds a pip/conda PyTorch or installs libtorch-dev, then builds the torch engine)'
  );
}
