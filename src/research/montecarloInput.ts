import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ResearchInputError } from '../domain/errors.ts';

/**
 * The part of a bybot.backtest.v1 results file (`npm run backtest -- --json`) the Monte
 * Carlo needs, checked with zod at the boundary: a wrong file, a truncated one or one of
 * another schema is refused with the field that is wrong, never a stack.
 */
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const time = z.number().int().nonnegative();

export const McRecordSchema = z.object({
  schema: z.literal('bybot.backtest.v1', { error: 'must be "bybot.backtest.v1" (write the file with npm run backtest -- --json FILE)' }),
  from: z.string(),
  to: z.string(),
  startEquity: finite.refine((v) => v > 0, 'must be above 0'),
  endEquity: finite,
  presets: z.array(z.object({ id: z.string(), type: z.string(), symbols: z.array(z.string()) })),
  trades: z.array(z.object({ netPnl: finite, entryTime: time, exitTime: time })),
  dailyEquity: z.array(z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), equity: finite, returnPct: finite })),
});

export type McRecord = z.infer<typeof McRecordSchema>;

export function parseMcRecord(value: unknown, source: string): McRecord {
  const parsed = McRecordSchema.safeParse(value);
  if (!parsed.success) {
    throw new ResearchInputError(parsed.error.issues.slice(0, 10).map((i) => `--results ${source}: ${i.path.length > 0 ? i.path.join('.') : '(file)'}: ${i.message}`));
  }
  return parsed.data;
}

export function readMcRecord(file: string): McRecord {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ResearchInputError([`--results ${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ResearchInputError([`--results ${file}: not JSON (${error instanceof Error ? error.message : String(error)})`]);
  }
  return parseMcRecord(value, file);
}

/** Daily returns as fractions, in day order. */
export const dailyReturns = (r: McRecord): Float64Array => Float64Array.from(r.dailyEquity, (d) => d.returnPct / 100);
