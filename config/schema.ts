import { z } from 'zod';
import { INTERVALS } from '../src/domain/types.ts';
import { STRATEGIES } from '../src/core/strategy/registry.ts';
import { SecretsSchema, checkSecretsConfig, secretIssues } from './secretsSchema.ts';
import { AlertsSchema, TelegramSchema, checkCockpitConfig } from './cockpitSchema.ts';
import { ML_MODES } from '../src/core/ml/filter.ts';
import { isTimeZone } from '../src/core/ml/zoneTime.ts';
import { PortfolioSchema, portfolioIssues } from './portfolioSchema.ts';
import { PresetIdSchema, SymbolSchema } from './fields.ts';
import { DEFAULT_SYMBOLS, SimulatorSchema } from './simulatorSchema.ts';

export { DEFAULT_SYMBOLS, FaultsSchema, RegimeNameSchema, SeriesSpecSchema, SimulatorSchema } from './simulatorSchema.ts';

/**
 * The one configuration schema (backlog: "one schema-driven configuration source").
 * Every setting has a default here and nowhere else; files and environment only
 * override. Objects are strict: an unknown key is an error, not silently ignored.
 */

export { SymbolSchema };

export const IntervalSchema = z.enum(INTERVALS);

const presetId = PresetIdSchema;

/**
 * A preset's ML filter (README, "ML filter"): off unless enabled; the model is the newest
 * verified file of the preset in ml.modelDir. veto: entries below the threshold are not
 * taken; scale: the size is multiplied by the probability (never below minScale).
 */
export const PresetMlSchema = z.strictObject({
  enabled: z.boolean().default(false),
  mode: z.enum(ML_MODES).default('veto'),
  /** Probability threshold; unset = the one chosen in training (stored in the model). */
  threshold: z.number().min(0).max(1).optional(),
  minScale: z.number().min(0.01).max(1).default(0.25),
});

/** One preset per strategy type, discriminated by `type`, so params are checked by that strategy's own schema. */
function presetSchemas() {
  return [...STRATEGIES.values()].map((def) =>
    z.strictObject({
      id: presetId,
      type: z.literal(def.type),
      symbols: z.array(SymbolSchema).min(1, 'list at least one symbol'),
      params: (def.paramsSchema as z.ZodType).prefault({}),
      enabled: z.boolean().default(true),
      ml: PresetMlSchema.optional(),
    }),
  );
}

const [firstPreset, ...otherPresets] = presetSchemas();
if (!firstPreset) throw new Error('strategy registry is empty');
export const StrategyPresetSchema = z.discriminatedUnion('type', [firstPreset, ...otherPresets]);
export type StrategyPreset = z.infer<typeof StrategyPresetSchema>;


const percent = z.number().positive().max(1000);
/** An HTTP bearer token: empty (unset) or at least 24 printable characters without spaces. */
const token = z.union([z.literal(''), z.string().regex(/^[\x21-\x7e]{24,512}$/, 'must be at least 24 printable characters without spaces')]);
/**
 * Measured by `npm run bench` (bench/actorMemory.bench.ts): about 190 KB of peak RSS per
 * actor (17 KB of live heap after GC) over a 150 MB base, so 4,000 actors peak under 1 GB.
 */
export const DEFAULT_MAX_ACTORS = 4_000;
const ms = z.number().int().nonnegative();
const positiveMs = z.number().int().positive();

