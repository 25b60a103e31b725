import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/ml/modelStore.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';
import { body } from './support/models.ts';

/** The runtime serves a preset's ML filter from its verified model file and says in /actors whether it is consulted yet. */
const apps: AppHarness[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.app.stop();
});

function modelDir(requiredCandles?: number, tamper = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'bybot-ml-'));
  const { file } = saveModel(dir, body('range-v1', 1, { strategyType: 'range', ...(requiredCandles ? { requiredCandles } : {}) }));
  if (tamper) writeFileSync(file, readFileSync(file, 'utf8').replace('"intercept": 0.3', '"intercept": 0.9'));
  return dir;
}

const overrides = (dir: string) => ({ ml: { modelDir: dir }, strategies: [{ id: 'range-v1', type: 'range', symbols: ['BTCUSDT'], ml: { enabled: true, mode: 'veto' } }] });

async function actorMl(app: AppHarness) {
  await app.run(60_000);
  const res = await app.get('/actors');
  const actors = (res.body as { actors: { id: string; ml?: Record<string, unknown> }[] }).actors;
  return actors.find((a) => a.id === 'BTCUSDT:range-v1')!.ml;
}

describe('ML filter in the runtime', () => {
  it('waits while the model history is not loaded: the strategy runs without it and /actors says so', async () => {
    // The simulator has 3 days of 5-minute candles (864); this model asks for 2000.
    const app = await startTestApp(overrides(modelDir(2000)));
    apps.push(app);
    const ml = await actorMl(app);
    expect(ml).toMatchObject({ version: 'range-v1@v0001', mode: 'veto', status: 'waiting-history', needs: 2000 });
    expect(ml!.history as number).toBeGreaterThan(500);
    expect(ml!.history as number).toBeLessThan(2000);
    expect(ml!.note).toMatch(/runs without the model until 2000 validated candles are held/);
  }, 60_000);

  it('consults the model once its history is held', async () => {
    const app = await startTestApp(overrides(modelDir()));
    apps.push(app);
    expect(await actorMl(app)).toMatchObject({ status: 'active', needs: 97, threshold: 0.5 });
    const metrics = await app.get('/metrics');
    expect(metrics.text).toMatch(/bybot_ml_cache_entries\{cache="model"\} 1/);
    expect(metrics.text).toMatch(/bybot_ml_cache_bytes\{cache="model"\} [1-9]\d+/);
  }, 60_000);

  it('refuses to start on a model changed after training, or an enabled filter without a model', async () => {
    await expect(startTestApp(overrides(modelDir(undefined, true)))).rejects.toMatchObject({ code: 'ML_MODEL_CHECKSUM' });
    await expect(startTestApp(overrides(mkdtempSync(join(tmpdir(), 'bybot-ml-empty-'))))).rejects.toMatchObject({ code: 'ML_MODEL_INVALID' });
  }, 60_000);
});
