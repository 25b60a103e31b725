import Fastify from 'fastify';
import { ActorRegistry } from '../src/runtime/actorRegistry.ts';
import { registerVizRoutes } from '../src/http/viz/routes.ts';
import { vizActorRow, type VizTree } from '../src/http/viz/rows.ts';
import type { VizFeed } from '../src/http/viz/socket.ts';
import { initialStrategyContext } from '../machines/strategy.steps.ts';
import type { StrategyActorInput, StrategyStateName } from '../machines/strategy.types.ts';
import { launchChromium, skipBrowser } from '../test/e2e/browser.ts';

/**
 * `npm run bench` (part 2): the /viz page with 2,000 actors in headless Chromium. Prints a
 * JSON summary: time until all 2,000 rows are drawn, and how long the page takes to show a
 * batch in which every actor changed state (the worst case the 250 ms batching sends).
 */
const ACTORS = 2_000;
const SYMBOLS = 200;
const T0 = Date.UTC(2026, 0, 5);

const input: StrategyActorInput = {
  actorId: '',
  symbol: '',
  presetId: '',
  strategyType: 'range',
  params: { interval: '5', historyCandles: 200 },
  cooldownMs: 30_000,
  maxStalenessMs: 300_000,
  breaker: { failureThreshold: 5, openMs: 300_000 },
  risk: { riskPerTradePct: 1, minRewardRisk: 1.5, maxLeverage: 5, maxPositionPct: 100, maxTotalExposurePct: 250, maxOpenPositions: 3, dailyLossLimitPct: 5, minScore: 0.3 },
};

async function main(): Promise<void> {
  if (skipBrowser) {
    process.stdout.write(`${JSON.stringify({ viz: { skipped: 'BYBOT_SKIP_BROWSER=1' } })}\n`);
    return;
  }
  const registry = new ActorRegistry();
  const ids: string[] = [];
  for (let i = 0; i < ACTORS; i++) {
    const symbol = `SYM${i % SYMBOLS}USDT`;
    const presetId = `preset-${Math.floor(i / SYMBOLS)}`;
    const spec = { ...input, actorId: `${symbol}:${presetId}`, symbol, presetId };
    registry.update(spec.actorId, initialStrategyContext(spec, T0), 'idle', 'active', null, null);
    ids.push(spec.actorId);
  }
  const tree: VizTree = {
    system: { state: 'running', status: 'active', tradingState: 'ACTIVE', halt: null },
    symbols: [...new Set(ids.map((id) => id.split(':')[0]!))].map((symbol) => ({ symbol, state: 'running', escalated: null })),
  };
  const feed: VizFeed = {
    rows: () => registry.list().map((e) => vizActorRow(e, undefined, false)),
    rowOf: (id) => {
      const e = registry.get(id);
      return e ? vizActorRow(e, undefined, false) : undefined;
    },
    tree: () => tree,
    onActorChange: (listener) => registry.onChange((e) => listener(e.actorId)),
    onTreeChange: () => () => undefined,
  };
  const app = Fastify();
  registerVizRoutes(app, feed, (reply, status, code, message) => reply.code(status).send({ error: { code, message } }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  // Headless Chromium from npm (@sparticuz/chromium), as in the browser tests.
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const started = performance.now();
    await page.goto(`${url}/viz`);
    // Page-side expressions as strings: this file is compiled without the DOM library.
    await page.waitForFunction(`document.querySelectorAll('[data-actor-id]').length >= ${ACTORS}`, undefined, { timeout: 60_000 });
    const firstRenderMs = performance.now() - started;

    const batches: number[] = [];
    const states: StrategyStateName[] = ['fetching', 'cooldown', 'broken', 'idle'];
    for (const [round, to] of states.entries()) {
      const sent = performance.now();
      for (const id of ids) {
        const entry = registry.get(id)!;
        registry.update(id, entry.context, to, 'active', { at: T0 + round, from: entry.state, to, event: 'TICK', correlationId: `${id}#${round}` }, null);
      }
      await page.waitForFunction(`[...document.querySelectorAll('[data-actor-id]')].every((el) => el.dataset.state === '${to}')`, undefined, {
        timeout: 60_000,
        polling: 20,
      });
      batches.push(performance.now() - sent);
    }
    const round = (ms: number) => Math.round(ms);
    process.stdout.write(
      `${JSON.stringify({
        viz: {
          actors: ACTORS,
          firstRenderMs: round(firstRenderMs),
          // Includes the server's batching delay (up to 250 ms) and the WebSocket round trip.
          allActorsChangedMs: { min: round(Math.min(...batches)), max: round(Math.max(...batches)), runs: batches.map(round) },
        },
      })}\n`,
    );
  } finally {
    await browser.close();
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`viz bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
