import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { loadConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startApp, type App, type AppOptions } from '../../src/app.ts';
import type { ExchangePort } from '../../src/ports/exchange.ts';

export const SIM_START = Date.UTC(2026, 0, 5, 0, 0);

export interface LogLine {
  readonly level: string;
  readonly event?: string;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export interface AppHarness {
  readonly app: App;
  readonly clock: ManualClock;
  readonly logs: LogLine[];
  /** performance.now() when each log line was written (same index as logs). */
  readonly logTimes: number[];
  readonly rawLog: string[];
  /** The control token (generated into <dataDir>/control.token unless configured). */
  readonly controlToken: string;
  get(path: string): Promise<{ status: number; body: unknown; text: string; contentType: string }>;
  /** POST with the control token and a JSON body, as an operator's client sends it. */
  post(path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Advances simulated time in steps, letting the actors' I/O settle between steps (realPauseMs of real time per step for wire tests). */
  run(simulatedMs: number, stepMs?: number, realPauseMs?: number): Promise<void>;
}

/**
 * The whole application (config, simulator, runtime, HTTP on 127.0.0.1:0) driven by a
 * ManualClock, so minutes of trading take milliseconds and every run is the same.
 */
export interface TestAppOptions {
  /** A YAML/JSON file under the harness's own settings (POST /config/reload and SIGHUP re-read it). */
  readonly configFile?: string;
  /** Continue on this clock (a restart of the same bot, or a clock shared with a simulator server the test started). */
  readonly clock?: ManualClock;
  /** Trade on this port instead of building the simulator from the config (live-mode tests). */
  readonly exchange?: ExchangePort;
  readonly exchangeLookup?: AppOptions['exchangeLookup'];
  readonly env?: Readonly<Record<string, string>>;
}

export async function startTestApp(overrides: Record<string, unknown> = {}, options: TestAppOptions = {}): Promise<AppHarness> {
  // Each app gets its own journal in a temporary directory: tests never touch ./data.
  const dataDir = mkdtempSync(join(tmpdir(), 'bybot-app-'));
  const load = () => loadConfig({
    env: options.env ?? {},
    ...(options.configFile ? { configPath: options.configFile } : {}),
    overrides: deepMergeOverrides(
      // exchange.transport 'inproc': the ManualClock drives everything and runs stay
      // deterministic; the wire transport has its own test (test/exchange/wireApp.test.ts).
      { http: { port: 0, host: '127.0.0.1' }, simulator: { startTime: new Date(SIM_START).toISOString() }, log: { level: 'debug' }, journal: { dataDir }, exchange: { transport: 'inproc' } },
      overrides,
    ),
  });
  const loaded = load();
  if (!loaded.ok) throw new Error(`test config invalid: ${loaded.problems.join('; ')}`);
  const config: AppConfig = loaded.config;
  const clock = options.clock ?? new ManualClock(SIM_START);
  const logs: LogLine[] = [];
  const logTimes: number[] = [];
  const rawLog: string[] = [];
  const logger = createLogger({
    level: config.log.level,
    pretty: 'never',
    destination: {
      write(line: string) {
        rawLog.push(line);
        logs.push(JSON.parse(line) as LogLine);
        logTimes.push(performance.now());
      },
    },
  });
  const app = await startApp({ config, logger, clock, reloadConfig: load, ...(options.exchange ? { exchange: options.exchange } : {}), ...(options.exchangeLookup ? { exchangeLookup: options.exchangeLookup } : {}) });
  const get = async (path: string) => {
    const response = await fetch(`${app.url}${path}`);
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return { status: response.status, text, contentType, body: contentType.includes('json') ? (JSON.parse(text) as unknown) : text };
  };
  const controlToken = app.controlTokenPath ? readFileSync(app.controlTokenPath, 'utf8').trim() : config.http.controlToken;
  const post = async (path: string, body: unknown = {}) => {
    const response = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${controlToken}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const run = async (simulatedMs: number, stepMs = 1_000, realPauseMs = 0) => {
    const end = clock.now() + simulatedMs;
    while (clock.now() < end) {
      await clock.advanceTo(Math.min(end, clock.now() + stepMs));
      // Let real I/O progress between simulated steps. Over the wire transport each call
      // is a real loopback HTTP request: give it a few real milliseconds per step.
      await new Promise((resolve) => (realPauseMs > 0 ? setTimeout(resolve, realPauseMs) : setImmediate(resolve)));
    }
  };
  return { app, clock, logs, logTimes, rawLog, controlToken, get, post, run };
}

function deepMergeOverrides(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const prev = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? deepMergeOverrides(prev as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}
