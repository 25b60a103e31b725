import { replayFeatures } from '../../../../src/core/ml/replay.ts';
import { FEATURE_HISTORY } from '../../../../src/core/ml/features.ts';
import { decisionsOn, featureMarket } from './featureMarket.ts';

/** Prints the replayed features of a fixed market as JSON: run under different TZ values by tz.test.ts. */
const series = featureMarket(24 * 40);
const decisions = decisionsOn(series, 120, 7);
const zones = ['America/New_York', 'Asia/Tokyo', 'Europe/London', 'Australia/Lord_Howe'];
const out = zones.map((zone) => {
  const { rows, ready } = replayFeatures(series, 3_600_000, decisions, { zone, startHour: 9, endHour: 16 }, FEATURE_HISTORY);
  return { zone, ready, rows: Array.from(rows, (v) => (Number.isNaN(v) ? null : v)) };
});
process.stdout.write(JSON.stringify({ localOffsetMinutes: new Date(0).getTimezoneOffset(), out }));
