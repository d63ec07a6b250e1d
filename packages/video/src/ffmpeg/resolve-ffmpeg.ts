/**
 * Finds an ffmpeg binary, in the order of the project brief: `ffmpeg-static` (an optional
 * dependency whose installer downloads the binary, so it is often absent offline) ->
 * `@ffmpeg-installer/ffmpeg` (binary shipped inside the npm package) -> `ffmpeg` on PATH.
 * Every candidate that was skipped says why.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { AugpriorError, importOptional } from '@augprior/core';

export type FfmpegSource = 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | 'PATH';

export interface ResolvedFfmpeg {
  path: string;
  source: FfmpegSource;
  /** Why each earlier candidate was not used. */
  skipped: string[];
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ResolveOptions {
  /** For tests: replace the package lookups and PATH. */
  candidates?: Partial<Record<FfmpegSource, () => Promise<string | undefined>>>;
  env?: NodeJS.ProcessEnv;
}

async function fromPackage(pkg: string, pick: (module: Record<string, unknown>) => unknown): Promise<string | undefined> {
  const loaded = await importOptional(pkg);
  if (!loaded.module) return undefined;
  const value = pick(loaded.module);
  return typeof value === 'string' ? value : undefined;
}

export async function resolveFfmpeg(options: ResolveOptions = {}): Promise<ResolvedFfmpeg> {
  const env = options.env ?? process.env;
  const lookups: Array<[FfmpegSource, () => Promise<string | undefined>]> = [
    ['ffmpeg-static', options.candidates?.['ffmpeg-static'] ?? (() => fromPackage('ffmpeg-static', (m) => m['default'] ?? m))],
    ['@ffmpeg-installer/ffmpeg', options.candidates?.['@ffmpeg-installer/ffmpeg'] ?? (() => fromPackage('@ffmpeg-installer/ffmpeg', (m) => (m['default'] as { path?: string } | undefined)?.path ?? m['path']))],
    ['PATH', options.candidates?.['PATH'] ?? (async () => (env['PATH'] ?? '').split(delimiter).map((d) => join(d, 'ffmpeg')).find((p) => existsSync(p) && executable(p)))],
  ];
  const skipped: string[] = [];
  for (const [source, lookup] of lookups) {
    const path = await lookup();
    if (!path) {
      skipped.push(`${source}: ${source === 'PATH' ? 'no ffmpeg on PATH' : 'package not installed'}`);
      continue;
    }
    if (!existsSync(path) || !executable(path)) {
      skipped.push(`${source}: ${path} is missing or not executable${source === 'ffmpeg-static' ? ' (its installer downloads the binary, which needs internet)' : ''}`);
      continue;
    }
    return { path, source, skipped };
  }
  throw new AugpriorError('video.no-ffmpeg', `no ffmpeg binary found: ${skipped.join('; ')}`, 'npm install @ffmpeg-installer/ffmpeg, or apt-get install ffmpeg');
}
