/**
 * Progress for long work: a live bar with rate and ETA on a terminal (cli-progress), plain
 * periodic lines otherwise (CI logs, pipes), nothing when silenced. Written to stderr so a
 * command's `--json` stdout stays machine-readable.
 */
import cliProgress from 'cli-progress';

export interface ProgressUpdate {
  /** Fraction done in [0, 1] (by steps or by time budget, whichever is further along). */
  fraction: number;
  /** Items per second (images, clips, ...) over the recent window. */
  rate?: number;
  /** Short status, e.g. "step 120/1000 loss 0.412". */
  status: string;
}

export interface ProgressReporter {
  update(update: ProgressUpdate): void;
  /** A line that must not be overwritten by the bar (eval results, warnings). */
  log(line: string): void;
  stop(): void;
}

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'off';

export interface ProgressOptions {
  label: string;
  unit?: string;
  mode?: ProgressMode;
  stream?: NodeJS.WriteStream;
  /** Minimum seconds between plain lines. */
  lineInterval?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

export function createProgress(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const mode = options.mode ?? 'auto';
  const unit = options.unit ?? 'it';
  const resolved = mode === 'auto' ? (stream.isTTY && !process.env['CI'] ? 'bar' : 'lines') : mode;
  const started = Date.now();
  // A resumed run starts part-way: the rate must come from the progress made in this process.
  let startFraction: number | undefined;
  const eta = (fraction: number) => {
    startFraction ??= fraction;
    const elapsed = (Date.now() - started) / 1000;
    const done = fraction - startFraction;
    return done > 0 ? formatDuration((elapsed * (1 - fraction)) / done) : '--';
  };

  if (resolved === 'off') return { update() {}, log() {}, stop() {} };

  if (resolved === 'lines') {
    const interval = (options.lineInterval ?? 10) * 1000;
    let last = 0;
    return {
      update({ fraction, rate, status }) {
        startFraction ??= fraction;
        const now = Date.now();
        if (now - last < interval && fraction < 1) return;
        last = now;
        const rateText = rate !== undefined ? ` ${rate.toFixed(1)} ${unit}/s` : '';
        stream.write(`[${options.label}] ${(fraction * 100).toFixed(1)}% ${status}${rateText} ETA ${eta(fraction)}\n`);
      },
      log(line) {
        stream.write(`[${options.label}] ${line}\n`);
      },
      stop() {},
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} |{bar}| {percentage}% {status} {rate} ETA {etaText}`,
      stream,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0, { status: '', rate: '', etaText: '--' });
  return {
    update({ fraction, rate, status }) {
      startFraction ??= fraction;
      bar.update(Math.round(Math.min(Math.max(fraction, 0), 1) * 1000), {
        status,
        rate: rate !== undefined ? `${rate.toFixed(1)} ${unit}/s` : '',
        etaText: eta(fraction),
      });
    },
    log(line) {
      // Printing above a live bar garbles it; cli-progress has no log API, so redraw after.
      stream.write(`\r\x1b[K${line}\n`);
      bar.render();
    },
    stop() {
      bar.stop();
    },
  };
}
