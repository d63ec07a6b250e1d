/** `augprior video generate | bench`: fake videos from one image, and ffmpeg decode speed. */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AugpriorError, applyOverrides, createProgress, dataPath, formatZodIssues, readConfigFile, resolveDataRoot, type ProgressMode, resolveDataPath } from '@augprior/core';
import { clipBytes, decodeFrames, encodeMp4, FakeVideoRecipeSchema, generateFakeVideos, loadSource, readFakeVideos, resolveFfmpeg } from '@augprior/video';
import { emitResult, note, type CommandIO } from '../io.js';
import { intFlag, parseFlags, stringFlag, type Flags } from '../options.js';

export const VIDEO_HELP = `augprior video generate --source <image | video> --out <dir> [--count 2000] [--seed 0] [--export-mp4 8]
augprior video bench [--json]

generate: fake videos from ONE image (RECIPE.md section 4: half crop, one jitter per clip, two
  random-resized-crop boxes interpolated over the frames) into packed uint8 shards + manifest.json;
  recipe fields via --config <json> / --set recipe.<field>=<value> (e.g. --set recipe.frames=32).
  A video as the source (.avi, .mp4, ...) gives clips of that ONE real video instead: a random
  window of frames (recipe.stride apart), then the same spatial recipe on every frame.
  --export-mp4 N also writes the first N clips as .mp4 files (ffmpeg) to look at.
bench:    ffmpeg decode frames/s over the real UCF-101 clips in the data root (ucf101/clips).`;

function recipeFrom(flags: Flags, io: CommandIO) {
  const configPath = stringFlag(flags, 'config');
  const raw = applyOverrides(configPath ? readConfigFile(resolve(io.cwd, configPath)) : {}, (flags['set'] as string[] | undefined) ?? []) as { recipe?: unknown };
  const parsed = FakeVideoRecipeSchema.safeParse(raw.recipe ?? {});
  if (!parsed.success) throw new AugpriorError('config.invalid', `recipe: ${formatZodIssues(parsed.error, 'recipe')}`);
  return parsed.data;
}

function videoFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? videoFiles(path) : /\.(avi|mp4|mkv|webm|mov)$/i.test(name) ? [path] : [];
  });
}

export async function videoCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv, { source: { type: 'string' }, out: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, 'export-mp4': { type: 'string' } });
  const [action] = positionals;
  if (flags['help'] || !action) {
    io.stdout.write(`${VIDEO_HELP}\n`);
    return flags['help'] ? 0 : 2;
  }
  const json = flags['json'] === true;
  const dataRoot = resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env });

  if (action === 'generate') {
    const source = stringFlag(flags, 'source');
    const out = stringFlag(flags, 'out');
    if (!source || !out) throw new AugpriorError('cli.bad-arguments', 'video generate needs --source and --out');
    const recipe = recipeFrom(flags, io);
    const file = resolveDataPath(source, { dataRoot, cwd: io.cwd }, 'the source image or video');
    const image = await loadSource(file);
    const count = intFlag(flags, 'count') ?? 2000;
    const progress = createProgress({ label: 'fake videos', unit: 'clip', mode: (stringFlag(flags, 'progress') ?? 'auto') as ProgressMode, stream: io.stderr });
    const manifest = await generateFakeVideos({ source: image, recipe, count, seed: intFlag(flags, 'seed') ?? 0, out: resolve(io.cwd, out), progress });
    progress.stop();
    const exportCount = Math.min(intFlag(flags, 'export-mp4') ?? 0, count);
    if (exportCount > 0) {
      const { clips } = readFakeVideos(resolve(io.cwd, out));
      const bytes = clipBytes(recipe);
      for (let i = 0; i < exportCount; i++) await encodeMp4(join(resolve(io.cwd, out), `clip-${String(i).padStart(5, '0')}.mp4`), clips.subarray(i * bytes, (i + 1) * bytes), { width: recipe.size, height: recipe.size, fps: 8 });
      note(io, `[video] wrote ${exportCount} mp4 files to ${out}`);
    }
    const clipsPerSecond = Math.round(count / manifest.seconds!);
    emitResult(io, json, { out: resolve(io.cwd, out), ...manifest, clipsPerSecond }, () => `${count} fake videos in ${manifest.seconds}s (${clipsPerSecond}/s) of ${image.description} -> ${out}`);
    return 0;
  }
  if (action === 'bench') {
    const dir = dataPath(dataRoot, 'ucf101/clips', 'the UCF-101 sample clips');
    const files = videoFiles(dir).sort();
    const ffmpegBinary = await resolveFfmpeg();
    const started = performance.now();
    let frames = 0;
    for (const file of files) frames += (await decodeFrames(file, { width: 171, height: 128, pixelFormat: 'rgb24' })).frames.length;
    const seconds = (performance.now() - started) / 1000;
    const result = { ffmpeg: `${ffmpegBinary.source} (${ffmpegBinary.path})`, videos: files.length, frames, seconds: Math.round(seconds * 100) / 100, framesPerSecond: Math.round(frames / seconds), size: '171x128 rgb24' };
    emitResult(io, json, result, () => `decoded ${frames} frames of ${files.length} videos at 171x128 in ${result.seconds}s: ${result.framesPerSecond} frames/s (${result.ffmpeg})`);
    return 0;
  }
  throw new AugpriorError('cli.bad-arguments', `unknown video action "${action}"`, 'use generate or bench');
}
