import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { INTERVALS } from '../domain/types.ts';
import { MANIFEST } from './commit.ts';
import { corrupt } from './errors.ts';

/**
 * `<history dir>/<SYMBOL>/manifest.json`: what the symbol's directory holds. Each data
 * file is listed with its SHA-256 (so `data check` finds a file changed or damaged outside
 * bybot), its row count and range, and where its rows came from. `fetched` lists the time
 * ranges a download has fully covered, empty stretches included (before a listing, during
 * an exchange outage), so a later download does not ask for them again.
 */
const isoTime = z.string();
const range = z.tuple([z.number(), z.number()]);

export const CandleEntrySchema = z.strictObject({
  file: z.string(),
  from: z.number(),
  to: z.number(),
  rows: z.number().int().nonnegative(),
  gaps: z.number().int().nonnegative(),
  sources: z.array(z.string()),
  fetched: z.array(range),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  updatedAt: isoTime,
});
export type CandleEntry = z.infer<typeof CandleEntrySchema>;

export const FundingEntrySchema = z.strictObject({
  file: z.string(),
  from: z.number(),
  to: z.number(),
  rows: z.number().int().nonnegative(),
  sources: z.array(z.string()),
  fetched: z.array(range),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  updatedAt: isoTime,
});
export type FundingEntry = z.infer<typeof FundingEntrySchema>;

export const InstrumentEntrySchema = z.strictObject({
  file: z.string(),
  source: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  savedAt: isoTime,
});
export type InstrumentEntry = z.infer<typeof InstrumentEntrySchema>;

export const ManifestSchema = z.strictObject({
  version: z.literal(1),
  symbol: z.string(),
  candles: z.partialRecord(z.enum(INTERVALS), CandleEntrySchema),
  funding: FundingEntrySchema.nullable(),
  instrument: InstrumentEntrySchema.nullable(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const emptyManifest = (symbol: string): Manifest => ({ version: 1, symbol, candles: {}, funding: null, instrument: null });

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function readManifest(symbolDir: string, symbol: string): Manifest | null {
  const path = join(symbolDir, MANIFEST);
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw corrupt(`${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`, { file: path });
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throw corrupt(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, { file: path });
  if (parsed.data.symbol !== symbol) throw corrupt(`${path}: describes ${parsed.data.symbol}, expected ${symbol}`, { file: path });
  return parsed.data;
}

export function manifestText(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** Union of [from, to] ranges, merged where they touch (within `step`). */
export function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>, step: number): Array<[number, number]> {
  const sorted = [...ranges].map(([a, b]) => [a, b] as [number, number]).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + step) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}
