import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { bundle } from '../src/build/bundle.ts';
import { mergeJson } from './support/merge.ts';
import { nodeFlagsOfScript } from '../src/build/scriptFlags.ts';

/**
 * `npm run bench [-- --json FILE] [-- --only a,b]`: runs every benchmark in its own process
 * (one after the other: they measure the machine), passes their output through, and with
 * --json writes all their JSON objects merged into one document (stable keys, see README
 * "Benchmarks"). A benchmark that fails is named and the exit code is 1; the others still run.
 */
const BENCHES = ['indicators', 'backtest', 'live', 'history', 'actorMemory', 'viz', 'research', 'ml'] as const;
type Bench = (typeof BENCHES)[number];

const Args = z.strictObject({
  json: z.string().min(1).optional(),
  only: z.array(z.enum(BENCHES)).min(1).optional(),
  help: z.boolean().optional(),
});

function parse(argv: readonly string[]): z.infer<typeof Args> | string[] {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') raw.help = true;
    else if (arg === '--json') raw.json = argv[++i];
    else if (arg === '--only') raw.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else problems.push(`unknown argument ${arg}`);
  }
  const parsed = Args.safeParse(raw);
  if (!parsed.success) for (const issue of parsed.error.issues) problems.push(`--${issue.path.join('.')}: ${issue.message}`);
  return problems.length > 0 ? problems : parsed.data!;
}

/**
 * Benchmarks of code that an npm script runs bundled are bundled the same way and run with
 * plain node and the node flags of the npm script of the same name, so they measure what the
 * user runs: `backtest` (npm run backtest runs dist/backtest.mjs with a larger young
 * generation; the live bench bundles its own children, as npm start runs the bot).
 */
const BUNDLED: ReadonlySet<Bench> = new Set(['backtest']);

function runOne(bench: Bench): Promise<{ objects: Record<string, unknown>[]; ok: boolean }> {
  const args = BUNDLED.has(bench) ? [...nodeFlagsOfScript(bench), bundle(`bench/${bench}.bench.ts`, `dist/bench/${bench}.bench.mjs`)] : ['--import', 'tsx', join(import.meta.dirname, `${bench}.bench.ts`)];
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      process.stdout.write(d);
    });
    child.on('close', (code) => {
      const objects: Record<string, unknown>[] = [];
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          objects.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // A line that only looks like JSON is passed through, not merged.
        }
      }
      done({ objects, ok: code === 0 });
    });
  });
}

const args = parse(process.argv.slice(2));
if (Array.isArray(args)) {
  for (const p of args) process.stderr.write(`bench: ${p}\n`);
  process.stderr.write(`usage: npm run bench [-- --json FILE] [--only ${BENCHES.join(',')}]\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`usage: npm run bench [-- --json FILE] [--only ${BENCHES.join(',')}]\n`);
  process.exit(0);
}
const document: Record<string, unknown> = { node: process.version, at: new Date().toISOString() };
const failed: string[] = [];
for (const bench of args.only ?? BENCHES) {
  const { objects, ok } = await runOne(bench);
  if (!ok) failed.push(bench);
  for (const o of objects) mergeJson(document, o);
}
if (args.json) writeFileSync(resolve(args.json), `${JSON.stringify(document, null, 2)}\n`);
if (failed.length > 0) {
  process.stderr.write(`bench: failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
