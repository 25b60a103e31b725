import type { AppConfig } from '../../config/schema.ts';
import { writeFileAtomic } from '../backtest/outputFile.ts';
import { seriesKey } from '../backtest/prepareRun.ts';
import { openHistoryStore, resolveHistoryDir } from '../history/index.ts';
import { researchContext } from '../research/context.ts';
import type { MlArgs } from './cliArgs.ts';
import { createMlCaches, type MlCaches } from './caches.ts';
import { nextVersion, pruneModels, resolveModelDir, saveModel, verifyModels } from './modelStore.ts';
import { formatList, formatTraining } from './table.ts';
import { DEFAULT_TRAIN, trainWalkForward } from './walkForward.ts';

/** The commands of `npm run ml` (cli.ts parses and reports; these do the work). Each returns the exit code. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Trains every preset of --preset (a comma list) in turn; the feature cache serves the candles they share. */
export function trainCommand(args: MlArgs, config: AppConfig, io: Io, now: () => number): number {
  const caches = createMlCaches(config, now);
  let code = 0;
  for (const preset of args.preset!.split(',').map((p) => p.trim()).filter(Boolean)) code = Math.max(code, trainOne(args, preset, config, io, caches.feature));
  const s = caches.feature.stats();
  io.err(`feature cache: ${s.entries} series, ${s.bytes} bytes, ${s.hits} hit(s), ${s.misses} miss(es), ${s.evictions} eviction(s) (ml.cache)\n`);
  return code;
}

function trainOne(args: MlArgs, presetId: string, config: AppConfig, io: Io, featureCache: MlCaches['feature']): number {
  const modelDir = resolveModelDir(config, args.modelDir);
  const historyDir = resolveHistoryDir({ historyDir: args.historyDir, config });
  const { ctx } = researchContext(config, { data: args.data, from: args.from, to: args.to, market: args.market, marketSeed: args.marketSeed, preset: presetId }, () => ({}), () => openHistoryStore(historyDir));
  const version = nextVersion(modelDir, ctx.preset.id);
  const { body, dataset } = trainWalkForward(ctx, args.from, args.to, args.data.map((d) => seriesKey(d.symbol, d.interval)), version, {
    ...DEFAULT_TRAIN,
    folds: args.folds,
    threshold: args.threshold,
    l2: config.ml.l2,
    session: config.ml.session,
    featureCache,
  });
  const dropped = Object.entries(dataset.dropped);
  if (dropped.length > 0) io.err(`trades without a label or the model's history (left out): ${dropped.map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  if (body.training.signals < DEFAULT_TRAIN.minSignals || body.training.positives === 0 || body.training.positives === body.training.signals) {
    io.err(`only ${body.training.signals} labelled signal(s) (${body.training.positives} positive) for preset ${ctx.preset.id}: too few to train a model; nothing written\n`);
    return 1;
  }
  const saved = saveModel(modelDir, body);
  io.out(`${formatTraining(body, saved.file)}\n`);
  const removed = pruneModels(modelDir, config.ml.retainVersions, ctx.preset.id);
  if (removed.length > 0) io.err(`pruned ${removed.length} old version(s) (ml.retainVersions ${config.ml.retainVersions}): ${removed.map((m) => m.version).join(', ')}\n`);
  if (args.json) {
    const json = args.preset!.includes(',') ? args.json.replace(/(\.json)?$/, `-${ctx.preset.id}.json`) : args.json;
    io.err(`written: ${writeFileAtomic(json, `${JSON.stringify({ file: saved.file, ...body }, null, 2)}\n`, '--json').path}\n`);
  }
  return 0;
}

export function listCommand(args: MlArgs, config: AppConfig, io: Io): number {
  io.out(`${formatList(verifyModels(resolveModelDir(config, args.modelDir), args.preset))}\n`);
  return 0;
}

export function verifyCommand(args: MlArgs, config: AppConfig, io: Io): number {
  const results = verifyModels(resolveModelDir(config, args.modelDir), args.preset);
  for (const r of results) io.out(r.ok ? `ok       ${r.model.version}  ${r.model.file}\n` : `FAILED   ${r.model.version}  ${r.code}: ${r.problem}\n`);
  const bad = results.filter((r) => !r.ok).length;
  io.out(`${results.length} model file(s), ${bad} failed\n`);
  return bad > 0 ? 1 : 0;
}

export function pruneCommand(args: MlArgs, config: AppConfig, io: Io): number {
  const keep = args.keep ?? config.ml.retainVersions;
  const removed = pruneModels(resolveModelDir(config, args.modelDir), keep, args.preset);
  for (const m of removed) io.out(`removed  ${m.version}  ${m.file}\n`);
  io.out(`${removed.length} file(s) removed, the newest ${keep} version(s) of each preset kept\n`);
  return 0;
}
