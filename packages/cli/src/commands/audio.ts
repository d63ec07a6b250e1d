/** `augprior audio generate | bench`: the single-recording clip dataset and the feature front ends' speed. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AugpriorError, applyOverrides, createProgress, formatZodIssues, readConfigFile, resolveDataRoot, type ProgressMode } from '@augprior/core';
import { ClipRecipeSchema, encodePcm16Wav, generateClips, loadRecording, measureFeatureRates, readClips } from '@augprior/audio';
import { emitResult, note, type CommandIO } from '../io.js';
import { intFlag, parseFlags, stringFlag, type Flags } from '../options.js';

export const AUDIO_HELP = `augprior audio generate --source <wav[,wav...]|noise:white|noise:pink> --out <dir> [--count 10000] [--seed 0] [--export-wav 16]
augprior audio bench [--json]

generate: 1-s clips of ONE recording (files joined in order) with the waveform augmentations
  (speed, pitch, shift, gain, noise, filter) into packed int16 shards + manifest.json; recipe
  fields via --config <json> / --set recipe.<field>=<value> (e.g. --set recipe.augment.pitch.p=0).
  --export-wav N also writes the first N clips as .wav files to listen to.
bench:    feature frames/s (meyda per frame, the vectorised log-mel, the MLPerf TF MFCC) and
          clip generation clips/s, as JSON.`;

function recipeFrom(flags: Flags, io: CommandIO) {
  const configPath = stringFlag(flags, 'config');
  const raw = applyOverrides(configPath ? readConfigFile(resolve(io.cwd, configPath)) : {}, (flags['set'] as string[] | undefined) ?? []) as { recipe?: unknown };
  const parsed = ClipRecipeSchema.safeParse(raw.recipe ?? {});
  if (!parsed.success) throw new AugpriorError('config.invalid', `recipe: ${formatZodIssues(parsed.error, 'recipe')}`);
  return parsed.data;
}

export async function audioCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv, { source: { type: 'string' }, out: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, 'export-wav': { type: 'string' } });
  const [action] = positionals;
  if (flags['help'] || !action) {
    io.stdout.write(`${AUDIO_HELP}\n`);
    return flags['help'] ? 0 : 2;
  }
  const json = flags['json'] === true;
  const dataRoot = resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env });
  const recipe = recipeFrom(flags, io);

  if (action === 'generate' || action === 'bench') {
    const bench = action === 'bench';
    const sources = bench ? ['audio-sources/derived_LJ001-0001-0016_concat_16k.wav', 'audio-sources/derived_LJ001-0017-0032_concat_16k.wav'] : stringFlag(flags, 'source')?.split(',');
    const out = bench ? join(io.cwd, 'runs', 'clips', 'bench') : stringFlag(flags, 'out');
    if (!sources || !out) throw new AugpriorError('cli.bad-arguments', 'audio generate needs --source and --out');
    const seed = intFlag(flags, 'seed') ?? 0;
    const count = intFlag(flags, 'count') ?? (bench ? 2000 : 10_000);
    const recording = await loadRecording(sources, { sampleRate: recipe.sampleRate, noiseSeconds: 229, seed, dataRoot, cwd: io.cwd });
    const progress = createProgress({ label: 'clips', unit: 'clip', mode: (stringFlag(flags, 'progress') ?? 'auto') as ProgressMode, stream: io.stderr });
    const manifest = await generateClips({ recording, recipe, count, seed, out: resolve(io.cwd, out), progress });
    progress.stop();
    const exportCount = intFlag(flags, 'export-wav');
    if (exportCount) {
      const { samples } = readClips(resolve(io.cwd, out));
      const dir = join(resolve(io.cwd, out), 'wav');
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < Math.min(exportCount, count); i++) {
        const clip = Float32Array.from(samples.subarray(i * manifest.clipLength, (i + 1) * manifest.clipLength), (v) => v / 32768);
        writeFileSync(join(dir, `clip-${String(i).padStart(5, '0')}.wav`), encodePcm16Wav(clip, recipe.sampleRate));
      }
      note(io, `[audio] wrote ${Math.min(exportCount, count)} clips to ${dir}`);
    }
    const clipsPerSecond = Math.round(count / manifest.seconds!);
    if (bench) {
      const rates = measureFeatureRates();
      const result = { clips: count, clipSeconds: manifest.seconds, clipsPerSecond, features: rates };
      emitResult(io, json, result, () =>
        [`clip generation: ${clipsPerSecond} clips/s`, ...Object.values(rates).map((r) => `${r.description}: ${Math.round(r.framesPerSecond)} frames/s (${Math.round(r.clipsPerSecond)} clips/s)`)].join('\n'),
      );
      return 0;
    }
    emitResult(io, json, { out: resolve(io.cwd, out), ...manifest, clipsPerSecond }, () => `${count} clips in ${manifest.seconds}s (${clipsPerSecond}/s) of ${recording.description} -> ${out}`);
    return 0;
  }
  throw new AugpriorError('cli.bad-arguments', `unknown audio action "${action}"`, 'use generate or bench');
}
