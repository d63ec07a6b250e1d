/** Helpers for CLI tests: run the CLI in-process with captured output, or as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { run } from './main.js';
import { selfCommand } from './self.js';
import type { CommandIO } from './io.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON (the --json contract). */
  json: () => Record<string, unknown>;
}

export async function runCli(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Captured> {
  const stdout = new PassThrough();
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  (stderr as unknown as PassThrough).on('data', (d: Buffer) => (err += d.toString()));
  const io: CommandIO = { stdout, stderr, env: { ...process.env, ...options.env }, cwd: options.cwd };
  const code = await run(argv, io);
  return { code, stdout: out, stderr: err, json: () => JSON.parse(out.trim().split('\n').pop() ?? '') as Record<string, unknown> };
}

export function spawnCli(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): ChildProcess & { output: () => { stdout: string; stderr: string } } {
  const { command, args } = selfCommand();
  const child = spawn(command, [...args, ...argv], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return Object.assign(child, { output: () => ({ stdout, stderr }) });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}
