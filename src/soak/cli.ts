import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PROJECT_ROOT } from '../projectRoot.ts';
import { runSoak } from './runSoak.ts';

/**
 * `npm run soak -- --hours 24 --symbols 10 --scenario chaos [--seed N] [--speed X] [--out FILE]`
 * Prints the JSON summary on stdout (progress on stderr); exit 0 only when every failure
 * count is 0, 1 otherwise, 2 for bad arguments.
 */
const USAGE = `Usage: npm run soak -- [--hours 24] [--symbols 10] [--scenario chaos] [--seed 1] [--speed X] [--out FILE]

  --hours N       simulated hours (default 24)
  --symbols N     symbols, each traded by three presets (default 10, at most 20)
  --scenario S    fault timeline: chaos (5xx bursts, hangs, 10006 and 403 storms, websocket
                  drops, DNS failures, latency, bad candles, SIGKILL restarts)
  --seed N        seed of the market and of the timeline (default 1)
  --speed X       simulated ms per wall ms (default: the fastest that leaves 12 s between faults, at most 300)
  --out FILE      also write the summary to FILE`;

const Args = z.strictObject({
  hours: z.coerce.number().positive().max(24 * 30).default(24),
  symbols: z.coerce.number().int().min(1).max(20).default(10),
  scenario: z.enum(['chaos']).default('chaos'),
  seed: z.coerce.number().int().default(1),
  speed: z.coerce.number().positive().max(1_000).optional(),
  out: z.string().min(1).optional(),
  help: z.boolean().default(false),
});

async function main(): Promise<number> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      options: { hours: { type: 'string' }, symbols: { type: 'string' }, scenario: { type: 'string' }, seed: { type: 'string' }, speed: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.data.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const a = parsed.data;
  const summary = await runSoak({
    hours: a.hours,
    symbols: a.symbols,
    scenario: a.scenario,
    seed: a.seed,
    ...(a.speed !== undefined ? { speed: a.speed } : {}),
    root: PROJECT_ROOT,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  const text = `${JSON.stringify(summary, null, 2)}\n`;
  process.stdout.write(text);
  if (a.out) writeFileSync(a.out, text);
  return summary.soak.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
