import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../../config/load.ts';
import { createLogger } from '../observability/logger.ts';
import { runBacktest } from './runBacktest.ts';

/**
 * `npm run backtest -- [--config FILE] [--seed N] [--start ISO] [--hours H] [--out FILE]`:
 * runs the configured strategies over the seeded simulator with simulated time and prints
 * the fills and a summary as JSON (or writes them to --out). Same inputs, same output.
 */
const USAGE = `Usage: npm run backtest -- [--config FILE] [--seed N] [--start 2026-01-05T00:00:00Z] [--hours 24] [--out FILE]`;

const ArgsSchema = z.strictObject({
  config: z.string().min(1).optional(),
  seed: z.coerce.number().int().optional(),
  start: z.iso.datetime({ message: 'must be an ISO-8601 UTC time such as 2026-01-05T00:00:00Z' }).default('2026-01-05T00:00:00Z'),
  hours: z.coerce.number().positive().max(24 * 90).default(24),
  out: z.string().min(1).optional(),
});

function parse(argv: readonly string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (!flag.startsWith('--')) return `unexpected argument ${flag}`;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    out[flag.slice(2)] = value;
    i++;
  }
  return out;
}

async function main(): Promise<number> {
  const raw = parse(process.argv.slice(2));
  if (typeof raw === 'string') {
    process.stderr.write(`${raw}\n${USAGE}\n`);
    return 2;
  }
  const args = ArgsSchema.safeParse(raw);
  if (!args.success) {
    for (const issue of args.error.issues) {
      const where = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => `--${k}`).join(', ') : `--${issue.path.join('.')}`;
      process.stderr.write(`${where}: ${issue.code === 'unrecognized_keys' ? 'unknown option' : issue.message}\n`);
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { config: configPath, seed, start, hours, out } = args.data;
  const overrides: Record<string, unknown> = { log: { level: 'warn', pretty: 'never' } };
  if (seed !== undefined) overrides.simulator = { seed };
  const loaded = loadConfig({ env: process.env, configPath, overrides });
  if (!loaded.ok) {
    process.stderr.write(`configuration invalid (${loaded.problems.length} problem(s)):\n${loaded.problems.map((p) => `  ${p}\n`).join('')}`);
    return 2;
  }
  // Logs go to stderr so stdout is only the JSON result.
  const logger = createLogger({ level: loaded.config.log.level, pretty: 'never', destination: { write: (line: string) => process.stderr.write(line) } });
  const result = await runBacktest({ config: loaded.config, start: Date.parse(start), durationMs: hours * 3_600_000, logger });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (out) {
    writeFileSync(out, text);
    process.stdout.write(`${JSON.stringify({ written: out, ...result.summary })}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`backtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