export const AppConfigSchema = z
  .strictObject({
    /** dry-run trades against the built-in simulator; live sends real orders. */
    mode: z.enum(['dry-run', 'live']).default('dry-run'),
    exchange: z
      .strictObject({
        /**
         * live: which Bybit environment. 'local' = an external simulator server speaking
         * the Bybit V5 wire protocol (restUrls/wsUrl required; dry-run or live).
         */
        venue: z.enum(['mainnet', 'testnet', 'demo', 'local']).default('testnet'),
        /**
         * dry-run only. 'wire': the bot talks to the built-in simulator through the real
         * bybit-api client over HTTP/WS on 127.0.0.1 (an in-process simulator server);
         * 'inproc': direct calls into the simulator (fast, fully deterministic).
         */
        transport: z.enum(['wire', 'inproc']).default('wire'),
        apiKey: z.string().default(''),
        apiSecret: z.string().default(''),
        /** Ordered REST endpoints (primary first, failover after); empty = the venue's defaults. */
        restUrls: z.array(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' })).default([]),
        /** WebSocket base or stream URL; empty = the venue's defaults. */
        wsUrl: z.union([z.literal(''), z.url({ protocol: /^wss?$/, message: 'must be a ws(s) URL' })]).default(''),
        requestTimeoutMs: positiveMs.max(120_000).default(10_000),
        recvWindowMs: positiveMs.max(60_000).default(5_000),
        /** Retries of transient failures (timeouts, 5xx, rate limits), full-jitter exponential backoff. */
        maxRetries: z.number().int().min(0).max(10).default(3),
        retryBaseMs: positiveMs.default(250),
        retryMaxMs: positiveMs.default(5_000),
        /** How often a failed-over endpoint is probed so the primary takes over again (real ms). */
        failbackProbeMs: positiveMs.default(30_000),
        /** REST heartbeat: server time and clock offset for signatures (real ms). */
        heartbeatMs: positiveMs.default(30_000),
        /** Market-data cache TTL, on the bot's clock (simulated ms in dry-run). */
        candleTtlMs: ms.default(2_000),
        tickerTtlMs: ms.default(1_000),
        /** Open the public (kline, tickers) and private (order, execution, position, wallet) streams. */
        streams: z.boolean().default(true),
        /** Order create/amend/cancel over REST, or over Bybit's WebSocket trade API (/v5/trade) with REST as the fallback. */
        orderTransport: z.enum(['rest', 'ws']).default('rest'),
      })
      .prefault({}),
    simulator: SimulatorSchema,
    strategies: z
      .array(StrategyPresetSchema)
      .min(1, 'configure at least one strategy preset')
      .prefault([
        { id: 'range-v1', type: 'range', symbols: [...DEFAULT_SYMBOLS] },
        { id: 'mtf-v1', type: 'multiTimeframe', symbols: [...DEFAULT_SYMBOLS] },
        { id: 'vwap-v1', type: 'volumeVwap', symbols: [...DEFAULT_SYMBOLS] },
      ]),
    actor: z
      .strictObject({
        /** Pause after each iteration before the actor accepts the next tick. */
        cooldownMs: ms.default(30_000),
        /**
         * Cycles start on the kline stream's confirm of a closed candle. The in-process
         * simulator's stream confirms this long after the close; without a confirm by
         * close + tickDelayMs + tickFallbackMs the supervisor's fallback timer starts the
         * cycle itself (counted as degraded).
         */
        tickDelayMs: ms.default(2_000),
        /** Grace the kline stream has after tickDelayMs before the fallback timer ticks. */
        tickFallbackMs: ms.default(3_000),
        /** The fallback timers of different symbols are spread over this window (ms), so they do not fire together. */
        tickStaggerMs: ms.default(1_000),
        /** B1.2: never trade on data whose last closed candle is older than this. */
        maxStalenessMs: positiveMs.default(300_000),
      })
      .prefault({}),
    breaker: z
      .strictObject({
        failureThreshold: z.number().int().min(1).max(100).default(5),
        openMs: positiveMs.default(300_000),
      })
      .prefault({}),
    supervision: z
      .strictObject({
        restartMinMs: positiveMs.default(1_000),
        restartMaxMs: positiveMs.default(30_000),
        restartJitter: z.number().min(0).max(1).default(0.2),
        /** OTP intensity/period for restarting crashed strategy actors of one symbol. */
        intensity: z.number().int().min(1).default(3),
        periodMs: positiveMs.default(60_000),
        /** Level 2: a strategy whose breaker trips this often within tripWindowMs is disabled on that symbol. */
        disableAfterTrips: z.number().int().min(1).default(3),
        tripWindowMs: positiveMs.default(3_600_000),
        /** Level 3: this many fully disabled symbols trigger the emergency stop. */
        maxDisabledSymbols: z.number().int().min(1).default(2),
        /** How often the account (balance, daily loss) is checked. */
        accountCheckMs: positiveMs.default(60_000),
      })
      .prefault({}),
    risk: z
      .strictObject({
        riskPerTradePct: z.number().positive().max(10).default(1),
        minRewardRisk: z.number().min(0).max(20).default(1.5),
        maxLeverage: z.number().min(1).max(100).default(5),
        maxPositionPct: percent.default(100),
        maxTotalExposurePct: percent.default(250),
        maxOpenPositions: z.number().int().min(1).default(3),
        dailyLossLimitPct: z.number().positive().max(100).default(5),
        /** What reaching dailyLossLimitPct does: deny new entries until the next 00:00 UTC (positions keep their stops), or halt (level 3, until an operator resumes). */
        dailyLossAction: z.enum(['pause-until-utc-midnight', 'halt']).default('pause-until-utc-midnight'),
        minScore: z.number().min(0.1).max(1).default(0.3),
        /** Notional of same-direction positions in symbols correlated at or above portfolio.correlationThreshold, together, as % of equity. At or above maxTotalExposurePct (the default) it never binds and correlations are not measured. */
        maxCorrelatedExposurePct: percent.default(1000),
      })
      .prefault({}),
    portfolio: PortfolioSchema.prefault({}),
    http: z
      .strictObject({
        /** Listen address. Anything but loopback requires http.controlToken and http.readToken. */
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8080),
        /**
         * Bearer token of every state-changing endpoint (POST). Empty: a random one is
         * generated at first start into http.controlTokenFile (mode 0600) and reused.
         */
        controlToken: token.default(''),
        /** Where the generated control token is kept; empty = <data dir>/control.token. */
        controlTokenFile: z.string().default(''),
        /** When set, every endpoint except /health, /ready and the /viz page needs it (or the control token). */
        readToken: token.default(''),
        /** Host names (or addresses) accepted in the Host header besides the loopback names and http.host. */
        allowedHosts: z.array(z.string().min(1).max(253)).default([]),
        /** A request (headers and body) not fully received within this is answered 408 and closed (real ms). */
        requestTimeoutMs: positiveMs.min(100).max(120_000).default(5_000),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** Human-readable output: 'auto' when stdout is a terminal. */
        pretty: z.enum(['auto', 'always', 'never']).default('auto'),
      })
      .prefault({}),
    journal: z
      .strictObject({
        /** Record signals, risk decisions, orders, fills, equity and escalations in SQLite. */
        enabled: z.boolean().default(true),
        /**
         * Directory of the database, its backups, log files and the control token (relative
         * to the working directory). Empty: one directory per mode and venue, data/<mode>-<venue>
         * (data/dry-run for the built-in simulator, data/live-mainnet, ...).
         */
        dataDir: z.string().default(''),
        /** Database file name inside dataDir. */
        file: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be a plain file name').default('bybot.db'),
        /** Analysis rows (signals, risk decisions, snapshots, alerts) and *.log files in dataDir/logs older than this are removed. */
        retentionDays: z.number().int().min(1).max(3650).default(90),
        /** A channel alert is raised when the database grows past this. */
        sizeAlertMb: z.number().positive().default(500),
        /** How often fills, equity and positions are synced into the journal (simulated ms). */
        syncIntervalMs: positiveMs.default(60_000),
      })
      .prefault({}),
    orders: z
      .strictObject({
        /** A position without its stop-loss is repaired or flattened within this time. */
        protectDeadlineMs: positiveMs.default(30_000),
        /** Our resting limit orders older than this are cancelled (0 = never). */
        staleOrderTtlMs: ms.default(900_000),
        /**
         * Symbols whose order work may be in flight at once (one symbol's orders always run
         * in turn, stops first). 1 = one order at a time for the account. Backtests and the
         * lock-step replay always use 1.
         */
        maxConcurrentSymbols: z.number().int().min(1).max(64).default(8),
      })
      .prefault({}),
    shutdown: z
      .strictObject({
        /** Hard limit on a stop (real ms): what still runs then is aborted and the process exits 1. */
        deadlineMs: positiveMs.max(120_000).default(10_000),
        cancelOpenOrders: z.boolean().default(true),
      })
      .prefault({}),
    startup: z
      .strictObject({
        /** Each start-up step (data directory, journal, exchange connection, HTTP listen...) must finish within this (real ms). */
        deadlineMs: positiveMs.min(100).max(600_000).default(30_000),
      })
      .prefault({}),
    limits: z
      .strictObject({
        /** Most actors (enabled presets x symbols) one process runs; sized from the measured memory per actor (README, Limits). */
        maxActors: z.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_ACTORS),
        /** How far the heap may grow past its live data before a full collection, in % (src/runtime/heapGrowth.ts); 0 = V8's own choice. Read at start. */
        heapGrowingPercent: z.number().int().min(0).max(400).default(50),
        /** How much V8 may grow the young generation at a time (src/runtime/heapGrowth.ts); 0 = V8's own (2). Read at start. */
        semiSpaceGrowthFactor: z.number().int().min(0).max(8).default(1),
      })
      .prefault({}),
    ml: z
      .strictObject({
        /** Where model files are kept (<dir>/<presetId>/v0001.json...); empty = <journal.dataDir or data>/models. */
        modelDir: z.string().default(''),
        /** npm run ml -- prune keeps this many newest versions per preset (training prunes too). */
        retainVersions: z.number().int().min(1).max(1000).default(5),
        /** The session feature: weekdays from startHour to endHour in this IANA zone (never the machine's zone). */
        session: z
          .strictObject({
            zone: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/New_York').default('America/New_York'),
            startHour: z.number().int().min(0).max(23).default(9),
            endHour: z.number().int().min(0).max(24).default(16),
          })
          .prefault({}),
        /** L2 penalty of the logistic regression (training). */
        l2: z.number().min(0).max(1e6).default(1),
        /** Bounds of the model and feature caches: entries, bytes, and age (real ms) after which an entry is evicted. */
        cache: z
          .strictObject({
            maxEntries: z.number().int().min(1).max(100_000).default(64),
            maxBytes: z.number().int().min(1024).default(16 * 1024 * 1024),
            maxAgeMs: positiveMs.default(3_600_000),
          })
          .prefault({}),
      })
      .prefault({}),
    health: z
      .strictObject({
        /** How often /ready re-checks that the exchange answers (real ms). */
        exchangeProbeMs: positiveMs.default(15_000),
        /** /health fails when the event loop lags more than this (real ms). */
        maxEventLoopLagMs: positiveMs.default(2_000),
      })
      .prefault({}),
    /** Secrets providers and key rotation (config/secretsSchema.ts). */
    secrets: SecretsSchema,
    /** Alert rules, thresholds and routes (config/cockpitSchema.ts). */
    alerts: AlertsSchema,
    /** The Telegram admin bot (config/cockpitSchema.ts). */
    telegram: TelegramSchema,
  })
  .superRefine((config, ctx) => {
    checkSecretsConfig(config.secrets, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    checkCockpitConfig(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    // With the env provider the secrets are already in the configuration; the other
    // providers fill them in at start-up, and src/secrets/resolve.ts runs these checks then.
    if (config.secrets.provider === 'env') for (const issue of secretIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
    const seen = new Set<string>();
    config.strategies.forEach((preset, i) => {
      if (seen.has(preset.id)) ctx.addIssue({ code: 'custom', path: ['strategies', i, 'id'], message: `duplicate preset id "${preset.id}"` });
      seen.add(preset.id);
      const symbols = new Set<string>();
      preset.symbols.forEach((symbol, j) => {
        if (symbols.has(symbol)) ctx.addIssue({ code: 'custom', path: ['strategies', i, 'symbols', j], message: `duplicate symbol ${symbol}` });
        symbols.add(symbol);
      });
    });
    if (!config.strategies.some((p) => p.enabled)) {
      ctx.addIssue({ code: 'custom', path: ['strategies'], message: 'every preset is disabled; enable at least one' });
    }
    if (config.supervision.restartMaxMs < config.supervision.restartMinMs) {
      ctx.addIssue({ code: 'custom', path: ['supervision', 'restartMaxMs'], message: 'must be >= supervision.restartMinMs' });
    }
    if (config.exchange.retryMaxMs < config.exchange.retryBaseMs) {
      ctx.addIssue({ code: 'custom', path: ['exchange', 'retryMaxMs'], message: 'must be >= exchange.retryBaseMs' });
    }
    if (config.exchange.venue === 'local') {
      if (config.exchange.restUrls.length === 0) ctx.addIssue({ code: 'custom', path: ['exchange', 'restUrls'], message: 'venue "local" needs the simulator server\'s REST URL' });
      if (!config.exchange.wsUrl) ctx.addIssue({ code: 'custom', path: ['exchange', 'wsUrl'], message: 'venue "local" needs the simulator server\'s WebSocket URL' });
    }
    const actors = config.strategies.filter((p) => p.enabled).reduce((n, p) => n + p.symbols.length, 0);
    if (actors > config.limits.maxActors) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategies'],
        message: `${actors} actors (enabled presets x symbols) exceed limits.maxActors ${config.limits.maxActors}; each actor needs memory (see README, Limits): split the presets over several bots or raise limits.maxActors on a machine that has the memory`,
      });
    }
    const sim = config.simulator;
    if (sim.history.series.length > 0 && !sim.history.from) {
      ctx.addIssue({ code: 'custom', path: ['simulator', 'history', 'from'], message: 'replaying history needs the start time (--from ISO)' });
    }
    if (sim.history.from && sim.history.to && Date.parse(sim.history.to) <= Date.parse(sim.history.from)) {
      ctx.addIssue({ code: 'custom', path: ['simulator', 'history', 'to'], message: 'must be after simulator.history.from' });
    }
    if (sim.clock === 'lockstep' && config.mode === 'dry-run' && config.exchange.venue !== 'local') {
      if (config.exchange.transport !== 'inproc') ctx.addIssue({ code: 'custom', path: ['simulator', 'clock'], message: 'lockstep needs exchange.transport inproc (--exchange inproc): over the wire, sockets and retries run on real time' });
      if (sim.faults.latencyMs > 0) ctx.addIssue({ code: 'custom', path: ['simulator', 'faults', 'latencyMs'], message: 'lock-step time has zero latency by design; latencyMs works with the accelerated clock' });
      if (sim.history.series.length === 0 && !sim.history.from && sim.startTime === 'now') {
        ctx.addIssue({ code: 'custom', path: ['simulator', 'startTime'], message: 'lockstep replays the seeded synthetic market from a fixed time: set simulator.startTime or simulator.history.from' });
      }
    }
    if (config.exchange.orderTransport === 'ws' && config.exchange.venue === 'demo') {
      ctx.addIssue({ code: 'custom', path: ['exchange', 'orderTransport'], message: 'Bybit demo trading has no WebSocket trade API; use rest' });
    }
    portfolioIssues(config).forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
    if (config.mode === 'live' && config.exchange.transport === 'inproc') {
      ctx.addIssue({ code: 'custom', path: ['exchange', 'transport'], message: 'live mode trades over the wire; "inproc" is for dry-run only' });
    }
  });

export type AppConfig = z.infer<typeof AppConfigSchema>;
export type AppConfigInput = z.input<typeof AppConfigSchema>;

export { secretIssues } from './secretsSchema.ts';
