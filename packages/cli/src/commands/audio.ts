/** `augprior audio generate | bench`: the single-recording clip dataset and the feature front ends' speed. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AugpriorError, applyOverrides, loadTeacherSection, parseExperiment, selectEngine, sectionValidators, argsOf, teacherKinds, createProgress, formatZodIssues, readConfigFile, resolveDataRoot, type ProgressMode } from '@augprior/core';
import { AudioClipsArgs, ClipRecipeSchema, encodePcm16Wav, openClipDataset, scoreClips, generateClips, loadRecording, measureFeatureRates, readClips } from '@augprior/audio';
import { emitResult, note, type CommandIO } from '../io.js';
import { registerFrontEnds } from '@augprior/runner';
import { intFlag, parseFlags, runsRoot, stringFlag, type Flags } from '../options.js';

export const AUDIO_HELP = `augprior audio generate --source <wav[,wav...]|noise:white|noise:pink> --out <dir> [--count 10000] [--seed 0] [--export-wav 16]
augprior audio bench [--json]
augprior audio votes --config <experiment.json> [--count 2000] [--set data.recipe.<field>=<value> ...] [--json]

generate: 1-s clips of ONE recording (files joined in order) with the waveform augmentations
  (speed, pitch, shift, gain, noise, filter) into packed int16 shards + manifest.json; recipe
  fields via --config <json> / --set recipe.<field>=<value> (e.g. --set recipe.augment.pitch.p=0).
  --export-wav N also writes the first N clips as .wav files to listen to.
votes:    how the experiment's teacher labels its source clips: generates --count clips with the
          experiment's data recipe and prints the teacher's argmax histogram (a source whose clips
          the teacher files under one class gives the student nothing to learn from).
bench:    feature frames/s (meyda per frame, the vectorised log-mel, the MLPerf TF MFCC) and
          clip generation clips/s, as JSON.`;

function recipeFrom(flags: Flags, io: CommandIO) {
  const configPath = stringFlag(flags, 'config');
  const raw = applyOverrides(configPath ? readConfigFile(resolve(io.cwd, configPath)) : {}, (flags['set'] as string[] | undefined) ?? []) as { recipe?: unknown };
  const parsed = ClipRecipeSchema.safeParse(raw.recipe ?? {});
  if (!parsed.success) throw new AugpriorError('config.invalid', `recipe: ${formatZodIssues(parsed.error, 'recipe')}`);
  return parsed.data;
}

async function teacherVotesCommand(flags: Flags, dataRoot: ReturnType<typeof resolveDataRoot>, json: boolean, io: CommandIO): Promise<number> {
  const configPath = stringFlag(flags, 'config');
  if (!configPath) throw new AugpriorError('cli.bad-arguments', 'audio votes needs --config <experiment.json>');
  registerFrontEnds();
  const raw = applyOverrides(readConfigFile(resolve(io.cwd, configPath)), (flags['set'] as string[] | undefined) ?? []);
  const e = parseExperiment(raw, sectionValidators, configPath);
  if (e.data.kind !== 'audio_clips') throw new AugpriorError('cli.bad-arguments', `${configPath}: data.kind is "${e.data.kind}"; audio votes reads audio_clips sources`);
  if (!e.teacher) throw new AugpriorError('cli.bad-arguments', `${configPath} has no teacher section`);
  note(io, `[augprior] ${(await selectEngine(e.engine)).reason}`);
  const options = AudioClipsArgs.parse({ ...argsOf(e.data), balance: undefined, count: intFlag(flags, 'count') ?? 2000 });
  const context = { dataRoot, seed: e.seed, cwd: io.cwd, runsDir: runsRoot(io.env) };
  const clips = await openClipDataset(options, context);
  const teacher = await loadTeacherSection(teacherKinds, e.teacher, context);
  try {
    const votes = await scoreClips(teacher, clips, Int32Array.from({ length: clips.count }, (_, i) => i), 128, 'teacher votes');
    // The loaded teacher knows its class names through any wrapper (class_fold, silence_gate); the config's labels are the fallback.
    const labels = teacher.classNames ?? (e.teacher as { labels?: string[]; teacher?: { labels?: string[] } }).labels ?? (e.teacher as { teacher?: { labels?: string[] } }).teacher?.labels;
    const counts = new Array<number>(teacher.numClasses).fill(0);
    const confidence = new Array<number>(teacher.numClasses).fill(0);
    votes.argmax.forEach((c, i) => {
      counts[c] = counts[c]! + 1;
      confidence[c] = confidence[c]! + votes.confidence[i]!;
    });
    const classes = counts.map((n, c) => ({ class: labels?.[c] ?? String(c), clips: n, share: n / clips.count, meanConfidence: n > 0 ? confidence[c]! / n : 0 }));
    // Normalised entropy of the vote histogram: 1 = every class equally often, 0 = one class only.
    const entropy = -classes.reduce((sum, k) => sum + (k.share > 0 ? k.share * Math.log(k.share) : 0), 0) / Math.log(teacher.numClasses);
    emitResult(io, json, { clips: clips.count, source: clips.description, teacher: teacher.description, voteEntropy: entropy, classes }, () =>
      [`teacher ${teacher.description} on ${clips.description}:`, ...classes.map((k) => `  ${k.class.padEnd(12)} ${String(k.clips).padStart(6)}  ${(k.share * 100).toFixed(1).padStart(5)}%  mean p ${k.meanConfidence.toFixed(2)}`), `  vote entropy ${entropy.toFixed(3)} (1 = even)`].join('\n'),
    );
  } finally {
    teacher.dispose();
  }
  return 0;
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
  if (action === 'votes') return teacherVotesCommand(flags, dataRoot, json, io);
  const recipe = recipeFrom(flags, io);

  if (action === 'generate' || action === 'bench') {
    const bench = action === 'bench';
    const sources = bench ? ['audio-sources/derived_LJ001-0001-0016_concat_16k.wav', 'audio-sources/derived_LJ001-0017-0032_concat_16k.wav'] : stringFlag(flags, 'source')?.split(',');
    const out = bench ? join(io.cwd, runsRoot(io.env), 'clips', 'bench') : stringFlag(flags, 'out');
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
