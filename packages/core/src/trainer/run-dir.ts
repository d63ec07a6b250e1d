/**
 * A run directory: `runs/<name>/` with the resolved `config.json`, `metrics.jsonl`,
 * `checkpoints/` and, when training ends, `result.json`. A new run never reuses an existing
 * folder; continuing one is always explicit (`--resume`).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { AugpriorError } from '../errors.js';
import { fileWriteError, writeFileAtomic } from './atomic-write.js';

/** Who holds a run: `<run>/.lock`. */
export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type MetricsRecord = { type: 'train' | 'eval'; step: number } & Record<string, number | string | boolean | null>;

/** Experiment configs under ./experiments whose `name` is `name`: what would create runs/<name>. */
function experimentsNamed(name: string, root = resolve('experiments')): string[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.json')) continue;
    try {
      const config = JSON.parse(readFileSync(join(root, entry), 'utf8')) as { name?: unknown };
      if (config.name === name) found.push(relative(process.cwd(), join(root, entry)));
    } catch {
      // Unreadable JSON cannot be the config that made this run.
    }
  }
  return found.sort();
}

export class RunDir {
  private constructor(readonly path: string) {}

  get configPath(): string {
    return join(this.path, 'config.json');
  }
  get metricsPath(): string {
    return join(this.path, 'metrics.jsonl');
  }
  get checkpointsDir(): string {
    return join(this.path, 'checkpoints');
  }
  get resultPath(): string {
    return join(this.path, 'result.json');
  }

  /** Creates `<runsDir>/<name>` for a fresh run and records the resolved config. */
  /**
   * A new run. A folder of the same name is reused only when it holds no checkpoint, was made with
   * the same config and nobody holds it: what a start that failed or was killed before its first
   * checkpoint leaves, so the same command simply runs again.
   */
  static create(runsDir: string, name: string, resolvedConfig: unknown): RunDir {
    const path = resolve(runsDir, name);
    const text = `${JSON.stringify(resolvedConfig, null, 2)}\n`;
    if (existsSync(path)) {
      const dir = new RunDir(path);
      const same = existsSync(dir.configPath) && readFileSync(dir.configPath, 'utf8') === text;
      const checkpoints = existsSync(dir.checkpointsDir) && readdirSync(dir.checkpointsDir).some((f) => f.endsWith('.safetensors'));
      if (!same || checkpoints || dir.liveLock()) {
        throw new AugpriorError('run.exists', `run directory ${path} already exists${checkpoints ? ' and has checkpoints' : same ? '' : ' with another config'}`, `continue it with --resume ${path}, or give this run another --name`);
      }
      // Lines the failed start logged are dropped by the trainer, under the run's lock.
      return dir;
    }
    mkdirSync(resolve(runsDir), { recursive: true });
    try {
      mkdirSync(path); // not recursive: of two starts racing for one name, exactly one gets it
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new AugpriorError('run.exists', `run directory ${path} was just created by another start`, `continue it with --resume ${path}, or give this run another --name`);
      throw fileWriteError(error, path, 0);
    }
    mkdirSync(join(path, 'checkpoints'));
    const dir = new RunDir(path);
    writeFileAtomic(dir.configPath, text);
    writeFileSync(dir.metricsPath, '');
    return dir;
  }

  get lockPath(): string {
    return join(this.path, '.lock');
  }

  /** The holder of the run's lock when that process is still alive (or on another host). */
  liveLock(): LockInfo | undefined {
    const holder = this.readLock();
    if (!holder) return undefined;
    return holder.host !== hostname() || processAlive(holder.pid) ? holder : undefined;
  }

  private readLock(): LockInfo | undefined {
    if (!existsSync(this.lockPath)) return undefined;
    try {
      return JSON.parse(readFileSync(this.lockPath, 'utf8')) as LockInfo;
    } catch {
      return { pid: -1, host: hostname(), startedAt: '?', command: '(unreadable lock file)' };
    }
  }

  /**
   * Makes this process the run's one writer. A lock whose process is gone (a crash, SIGKILL) on
   * this host is taken over and returned as `stale`; a live one is a `run.locked` error.
   */
  lock(command: string): { release: () => void; stale?: LockInfo } {
    const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
    let stale: LockInfo | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.lockPath, JSON.stringify(mine), { flag: 'wx' });
        const release = () => {
          if (this.readLock()?.pid === process.pid) rmSync(this.lockPath, { force: true });
          process.off('exit', release);
        };
        process.on('exit', release);
        return { release, ...(stale ? { stale } : {}) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileWriteError(error, this.lockPath, 0);
        const live = this.liveLock();
        if (live) {
          throw new AugpriorError('run.locked', `${this.path} is being written by another process (pid ${live.pid} on ${live.host}, since ${live.startedAt}: ${live.command})`, 'wait for it to finish or stop it; one run has one writer. A lock left by a crashed process on this machine is taken over by the next start');
        }
        stale = this.readLock();
        rmSync(this.lockPath, { force: true });
      }
    }
    throw new AugpriorError('run.locked', `${this.path}: could not take the run's lock`, 'another process keeps taking it; stop the other writers');
  }

  /** Opens an existing run (to resume or evaluate it). */
  static open(path: string): RunDir {
    const dir = new RunDir(resolve(path));
    if (!existsSync(dir.configPath)) {
      const made = experimentsNamed(basename(dir.path));
      const hint = made.length > 0 ? `it is made by \`augprior train --config ${made[0]}\`; train it first` : 'pass the folder that `augprior train` created under runs/';
      const what = existsSync(dir.path) ? 'is not an augprior run directory (no config.json)' : 'does not exist (no run of that name has been trained here)';
      throw new AugpriorError('run.not-found', `${dir.path} ${what}`, hint);
    }
    return dir;
  }

  readConfig(): unknown {
    try {
      return JSON.parse(readFileSync(this.configPath, 'utf8'));
    } catch (error) {
      throw new AugpriorError('run.bad-config', `${this.configPath} is unreadable: ${(error as Error).message}`);
    }
  }

  appendMetrics(record: MetricsRecord): void {
    const line = `${JSON.stringify(record)}\n`;
    try {
      appendFileSync(this.metricsPath, line);
    } catch (error) {
      throw fileWriteError(error, this.metricsPath, line.length);
    }
  }

  readMetrics(): MetricsRecord[] {
    if (!existsSync(this.metricsPath)) return [];
    return readFileSync(this.metricsPath, 'utf8')
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as MetricsRecord];
        } catch {
          return []; // a line cut short by a kill mid-append
        }
      });
  }

  /** Drops records logged after `step` (by a run killed after its last checkpoint). */
  truncateMetricsAfter(step: number): number {
    const all = this.readMetrics();
    const kept = all.filter((r) => r.step <= step);
    writeFileAtomic(this.metricsPath, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return all.length - kept.length;
  }

  get changesPath(): string {
    return join(this.path, 'changes.jsonl');
  }

  /** Appends one line to changes.jsonl: a resume that continued with another config or teacher. */
  recordChange(change: Record<string, string | number>): void {
    appendFileSync(this.changesPath, `${JSON.stringify(change)}\n`);
  }

  readChanges(): Array<Record<string, string | number>> {
    if (!existsSync(this.changesPath)) return [];
    return readFileSync(this.changesPath, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, string | number>);
  }

  writeResult(result: unknown): void {
    writeFileAtomic(this.resultPath, `${JSON.stringify(result, null, 2)}\n`);
  }
}
