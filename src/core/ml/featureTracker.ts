import { RollingMoments } from '../indicators/window.ts';

/**
 * The market part of the ML filter's features, advanced one closed candle at a time in
 * O(1) (hot state owned by one kernel, reset with its indicators after a gap). It only
 * ever sees candles that have closed, in order, so a feature at candle N cannot depend on
 * candle N+1 (the look-ahead test alters the future and checks exactly that).
 *
 *   ret_1, ret_4, ret_24   log return of the close over 1, 4 and 24 candles
 *   vol_24, vol_96         standard deviation of the 1-candle log returns over 24 and 96 candles
 *   volume_z_48            z-score of the candle's volume against the last 48 candles (itself included)
 */

export const MARKET_FEATURES = ['ret_1', 'ret_4', 'ret_24', 'vol_24', 'vol_96', 'volume_z_48'] as const;

const RETURN_SPANS = [1, 4, 24] as const;
const VOL_SPANS = [24, 96] as const;
const VOLUME_SPAN = 48;
/** Closes kept for the longest return span. */
const CLOSES = 25;

/** Contiguous closed candles the market features need (96 returns need 97 closes). */
export const MARKET_HISTORY = Math.max(VOL_SPANS[1] + 1, CLOSES, VOLUME_SPAN);

export class FeatureTracker {
  /** Candles fed since the last reset. */
  fed = 0;
  private readonly logCloses = new Float64Array(CLOSES);
  private readonly vol24 = new RollingMoments(VOL_SPANS[0]);
  private readonly vol96 = new RollingMoments(VOL_SPANS[1]);
  private readonly volume = new RollingMoments(VOLUME_SPAN);

  /** Ready when every market feature has its full window. */
  get ready(): boolean {
    return this.fed >= MARKET_HISTORY;
  }

  /** One closed candle (close > 0 and volume >= 0: the kernel feeds only validated rows). */
  update(close: number, volume: number): void {
    const lc = Math.log(close);
    if (this.fed > 0) {
      const r = lc - this.logCloses[(this.fed - 1) % CLOSES]!;
      this.vol24.input = r;
      this.vol24.push();
      this.vol96.input = r;
      this.vol96.push();
    }
    this.logCloses[this.fed % CLOSES] = lc;
    this.volume.input = volume;
    this.volume.push();
    this.fed++;
  }

  /** Writes the six market features at out[at..at+5]; NaN where a window is not full yet. */
  write(out: Float64Array, at: number): void {
    const n = this.fed;
    const last = n > 0 ? this.logCloses[(n - 1) % CLOSES]! : Number.NaN;
    for (let i = 0; i < RETURN_SPANS.length; i++) {
      const span = RETURN_SPANS[i]!;
      out[at + i] = n > span ? last - this.logCloses[(n - 1 - span) % CLOSES]! : Number.NaN;
    }
    out[at + 3] = this.vol24.ready ? Math.sqrt(this.vol24.variance) : Number.NaN;
    out[at + 4] = this.vol96.ready ? Math.sqrt(this.vol96.variance) : Number.NaN;
    const sd = Math.sqrt(this.volume.variance);
    out[at + 5] = this.volume.ready ? (sd > 0 ? (this.volume.last - this.volume.mean) / sd : 0) : Number.NaN;
  }
}
