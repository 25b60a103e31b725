/** Incremental indicators: immutable state + `next` reducer + `read`, O(1) or O(period) per candle. */
export * from './series.ts';
export * from './smoothing.ts';
export * from './sma.ts';
export * from './ema.ts';
export * from './rsi.ts';
export * from './atr.ts';
export * from './bollinger.ts';
export * from './adx.ts';
export * from './donchian.ts';
export * from './volumeMean.ts';
export * from './sessionVwap.ts';
export * from './timeframeAggregator.ts';
