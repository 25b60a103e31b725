import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { parseDuration } from '../cli/args.ts';
import { createLogger } from '../observability/logger.ts';
import { readiness } from '../http/readiness.ts';

/**
 * `npm run smoke -- [--config FILE] [--duration 20s]`: the release pipeline's smoke test. The
 * given (new version's) configuration, turned into a dry-run against the built-in
 * simulator over the Bybit wire protocol (no keys, no live account, a temporary journal,
 * a free port): it must start within the start-up deadlines, reconcile, report /ready 200,
 * run every enabled actor through at least one iteration, and stop cleanly. Prints one
 * JSON line `{"smoke":{...}}`; exit 0 when all of it held, 1 otherwise, 2 on a bad
 * configuration or arguments.
 */
/** Iterations an actor finished (succeeded, skipped for data or risk reasons, or failed and counted). */
const finished = (c: { readonly succeeded: number; readonly failed: number; readonly skipped: number }): number => c.succeeded + c.failed + c.skipped;

const USAGE = 'Usage: npm run smoke -- [--config FILE] [--duration 20s]';

interface SmokeArgs {
  readonly configPath?: string;
  readonly durationMs: number;
}

function parse(argv: readonly string[]): SmokeArgs | string {
  let configPath: string | undefined;
  let durationMs = 20_000;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config' && argv[i + 1]) configPath = argv[++i];
    else if (a === '--duration' && argv[i + 1]) {
      const ms = parseDuration(argv[++i]!);
      if (ms === null) return '--duration: expected a duration such as 20s';
      durationMs = ms;
    } else return `${a}: unknown argument`;
  }
  return { ...(configPath ? { configPath } : {}), durationMs };
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n${USAGE}\n`);
    return 2;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'bybot-smoke-'));
  const overrides = {
    mode: 'dry-run',
    exchange: { venue: 'testnet', transport: 'wire', apiKey: '', apiSecret: '', restUrls: [], wsUrl: '' },
    http: { host: '127.0.0.1', port: 0, controlToken: '', controlTokenFile: '', readToken: '' },
    journal: { dataDir, enabled: true },
    secrets: { provider: 'env' },
    log: { pretty: 'never' },
  };
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BYBIT_') && k !== 'DRY_RUN' && !k.startsWith('BYBOT_HTTP_') && !k.startsWith('BYBOT_SECRETS_')));
  const loaded = loadConfig({ env, configPath: args.configPath, overrides });
  if (!loaded.ok) {
    process.stderr.write(`configuration invalid:\n${loaded.problems.map((p) => `  ${p}\n`).join('')}`);
    return 2;
  }
  const logger = createLogger({ level: process.env.SMOKE_LOG_LEVEL ?? 'warn', pretty: 'never' });
  const started = Date.now();
  const { startApp } = await import('../app.ts');
  const checks: Record<string, boolean> = { started: false, reconciled: false, ready: false, iterated: false, stoppedCleanly: false };
  let readyAfterMs: number | null = null;
  let iterations = 0;
  try {
    const app = await startApp({ config: loaded.config, logger, env: {} });
    checks.started = true;
    try {
      await Promise.race([app.runtime.whenStarted(), new Promise((resolve) => setTimeout(resolve, args.durationMs))]);
      checks.reconciled = app.runtime.reconciliation.done;
      const deadline = started + args.durationMs;
      while (Date.now() < deadline) {
        const r = readiness(app.runtime, app.health, app.config, app.clock);
        const entries = app.runtime.registry.list();
        iterations = entries.reduce((n, e) => n + finished(e.context.counters), 0);
        if (r.ready && readyAfterMs === null) readyAfterMs = Date.now() - started;
        if (readyAfterMs !== null && entries.every((e) => finished(e.context.counters) > 0)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      checks.ready = readyAfterMs !== null;
      checks.iterated = app.runtime.registry.list().every((e) => finished(e.context.counters) > 0);
    } finally {
      const report = await app.stop();
      checks.stoppedCleanly = report.problems.length === 0;
    }
  } catch (error) {
    process.stderr.write(`smoke: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const ok = Object.values(checks).every(Boolean);
  process.stdout.write(`${JSON.stringify({ smoke: { ok, checks, readyAfterMs, iterations, elapsedMs: Date.now() - started, config: args.configPath ?? '(defaults)' } })}\n`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`smoke failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
