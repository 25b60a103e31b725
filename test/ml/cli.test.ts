import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMlArgs } from '../../src/ml/cliArgs.ts';
import { parseModel } from '../../src/ml/modelFile.ts';
import { cleanEnv } from '../support/childEnv.ts';

const root = resolve(import.meta.dirname, '../..');
const env = cleanEnv();
const ml = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/ml/cli.ts'), ...args], { cwd: root, env, encoding: 'utf8', timeout: 240_000 });

describe('npm run ml arguments', () => {
  it('name every problem at once', () => {
    const r = parseMlArgs(['train', '--data', 'BTCUSDT:60,ETHUSDT:5', '--from', '2023-01-01', '--threshold', '2', '--keep', '3']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      '--keep: only for prune',
      '--from: "2023-01-01" is not an ISO-8601 time such as 2023-01-01T00:00:00Z',
      '--preset: required',
      '--data: give one interval (the preset runs on one)',
      '--to: required',
      '--threshold: "2" must be auto or a probability between 0 and 1',
    ]);
    expect(parseMlArgs(['list', '--folds', '3'])).toEqual({ ok: false, problems: ['--folds: only for train'] });
    expect(parseMlArgs(['fit'])).toMatchObject({ ok: false, problems: ['fit: expected a command: train, list, verify or prune (try --help)'] });
  });
});

describe('npm run ml (end to end, generated market)', () => {
  it('trains, lists, verifies, refuses a changed file and prunes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-ml-cli-'));
    const models = join(dir, 'models');
    const first = ml('train', '--preset', 'range-v1', '--data', 'BTCUSDT:60', '--from', '2025-01-01T00:00:00Z', '--to', '2025-04-01T00:00:00Z', '--market', 'synthetic', '--folds', '1', '--model-dir', models, '--json', join(dir, 'm.json'));
    expect(first.stderr).toMatch(/feature cache: 1 series/);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^model range-v1@v0001 \(range\) trained on BTCUSDT:60/);
    expect(first.stdout).toMatch(/\ntotal {2,}/);
    expect(first.stdout).toMatch(/\nverdict: the model (ranks|does not rank) signals/);
    const file = join(models, 'range-v1', 'v0001.json');
    const { body } = parseModel(readFileSync(file, 'utf8'), file);
    expect(body.metrics.folds).toHaveLength(1);
    expect(body.training.signals).toBeGreaterThanOrEqual(30);
    expect(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).model).toEqual(body.model);
    // A second version (what the next train writes), so retention has something to prune.
    mkdirSync(join(models, 'range-v1'), { recursive: true });
    copyFileSync(file, join(models, 'range-v1', 'v0002.json'));

    const list = ml('list', '--model-dir', models);
    expect(list.stdout).toMatch(/^range-v1@v0001 .* AUC /m);
    expect(list.stdout).toMatch(/^range-v1@v0002 /m);
    expect(ml('verify', '--model-dir', models).stdout).toMatch(/2 model file\(s\), 0 failed/);

    writeFileSync(file, readFileSync(file, 'utf8').replace('"threshold": 0.', '"threshold": 0.0'));
    const verify = ml('verify', '--model-dir', models);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toMatch(/FAILED {3}range-v1@v0001 {2}ML_MODEL_CHECKSUM: .*checksum mismatch/);

    const prune = ml('prune', '--keep', '1', '--model-dir', models);
    expect(prune.stdout).toMatch(/removed {2}range-v1@v0001/);
    expect(ml('verify', '--model-dir', models).stdout).toMatch(/1 model file\(s\), 0 failed/);
  }, 300_000);
});
