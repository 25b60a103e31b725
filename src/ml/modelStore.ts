import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppConfig } from '../../config/schema.ts';
import { writeFileAtomic } from '../backtest/outputFile.ts';
import { BybotError, ERROR_CODES, MlModelError } from '../domain/errors.ts';
import { parseModel, serializeModel, type ModelBody } from './modelFile.ts';

/**
 * Model files on disk: <model dir>/<presetId>/v0001.json, v0002.json, ... (one sequence per
 * preset; the highest is the one served). The model dir is ml.modelDir, or <data dir>/models
 * beside the market history (a model trained on history serves every mode).
 */
export function resolveModelDir(config: Pick<AppConfig, 'journal' | 'ml'>, override?: string, cwd = process.cwd()): string {
  if (override) return resolve(cwd, override);
  if (config.ml.modelDir) return resolve(cwd, config.ml.modelDir);
  return resolve(cwd, config.journal.dataDir || 'data', 'models');
}

const FILE = /^v(\d{4,})\.json$/;

export interface StoredModel {
  readonly presetId: string;
  readonly sequence: number;
  readonly version: string;
  readonly file: string;
  readonly bytes: number;
}

/** Model files of one preset (or all), oldest first. */
export function storedModels(dir: string, presetId?: string): StoredModel[] {
  if (!existsSync(dir)) return [];
  const presets = presetId !== undefined ? [presetId] : readdirSync(dir).filter((p) => statSync(join(dir, p)).isDirectory()).sort();
  const out: StoredModel[] = [];
  for (const p of presets) {
    const sub = join(dir, p);
    if (!existsSync(sub)) continue;
    for (const name of readdirSync(sub)) {
      const m = FILE.exec(name);
      if (!m) continue;
      const file = join(sub, name);
      out.push({ presetId: p, sequence: Number(m[1]), version: `${p}@v${m[1]}`, file, bytes: statSync(file).size });
    }
  }
  return out.sort((a, b) => a.presetId.localeCompare(b.presetId) || a.sequence - b.sequence);
}

/** The version string the next model of `presetId` gets. */
export function nextVersion(dir: string, presetId: string): string {
  const last = storedModels(dir, presetId).at(-1)?.sequence ?? 0;
  return `${presetId}@v${String(last + 1).padStart(4, '0')}`;
}

/** Writes a trained model (its version must be nextVersion's) and returns the file. */
export function saveModel(dir: string, body: ModelBody): { file: string; bytes: number } {
  const seq = body.model.version.split('@v')[1]!;
  const sub = join(dir, body.model.presetId);
  mkdirSync(sub, { recursive: true });
  const written = writeFileAtomic(join(sub, `v${seq}.json`), serializeModel(body), 'model file');
  return { file: written.path, bytes: written.bytes };
}

export interface LoadedModel {
  readonly body: ModelBody;
  readonly sha256: string;
  readonly file: string;
}

/** Reads and verifies one model file (MlModelError on any problem). */
export function readModel(file: string): LoadedModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return { ...parseModel(text, file), file };
}

/** The newest model of a preset, verified; MlModelError when there is none or it fails verification (never an older one silently). */
export function latestModel(dir: string, presetId: string): LoadedModel {
  const last = storedModels(dir, presetId).at(-1);
  if (!last) throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, join(dir, presetId), `no model of preset ${presetId}: train one with npm run ml -- train --preset ${presetId} ...`);
  const loaded = readModel(last.file);
  if (loaded.body.model.presetId !== presetId) throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, last.file, `holds a model of preset ${loaded.body.model.presetId}, not ${presetId}`);
  return loaded;
}

export interface VerifyResult {
  readonly model: StoredModel;
  readonly ok: boolean;
  readonly code: string | null;
  readonly problem: string | null;
  readonly body: ModelBody | null;
}

export function verifyModels(dir: string, presetId?: string): VerifyResult[] {
  return storedModels(dir, presetId).map((model) => {
    try {
      const { body } = readModel(model.file);
      return { model, ok: true, code: null, problem: null, body };
    } catch (error) {
      if (error instanceof BybotError) return { model, ok: false, code: error.code, problem: error.message, body: null };
      throw error;
    }
  });
}

/** Keeps the newest `keep` versions of each preset and removes the rest; returns the removed files. */
export function pruneModels(dir: string, keep: number, presetId?: string): StoredModel[] {
  const byPreset = new Map<string, StoredModel[]>();
  for (const m of storedModels(dir, presetId)) byPreset.set(m.presetId, [...(byPreset.get(m.presetId) ?? []), m]);
  const removed: StoredModel[] = [];
  for (const models of byPreset.values()) {
    for (const m of models.slice(0, Math.max(0, models.length - keep))) {
      rmSync(m.file, { force: true });
      removed.push(m);
    }
  }
  return removed;
}
