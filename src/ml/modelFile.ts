import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FEATURE_NAMES } from '../core/ml/features.ts';
import type { MlModel } from '../core/ml/model.ts';
import { ERROR_CODES, MlModelError } from '../domain/errors.ts';

/**
 * The versioned model file of the ML filter (JSON):
 *
 *   { "schema": "bybot.mlModel.v1", "sha256": "<hex>", "body": { model, training, metrics } }
 *
 * `sha256` is the SHA-256 of JSON.stringify(body) as written; loading recomputes it from the
 * parsed body (JSON round-trips numbers exactly) and refuses a mismatch with
 * MlModelError(ML_MODEL_CHECKSUM), so a model changed or damaged after training is never served.
 */
export const MODEL_SCHEMA = 'bybot.mlModel.v1';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const iso = z.iso.datetime();

export const ModelSchema = z.strictObject({
  version: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}@v\d{4,}$/),
  presetId: z.string().min(1),
  strategyType: z.string().min(1),
  features: z.array(z.string()).min(1),
  session: z.strictObject({ zone: z.string().min(1), startHour: z.number().int().min(0).max(23), endHour: z.number().int().min(0).max(24) }),
  requiredCandles: z.number().int().min(1).max(100_000),
  mean: z.array(finite),
  scale: z.array(finite.refine((v) => v > 0, 'must be above 0')),
  weights: z.array(finite),
  intercept: finite,
  threshold: z.number().min(0).max(1),
});

const FoldSchema = z.strictObject({
  fold: z.number().int(),
  testFrom: iso,
  testTo: iso,
  trainSignals: z.number().int(),
  testSignals: z.number().int(),
  auc: z.number().nullable(),
  threshold: z.number(),
  precision: z.number().nullable(),
  baseRate: z.number().nullable(),
  kept: z.number().int(),
  without: z.record(z.string(), z.number().nullable()),
  with: z.record(z.string(), z.number().nullable()),
});
export type FoldRecord = z.infer<typeof FoldSchema>;

export const BodySchema = z.strictObject({
  model: ModelSchema,
  training: z.strictObject({
    data: z.array(z.string()),
    from: iso,
    to: iso,
    signals: z.number().int(),
    positives: z.number().int(),
    l2: z.number(),
    iterations: z.number().int(),
    converged: z.boolean(),
  }),
  metrics: z.strictObject({ folds: z.array(FoldSchema), total: z.strictObject({ auc: z.number().nullable(), precision: z.number().nullable(), without: z.record(z.string(), z.number().nullable()), with: z.record(z.string(), z.number().nullable()) }) }),
});
export type ModelBody = z.infer<typeof BodySchema>;

const FileSchema = z.strictObject({ schema: z.literal(MODEL_SCHEMA), sha256: z.string().regex(/^[0-9a-f]{64}$/), body: z.unknown() });

export function sha256Of(body: ModelBody): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

export function serializeModel(body: ModelBody): string {
  return `${JSON.stringify({ schema: MODEL_SCHEMA, sha256: sha256Of(body), body }, null, 2)}\n`;
}

/**
 * Parses and verifies a model file's text: the envelope, the checksum (before anything in
 * the body is trusted), the body's shape, and that the model uses the features this build
 * computes. Throws MlModelError naming the file and the problem.
 */
export function parseModel(text: string, file: string): { readonly body: ModelBody; readonly sha256: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, file, 'not JSON');
  }
  const envelope = FileSchema.safeParse(raw);
  if (!envelope.success) throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, file, `not a ${MODEL_SCHEMA} file (${envelope.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')})`);
  const actual = createHash('sha256').update(JSON.stringify(envelope.data.body)).digest('hex');
  if (actual !== envelope.data.sha256) throw new MlModelError(ERROR_CODES.ML_MODEL_CHECKSUM, file, `checksum mismatch: the file says ${envelope.data.sha256.slice(0, 12)}..., its content hashes to ${actual.slice(0, 12)}...; refusing to load a model changed after training`);
  const body = BodySchema.safeParse(envelope.data.body);
  if (!body.success) throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, file, body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  checkModel(body.data.model, file);
  return { body: body.data, sha256: envelope.data.sha256 };
}

function checkModel(model: MlModel, file: string): void {
  const names = model.features;
  if (names.length !== FEATURE_NAMES.length || names.some((n, i) => n !== FEATURE_NAMES[i])) {
    throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, file, `trained on features [${names.join(', ')}], this version computes [${FEATURE_NAMES.join(', ')}]: retrain it`);
  }
  const d = names.length;
  if (model.mean.length !== d || model.scale.length !== d || model.weights.length !== d) throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, file, `mean, scale and weights must each have ${d} values`);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: model.session.zone });
  } catch {
    throw new MlModelError(ERROR_CODES.ML_MODEL_INVALID, file, `session zone "${model.session.zone}" is not an IANA time zone`);
  }
}
