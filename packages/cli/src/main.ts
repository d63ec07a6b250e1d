/** Dispatches `augprior <command>`; user errors print as one clear message, not a stack trace. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AugpriorError, fileWriteError, isAugpriorError } from '@augprior/core';
import { audioCommand } from './commands/audio.js';
import { benchCommand } from './commands/bench.js';
import { datasetsCommand } from './commands/datasets.js';
import { evalCommand } from './commands/eval.js';
import { imageCommand } from './commands/image.js';
import { infoCommand } from './commands/info.js';
import { predictCommand } from './commands/predict.js';
import { teacherCommand } from './commands/teacher.js';
import { sweepCommand } from './commands/sweep.js';
import { configCommand } from './commands/config.js';
import { trainCommand } from './commands/train.js';
import { videoCommand } from './commands/video.js';
import { defaultIO, type CommandIO } from './io.js';
import { VERSION } from './version.js';

const COMMANDS: Record<string, { run: (argv: string[], io: CommandIO) => Promise<number>; summary: string }> = {
  train: { run: trainCommand, summary: 'train a student (distillation) or a teacher (supervised) from an experiment config' },
  config: { run: configCommand, summary: 'config migrate <file ...>: rewrite configs of the old shape into {kind, ...args} (--check to only report)' },
  sweep: { run: sweepCommand, summary: 'run a grid of config values (--grid key=a,b,c), one run each, and write one comparison table' },
  eval: { run: evalCommand, summary: 'evaluate a trained run on a dataset' },
  image: { run: imageCommand, summary: 'single-image patch datasets: generate, analyze, bench' },
  audio: { run: audioCommand, summary: 'single-recording clip datasets and feature speed: generate, bench' },
  video: { run: videoCommand, summary: 'fake videos from one image and ffmpeg decode speed: generate, bench' },
  teacher: { run: teacherCommand, summary: 'import a teacher (PyTorch checkpoint) onto a registry model: teacher import <file> --arch --out' },
  predict: { run: predictCommand, summary: 'run a converted teacher on image or video files and print its top classes' },
  bench: { run: benchCommand, summary: 'training/eval throughput of the reference workload per engine' },
  info: { run: infoCommand, summary: 'versions, engines, data root, optional packages' },
  datasets: { run: datasetsCommand, summary: 'list, verify and fetch registered datasets and teachers' },
};

export const USAGE = `augprior ${VERSION}: train networks from ONE image, recording or video by distilling a teacher

usage: augprior <command> [--config <json>] [--set key=value ...] [--json] [options]

${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run \`augprior <command> --help\` for a command's options.`;

export async function run(argv: string[], io: CommandIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`augprior: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const named = isAugpriorError(error) ? error : namedSystemError(error);
    if (named) {
      io.stderr.write(`augprior ${name}: error [${named.code}] ${named.message}\n`);
      return 2;
    }
    const trace = writeCrashReport(argv, error);
    const first = error instanceof Error ? error.message.split('\n')[0] : String(error);
    io.stderr.write(`augprior ${name}: internal error: ${first}\n  the full trace is in ${trace}; please report it with that file (runs and checkpoints are left as they were)\n`);
    return 70;
  }
}

/** Errors of the operating system that name a file: a named error a user can act on. */
export function namedSystemError(error: unknown): AugpriorError | undefined {
  const sys = error as NodeJS.ErrnoException | null;
  if (!sys || typeof sys.code !== 'string' || typeof sys.path !== 'string') return undefined;
  const mapped = fileWriteError(error, sys.path, 0);
  if (isAugpriorError(mapped)) return mapped;
  if (sys.code === 'ENOENT') return new AugpriorError('io.not-found', `${sys.path} does not exist (${sys.syscall ?? 'open'})`, 'check the path');
  if (sys.code === 'EISDIR' || sys.code === 'ENOTDIR') return new AugpriorError('io.wrong-kind', `${sys.path}: ${sys.code === 'EISDIR' ? 'is a folder, a file was expected' : 'a folder was expected'}`);
  if (sys.code === 'EMFILE' || sys.code === 'ENFILE') return new AugpriorError('io.too-many-files', `too many open files while opening ${sys.path}`, 'raise the limit (ulimit -n) or use fewer data workers');
  return undefined;
}

/** The full story of an unexpected exception, in a file of its own; the terminal gets one line. */
export function writeCrashReport(argv: string[], error: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'augprior-crash-'));
  const file = join(dir, 'trace.txt');
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeFileSync(file, [`augprior ${VERSION} on node ${process.version} (${process.platform}-${process.arch})`, `argv: ${JSON.stringify(argv)}`, `at: ${new Date().toISOString()}`, '', stack, ''].join('\n'));
  return file;
}
