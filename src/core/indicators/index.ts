/**
 * Streaming indicators: mutable objects owned by one kernel, `push` in O(1) with no
 * allocation, readings as fields/getters (NaN while warming up, see `ready`), plus batch
 * helpers (`xxxSeries`) built on the same objects for tests and tools.
 */
export * from './series.ts';
export * from './window.ts';
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
export * from './rollingRank.ts';
export * from './regime.ts';
