import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlModelError } from '../../src/domain/errors.ts';
import { parseModel, serializeModel } from '../../src/ml/modelFile.ts';
import { latestModel, nextVersion, pruneModels, saveModel, storedModels, verifyModels } from '../../src/ml/modelStore.ts';
import { body } from './support/models.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'bybot-models-'));

function thrown(fn: () => unknown): MlModelError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MlModelError) return error;
    throw error;
  }
  throw new Error('expected an MlModelError');
}

describe('model files', () => {
  it('round-trip with their SHA-256', () => {
    const text = serializeModel(body('range-v1', 1));
    const parsed = parseModel(text, 'm.json');
    expect(parsed.body).toEqual(body('range-v1', 1));
    expect(parsed.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuse a file changed after training with a typed checksum error', () => {
    const text = serializeModel(body('range-v1', 1));
    const tampered = text.replace('"intercept": 0.3', '"intercept": 3.3');
    expect(tampered).not.toBe(text);
    const error = thrown(() => parseModel(tampered, 'm.json'));
    expect(error.code).toBe('ML_MODEL_CHECKSUM');
    expect(error.message).toMatch(/^m\.json: checksum mismatch/);
    const wrongSum = text.replace(/"sha256": "[0-9a-f]{64}"/, `"sha256": "${'0'.repeat(64)}"`);
    expect(thrown(() => parseModel(wrongSum, 'm.json')).code).toBe('ML_MODEL_CHECKSUM');
  });

  it('refuse a model trained on other features, even with a correct checksum', () => {
    const other = body('range-v1', 1);
    const text = serializeModel({ ...other, model: { ...other.model, features: [...other.model.features.slice(1), 'ret_1'] } });
    const error = thrown(() => parseModel(text, 'm.json'));
    expect(error.code).toBe('ML_MODEL_INVALID');
    expect(error.message).toMatch(/retrain it/);
    expect(thrown(() => parseModel('{', 'm.json')).code).toBe('ML_MODEL_INVALID');
  });
});

describe('model store', () => {
  it('numbers versions per preset, serves the newest, and prunes to the newest N', () => {
    const d = dir();
    for (let i = 1; i <= 4; i++) saveModel(d, body('range-v1', Number(nextVersion(d, 'range-v1').split('@v')[1])));
    saveModel(d, body('vwap-v1', 1));
    expect(nextVersion(d, 'range-v1')).toBe('range-v1@v0005');
    expect(storedModels(d).map((m) => m.version)).toEqual(['range-v1@v0001', 'range-v1@v0002', 'range-v1@v0003', 'range-v1@v0004', 'vwap-v1@v0001']);
    expect(latestModel(d, 'range-v1').body.model.version).toBe('range-v1@v0004');
    const removed = pruneModels(d, 2);
    expect(removed.map((m) => m.version)).toEqual(['range-v1@v0001', 'range-v1@v0002']);
    expect(storedModels(d).map((m) => m.version)).toEqual(['range-v1@v0003', 'range-v1@v0004', 'vwap-v1@v0001']);
  });

  it('verify names the damaged file; the newest being damaged is refused, never replaced by an older one', () => {
    const d = dir();
    saveModel(d, body('range-v1', 1));
    const { file } = saveModel(d, body('range-v1', 2));
    writeFileSync(file, readFileSync(file, 'utf8').replace('"netPnl": 12.5', '"netPnl": 99.5'));
    const results = verifyModels(d);
    expect(results.map((r) => [r.model.version, r.ok, r.code])).toEqual([
      ['range-v1@v0001', true, null],
      ['range-v1@v0002', false, 'ML_MODEL_CHECKSUM'],
    ]);
    expect(thrown(() => latestModel(d, 'range-v1')).code).toBe('ML_MODEL_CHECKSUM');
    expect(thrown(() => latestModel(d, 'mtf-v1')).message).toMatch(/no model of preset mtf-v1/);
  });
});
