/** `augprior image generate | analyze | bench`: the single-image patch dataset. */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus } from 'node:os';
import { AugpriorError, applyOverrides, createProgress, formatZodIssues, readConfigFile, resolveDataRoot, type ProgressMode } from '@augprior/core';
import { PatchRecipeSchema, analyzeSource, contactSheet, generatePatches, readPatches, resolveSource } from '@augprior/image';
import { emitResult, note, type CommandIO } from '../io.js';
import { intFlag, parseFlags, runsRoot, stringFlag, type Flags } from '../options.js';
import { rankSources, rankingCaveats, sourceRankingTable } from './source-ranking.js';
import { visualizeCommand } from './visualize.js';

export const IMAGE_HELP = `augprior image generate --source <file|noise|dead_leaves> --out <dir> [--count 50000] [--size 32] [--seed 0] [--workers 0] [--export-png 256]
augprior image analyze <file|noise|dead_leaves> [--json]
augprior image analyze <run-dir> <run-dir> ... [--count 1000] [--json]
augprior image bench [--count 50000] [--json]
augprior image visualize --run <run-dir> [--classes giant_panda,harp] [--steps 256] [--json]

generate: the paper's patch recipe (RECIPE.md section 1) into packed uint8 shards + manifest.json;
  recipe fields via --config <json> / --set recipe.<field>=<value> (e.g. --set recipe.degrees=0).
analyze:  size, PNG bytes per pixel and patch-diversity statistics of a source; given finished
          runs, the source ranking: each run's source measured beside its student's top-1, best
          first, with Spearman's rho of each measure (and a warning when samples or eval sets differ).
visualize: activation maximisation of class logits for a run's teacher and student side by side
          (Lucent-style), written to <run>/visualize/.
bench:    patches/s for 50,000 32-px patches of sources/animals.png, against the official
          generator's 21.6 s (PIL, one process) on this machine class.`;

/** The official generator's time for 50,000 patches of animals.png (../shared/data/README.md). */
const OFFICIAL_SECONDS = 21.6;

function recipeFrom(flags: Flags, io: CommandIO) {
  const configPath = stringFlag(flags, 'config');
  const raw = applyOverrides(configPath ? readConfigFile(resolve(io.cwd, configPath)) : {}, (flags['set'] as string[] | undefined) ?? []) as { recipe?: unknown };
  const size = intFlag(flags, 'size');
  const parsed = PatchRecipeSchema.safeParse({ ...(raw.recipe as object | undefined), ...(size ? { size } : {}) });
  if (!parsed.success) throw new AugpriorError('config.invalid', `recipe: ${formatZodIssues(parsed.error, 'recipe')}`);
  return parsed.data;
}

export async function imageCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv, {
    source: { type: 'string' },
    out: { type: 'string' },
    count: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    'export-png': { type: 'string' },
    run: { type: 'string' },
    classes: { type: 'string' },
    channels: { type: 'string' },
    steps: { type: 'string' },
    lr: { type: 'string' },
  });
  const [action, target] = positionals;
  if (flags['help'] || !action) {
    io.stdout.write(`${IMAGE_HELP}\n`);
    return flags['help'] ? 0 : 2;
  }
  if (action === 'visualize') return visualizeCommand(flags, io);
  const dataRoot = resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env });
  const recipe = recipeFrom(flags, io);
  const json = flags['json'] === true;

  if (action === 'generate' || action === 'bench') {
    const sourceName = action === 'bench' ? 'sources/animals.png' : stringFlag(flags, 'source');
    const out = action === 'bench' ? join(io.cwd, runsRoot(io.env), 'patches', 'bench') : stringFlag(flags, 'out');
    if (!sourceName || !out) throw new AugpriorError('cli.bad-arguments', 'image generate needs --source and --out');
    const seed = intFlag(flags, 'seed') ?? 0;
    const source = await resolveSource(sourceName, [600, 225], seed, dataRoot, io.cwd);
    const count = intFlag(flags, 'count') ?? 50_000;
    const progress = createProgress({ label: 'patches', unit: 'patch', mode: (stringFlag(flags, 'progress') ?? 'auto') as ProgressMode, stream: io.stderr });
    const manifest = await generatePatches({ source, recipe, count, seed, out: resolve(io.cwd, out), workers: intFlag(flags, 'workers') ?? 0, progress });
    progress.stop();
    const exportCount = intFlag(flags, 'export-png');
    if (exportCount) {
      const { pixels } = readPatches(resolve(io.cwd, out));
      mkdirSync(resolve(io.cwd, out), { recursive: true });
      writeFileSync(join(resolve(io.cwd, out), 'contact-sheet.png'), await contactSheet(pixels, manifest.size, Math.min(exportCount, manifest.count)));
      note(io, `[image] wrote ${join(out, 'contact-sheet.png')}`);
    }
    const patchesPerSecond = Math.round(count / manifest.seconds!);
    const result =
      action === 'bench'
        ? { patches: count, seconds: manifest.seconds, patches_per_second: patchesPerSecond, workers: manifest.workers, cpus: cpus().length, official_seconds_50k: OFFICIAL_SECONDS, speedup_vs_official: Math.round(((OFFICIAL_SECONDS / manifest.seconds!) * count) / 50_000 * 100) / 100 }
        : { out: resolve(io.cwd, out), ...manifest, patches_per_second: patchesPerSecond };
    emitResult(io, json, result, () => `${count} patches in ${manifest.seconds}s (${patchesPerSecond}/s, ${manifest.workers} workers) -> ${out}`);
    return 0;
  }
  if (action === 'analyze') {
    const targets = positionals.slice(1);
    // A directory is a run (a source is a file or a generator name): rank the runs' sources.
    if (targets.length > 0 && targets.every((t) => existsSync(resolve(io.cwd, t)) && statSync(resolve(io.cwd, t)).isDirectory())) {
      const rows = await rankSources(targets, dataRoot, io.cwd, intFlag(flags, 'count') ?? 1000);
      emitResult(io, json, { sources: rows, caveats: rankingCaveats(rows) }, () => sourceRankingTable(rows));
      return 0;
    }
    if (!target) throw new AugpriorError('cli.bad-arguments', 'image analyze needs a source');
    const source = await resolveSource(target, [600, 225], intFlag(flags, 'seed') ?? 0, dataRoot, io.cwd);
    const analysis = await analyzeSource(source, recipe, intFlag(flags, 'count') ?? 1000);
    emitResult(io, json, { source: source.description, ...analysis }, () => Object.entries(analysis).map(([k, v]) => `${k.padEnd(20)} ${typeof v === 'number' ? Math.round(v * 1000) / 1000 : v}`).join('\n'));
    return 0;
  }
  throw new AugpriorError('cli.bad-arguments', `unknown image action "${action}"`, 'use generate, analyze, bench or visualize');
}
