import { RollingMoments } from './window.ts';

/**
 * Rolling mean of volume and the volume ratio (last volume / mean). The mean is taken over
 * the `period` candles BEFORE the last one, so a spike does not dilute its own baseline
 * (with the spike inside, a 5x candle over 20 reads only ~4.2x). Needs period + 1 candles.
 * O(1) per candle (RollingMoments).
 */
export interface VolumeReading {
  readonly mean: number;
  readonly last: number;
  /** last / mean; 0 when the baseline is 0 (no baseline, so no confirmed spike). */
  readonly ratio: number;
}

export class VolumeMean implements VolumeReading {
  /** Volumes of the `period` candles before `last`. */
  private readonly window: RollingMoments;
  private hasLast = false;
  /** The newest volume; NaN before the first. */
  last = Number.NaN;
  /** Readings: NaN until period + 1 volumes have arrived. */
  mean = Number.NaN;
  ratio = Number.NaN;
  ready = false;

  constructor(period: number) {
    this.window = new RollingMoments(period, false);
  }

  get period(): number {
    return this.window.period;
  }

  get capacity(): number {
    return this.window.capacity;
  }

  /** Negative or non-finite volumes are skipped. */
  update(candle: { readonly volume: number }): void {
    const volume = candle.volume;
    if (!Number.isFinite(volume) || volume < 0) return;
    const w = this.window;
    if (this.hasLast) {
      w.input = this.last;
      w.push();
    }
    this.last = volume;
    this.hasLast = true;
    if (!w.ready) return;
    const mean = w.mean;
    this.mean = mean;
    this.ratio = mean > 0 ? volume / mean : 0;
    this.ready = true;
  }
}

export function volumeMeanSeries(volumes: readonly number[], period: number): (VolumeReading | null)[] {
  const vm = new VolumeMean(period);
  return volumes.map((volume) => {
    vm.update({ volume });
    return vm.ready ? { mean: vm.mean, last: vm.last, ratio: vm.ratio } : null;
  });
}
