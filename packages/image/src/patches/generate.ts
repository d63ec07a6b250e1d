/**
 * Generates a patch dataset in parallel. Patch i is made from Rng.derive(seed, i) alone, so the
 * output is byte-identical whatever the number of workers or the chunking. Chunks go to a pool of
 * worker_threads sharing the decoded source through a SharedArrayBuffer; shards are written in
 * index order as their chunks complete.
 */
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Rng, type ProgressReporter } from '@augprior/core';
import { makePatch, patchScratch, type PatchRecipe } from './recipe.js';
import { PATCH_FORMAT, writeManifest, writePatchShard, type PatchManifest } from './shards.js';
import type { LoadedSource } from './sources.js';

export interface GenerateOptions {
  source: LoadedSource;
  recipe: PatchRecipe;
  count: number;
  seed: number;
  out: string;
  /** 0 = one per core; 1 = in this thread (no workers). */
  workers?: number;
  shardSize?: number;
  progress?: ProgressReporter;
}

const CHUNK = 500;

function workerEntry(): { url: URL; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    // Running from sources (tests): workers load TypeScript through tsx like the main thread.
    return { url: new URL('./patch-worker.dev.mjs', import.meta.url), execArgv: ['--conditions', '@augprior/source'] };
  }
  return { url: new URL('./patch-worker.js', import.meta.url), execArgv: [] };
}

export async function generatePatches(options: GenerateOptions): Promise<PatchManifest> {
  const { source, recipe, count, seed } = options;
  const patchBytes = recipe.size * recipe.size * 3;
  const shardSize = options.shardSize ?? 10_000;
  const workers = options.workers === undefined || options.workers === 0 ? cpus().length : options.workers;
  const started = performance.now();
  const buffer = new Uint8Array(count * patchBytes);
  let done = 0;
  const report = () => options.progress?.update({ fraction: done / count, rate: done / Math.max((performance.now() - started) / 1000, 1e-9), status: `${done}/${count} patches` });

  if (workers <= 1) {
    const scratch = patchScratch(recipe, source);
    for (let i = 0; i < count; i++) {
      makePatch(source, recipe, Rng.derive(seed, i), buffer.subarray(i * patchBytes, (i + 1) * patchBytes), scratch);
      if (++done % CHUNK === 0) report();
    }
  } else {
    const shared = new SharedArrayBuffer(source.data.length);
    new Uint8Array(shared).set(source.data);
    const entry = workerEntry();
    const pool = Array.from({ length: workers }, () => new Worker(entry.url, { workerData: { width: source.width, height: source.height, pixels: shared, recipe, seed }, execArgv: entry.execArgv }));
    let next = 0;
    try {
      await Promise.all(
        pool.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              const send = () => {
                if (next >= count) return resolve();
                const start = next;
                next = Math.min(count, next + CHUNK);
                worker.postMessage({ start, end: next });
              };
              worker.on('message', ({ start, end, out }: { start: number; end: number; out: Uint8Array }) => {
                buffer.set(out, start * patchBytes);
                done += end - start;
                report();
                send();
              });
              worker.on('error', reject);
              send();
            }),
        ),
      );
    } finally {
      await Promise.all(pool.map((w) => w.terminate()));
    }
  }

  const shards: PatchManifest['shards'] = [];
  for (let s = 0; s * shardSize < count; s++) {
    const from = s * shardSize;
    const to = Math.min(count, from + shardSize);
    shards.push(writePatchShard(options.out, s, buffer.subarray(from * patchBytes, to * patchBytes), to - from));
  }
  const manifest: PatchManifest = {
    format: PATCH_FORMAT,
    recipe,
    seed,
    count,
    size: recipe.size,
    source: { description: source.description, sha256: source.sha256, width: source.width, height: source.height },
    shards,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    workers,
  };
  writeManifest(options.out, manifest);
  return manifest;
}
