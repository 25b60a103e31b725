import cliProgress from 'cli-progress';

/**
 * The backtest's progress bar: on stderr, only when stderr is a terminal (never in a pipe, a
 * file or CI logs, where it would only be noise), with candles/s and the ETA.
 *
 * Engines call `update(candlesDone)` as often as they like, e.g. after every candle: the call
 * is a store and a comparison until the count passes the next redraw point, which is re-aimed at each
 * redraw to about 100 ms ahead from the measured speed. So the bar costs a few redraws a
 * second, not a clock read per candle. Call `stop()` when done (also on error: the bar's
 * timer keeps the process alive until then).
 */
export interface Progress {
  update(done: number): void;
  stop(): void;
  /** How many times the count was handed to the bar (0 when disabled). */
  readonly redraws: number;
}

export interface ProgressOptions {
  /** Candles the run will process (symbol-candles). */
  readonly total: number;
  readonly label?: string;
  /** What is counted (default "candles"; the optimiser counts "trials"). */
  readonly unit?: string;
  /** Where to draw; default process.stderr. Drawn only when `stream.isTTY`. */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Wall clock in ms for candles/s; default performance.now. */
  readonly now?: () => number;
}

/** Redraw about this often. */
const REDRAW_MS = 100;

const DISABLED: Progress = { update: () => undefined, stop: () => undefined, redraws: 0 };

class TerminalProgress implements Progress {
  redraws = 0;
  private next = 0;
  private lastDone = 0;
  private latest = 0;
  private lastAt: number;
  private readonly startedAt: number;
  private stopped = false;
  private readonly bar: cliProgress.SingleBar;

  constructor(
    private readonly total: number,
    label: string,
    stream: NodeJS.WritableStream,
    private readonly now: () => number,
    unit = 'candles',
  ) {
    this.startedAt = now();
    this.lastAt = this.startedAt;
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {speed} ${unit}/s | ETA {eta_formatted}`,
        barsize: 30,
        fps: 1000 / REDRAW_MS,
        etaBuffer: 20,
        hideCursor: false,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(1, total), 0, { speed: '-' });
  }

  update(done: number): void {
    this.latest = done;
    if (done < this.next) return;
    this.redraw(done);
  }

  private redraw(done: number): void {
    const at = this.now();
    const elapsed = at - this.startedAt;
    // Aim the next redraw ~100 ms ahead at the speed since the last one (at least one candle).
    const recent = (done - this.lastDone) / Math.max(1e-3, at - this.lastAt);
    this.next = done + Math.max(1, Math.floor(recent * REDRAW_MS));
    this.lastDone = done;
    this.lastAt = at;
    this.redraws++;
    const speed = elapsed > 0 ? Math.round((done / elapsed) * 1000).toLocaleString('en-US') : '-';
    this.bar.update(Math.min(done, this.total), { speed });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.redraw(this.latest);
    this.bar.stop();
  }
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return DISABLED;
  return new TerminalProgress(options.total, options.label ?? 'backtest', stream, options.now ?? (() => performance.now()), options.unit);
}
