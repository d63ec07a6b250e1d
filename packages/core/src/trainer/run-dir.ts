/**
 * A run directory: `runs/<name>/` with the resolved `config.json`, `metrics.jsonl`,
 * `checkpoints/` and, when training ends, `result.json`. A new run never reuses an existing
 * folder; continuing one is always explicit (`--resume`).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { AugpriorError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

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
  static create(runsDir: string, name: string, resolvedConfig: unknown): RunDir {
    const path = resolve(runsDir, name);
    if (existsSync(path)) {
      throw new AugpriorError('run.exists', `run directory ${path} already exists`, `continue it with --resume ${path}, or give this run another --name`);
    }
    mkdirSync(join(path, 'checkpoints'), { recursive: true });
    const dir = new RunDir(path);
    writeFileAtomic(dir.configPath, `${JSON.stringify(resolvedConfig, null, 2)}\n`);
    writeFileSync(dir.metricsPath, '');
    return dir;
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
    appendFileSync(this.metricsPath, `${JSON.stringify(record)}\n`);
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

  writeResult(result: unknown): void {
    writeFileAtomic(this.resultPath, `${JSON.stringify(result, null, 2)}\n`);
  }
}
