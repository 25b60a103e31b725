import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAccount, fetchSimAccount, type AuditResult } from './audit.ts';
import { BotClient } from './botClient.ts';
import { botUrl, cleanEnv, runTs, simServerInfo, sleep, waitForOutput, type ChildRun, type SimServerInfo } from './processes.ts';
import { chaosTimeline, defaultSpeed, faultCount, FAULT_KINDS, type FaultKind, type PlannedFault } from './timeline.ts';
import { summarize, type SoakSummary, type SoakTallies } from './summary.ts';

/**
 * `npm run soak`: the bot (its own process, restarted after every SIGKILL) against the
 * simulator server (its own process, accelerated time) through a chaos timeline, with the
 * soak acting as the on-call operator: after each fault it waits for /ready to be 200
 * again, resuming a halt and re-enabling disabled strategies as a person would. At the end
 * the account is audited against the journal (src/soak/audit.ts, shared with the crash
 * test) and a JSON summary is returned: every failure count must be 0.
 */
export interface SoakOptions {
  readonly hours: number;
  readonly symbols: number;
  readonly scenario: 'chaos';
  readonly seed: number;
  /** Simulated ms per wall ms; default: the fastest that keeps 12 s of wall time between faults (at most 300). */
  readonly speed?: number;
  /** The repository root (scripts are started from there). */
  readonly root: string;
  /** Progress lines (stderr in the CLI). */
  readonly progress?: (line: string) => void;
}

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT', 'ADAUSDT', 'AVAXUSDT', 'LINKUSDT', 'DOTUSDT', 'LTCUSDT', 'BNBUSDT', 'TRXUSDT', 'NEARUSDT', 'ATOMUSDT', 'UNIUSDT', 'APTUSDT', 'ARBUSDT', 'OPUSDT', 'SUIUSDT', 'FILUSDT'];
const DNS_HOST = 'api.soak.test';
const RECOVERY_TIMEOUT_MS = 180_000;
const START = '2026-01-05T00:00:00Z';

interface Bot {
  readonly run: ChildRun;
  readonly client: BotClient;
  readonly startedAt: number;
  readonly instance: number;
}

export async function runSoak(o: SoakOptions): Promise<SoakSummary> {
  if (o.symbols < 1 || o.symbols > SYMBOLS.length) throw new Error(`--symbols must be 1..${SYMBOLS.length}`);
  const log = o.progress ?? (() => undefined);
  const symbols = SYMBOLS.slice(0, o.symbols);
  const speed = o.speed ?? defaultSpeed(o.hours, faultCount(o.hours));
  const planned = chaosTimeline({ hours: o.hours, symbols, seed: o.seed, dnsHost: DNS_HOST, speed });
  const work = mkdtempSync(join(tmpdir(), 'bybot-soak-'));
  const dataDir = join(work, 'data');
  const tallies: SoakTallies = newTallies();
  const wallStart = Date.now();

  const sim = runTs(join(o.root, 'src/exchangeSim/cli.ts'), ['--port', '0', '--speed', String(speed), '--seed', String(o.seed), '--start', START, '--balance', '100000'], {
    cwd: o.root,
    env: cleanEnv({ LOG_LEVEL: 'warn' }),
    keepChars: 50_000,
  });
  // Whatever goes wrong, no process of the soak outlives it.
  const spawned: ChildRun[] = [sim];
  let stopping = false;
  try {
    if (!(await waitForOutput(sim, (out) => simServerInfo(out) !== undefined, 30_000))) throw new Error(`simulator server did not start:\n${sim.out.slice(-2000)}`);
    const info = simServerInfo(sim.out)!;
    void sim.exited.then(() => {
      if (!sim.expectedExit) tallies.simCrashes++;
    });
    const configPath = join(work, 'soak.yaml');
    writeFileSync(configPath, botConfig(info, symbols, dataDir));
    const simClock = async (): Promise<number> => ((await (await fetch(`${info.url}/__sim/clock`)).json()) as { now: number }).now;
    const simStart = await simClock();
    const simElapsed = async (): Promise<number> => (await simClock()) - simStart;
    log(`soak: ${o.hours} simulated hours, ${symbols.length} symbols x 3 presets, ${planned.length} faults, speed ${speed}x, work dir ${work}`);

    let instance = 0;
    let bot: Bot | null = null;
    const startBot = async (): Promise<Bot> => {
      instance++;
      const run = runTs(join(o.root, 'src/main.ts'), ['--config', configPath], {
        cwd: o.root,
        env: cleanEnv({ SOAK_DNS_HOST: DNS_HOST, SOAK_SIM_URL: info.url }),
        preload: [join(o.root, 'src/soak/dnsShim.ts')],
        keepChars: 200_000,
      });
      spawned.push(run);
      tallyLines(run, tallies);
      const startedAt = Date.now();
      const up = await waitForOutput(run, (out) => botUrl(out) !== undefined, 60_000);
      if (!up) throw new Error(`bot instance ${instance} did not start (exit ${run.child.exitCode}):\n${run.out.slice(-3000)}`);
      const started: Bot = { run, client: new BotClient(botUrl(run.out)!, join(dataDir, 'control.token')), startedAt, instance };
      void run.exited
        .then(async (code) => {
          if (run.expectedExit || stopping) return;
          tallies.processCrashes.push(`instance ${started.instance} exited by itself with code ${code}: ${lastLines(run.out, 5)}`);
          log(`soak: bot instance ${started.instance} crashed (exit ${code}); restarting`);
          if (bot === started) bot = await startBot();
        })
        .catch((error: unknown) => tallies.processCrashes.push(`restart after a crash failed: ${error instanceof Error ? error.message.slice(0, 500) : String(error)}`));
      return started;
    };

    bot = await startBot();
    const rssTimer = setInterval(() => {
      const current = bot;
      if (!current) return;
      void Promise.all([current.client.rssBytes(), simElapsed()])
        .then(([rss, elapsed]) => rss !== null && tallies.rss.push({ instance: current.instance, simHours: elapsed / 3_600_000, mb: rss / 1_048_576 }))
        .catch(() => undefined);
    }, 5_000);

    try {
      await recover('start', Date.now());
      for (const fault of planned) {
        while ((await simElapsed()) < fault.atSimMs) await sleep(200);
        log(`soak: ${fault.kind} at ${(fault.atSimMs / 3_600_000).toFixed(2)} h`);
        const endedAt = await inject(fault);
        await recover(fault.kind, endedAt);
      }
      while ((await simElapsed()) < o.hours * 3_600_000) await sleep(250);
      await recover('end', Date.now());
    } finally {
      clearInterval(rssTimer);
      stopping = true;
    }

    // A graceful stop, as at the end of any run; then the audit.
    const last = bot!;
    last.run.expectedExit = true;
    last.run.child.kill('SIGTERM');
    const finalExitCode = await last.run.exited;
    const audit: AuditResult = auditAccount(await fetchSimAccount(info.url), join(dataDir, 'bybot.db'));
    const simState = (await (await fetch(`${info.url}/__sim/state`)).json()) as { duplicateOrderLinkIdRejected: number; requests: number; rateLimited: unknown };
    const simulatedMs = await simElapsed();
    sim.expectedExit = true;
    sim.child.kill('SIGTERM');
    await sim.exited;
    return summarize({ o: { ...o, speed }, symbols, planned, tallies, audit, simState, simulatedMs, wallMs: Date.now() - wallStart, finalExitCode, workDir: work });

    /** Applies a fault, waits its duration, ends it; returns the wall time it ended. */
    async function inject(fault: PlannedFault): Promise<number> {
      if (fault.kind === 'killRestart') {
        const killed = bot!;
        killed.run.expectedExit = true;
        killed.run.child.kill('SIGKILL');
        await killed.run.exited;
        tallies.kills++;
        const at = Date.now();
        bot = await startBot();
        return at;
      }
      await setFaults(fault.set ?? {});
      if (fault.durationMs > 0) await sleep(fault.durationMs);
      if (fault.clear) await setFaults(fault.clear);
      return Date.now();
    }

    async function setFaults(patch: object): Promise<void> {
      const r = await fetch(`${info.url}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
      if (!r.ok) throw new Error(`POST /__sim/faults ${JSON.stringify(patch)} answered ${r.status}: ${await r.text()}`);
    }

    /**
     * The on-call operator after an incident: waits until /ready is 200, resuming a halt and
     * re-enabling disabled strategies (at most every 5 s) while it is not. An authentication
     * halt is never resumed: it needs new keys, not a click.
     */
    async function recover(kind: FaultKind | 'start' | 'end', since: number): Promise<void> {
      let lastAction = 0;
      while (Date.now() - since < RECOVERY_TIMEOUT_MS) {
        const current = bot;
        const ready = current ? await current.client.ready().catch(() => null) : null;
        if (ready?.status === 200) {
          if (kind !== 'start' && kind !== 'end') tallies.recoveries[kind].push(Date.now() - since);
          return;
        }
        if (current && ready && Date.now() - lastAction > 5_000) {
          lastAction = Date.now();
          if (ready.halted && !ready.reasons.some((r) => r.includes('AUTH_REJECTED'))) {
            if ((await current.client.post('/control/resume').catch(() => 0)) === 202) tallies.operatorResumes++;
          }
          for (const id of await current.client.disabledActors().catch(() => [] as string[])) {
            if ((await current.client.post(`/actors/${encodeURIComponent(id)}/enable`).catch(() => 0)) === 202) tallies.operatorEnables++;
          }
        }
        await sleep(250);
      }
      tallies.unrecovered.push(`${kind}: /ready not 200 within ${RECOVERY_TIMEOUT_MS} ms`);
    }
  } catch (error) {
    stopping = true;
    for (const r of spawned) {
      if (r.child.exitCode !== null || r.child.signalCode !== null) continue;
      r.expectedExit = true;
      r.child.kill('SIGKILL');
    }
    throw error;
  }
}

function newTallies(): SoakTallies {
  return {
    processCrashes: [],
    simCrashes: 0,
    kills: 0,
    recoveries: Object.fromEntries(FAULT_KINDS.map((k) => [k, [] as number[]])) as Record<FaultKind, number[]>,
    unrecovered: [],
    escalations: {},
    operatorResumes: 0,
    operatorEnables: 0,
    ordersSubmitted: 0,
    alerts: {},
    rss: [],
  };
}

/** Counts escalations (by level and kind) and order submissions from the bot's log lines as they arrive. */
function tallyLines(run: ChildRun, tallies: SoakTallies): void {
  let partial = '';
  run.child.stdout!.on('data', (d: Buffer) => {
    const text = partial + d.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!/"event":"(escalation|iteration_failed|order_submitted|channel_alert)"/.test(line)) continue;
      let parsed: { event?: string; escalationLevel?: string; kind?: string; reason?: string };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        continue;
      }
      if (parsed.event === 'order_submitted') {
        tallies.ordersSubmitted++;
        continue;
      }
      if (parsed.event === 'channel_alert') {
        const reason = parsed.reason ?? 'unknown';
        tallies.alerts[reason] = (tallies.alerts[reason] ?? 0) + 1;
        continue;
      }
      const level = parsed.escalationLevel ?? 'unknown';
      const kind = parsed.event === 'iteration_failed' ? 'iteration_failed' : (parsed.kind ?? 'unknown');
      const byKind = (tallies.escalations[level] ??= {});
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
  });
}

function lastLines(out: string, n: number): string {
  return out.trim().split('\n').slice(-n).join(' | ').slice(0, 1_000);
}

function botConfig(info: SimServerInfo, symbols: readonly string[], dataDir: string): string {
  const port = new URL(info.url).port;
  const list = `[${symbols.join(', ')}]`;
  return [
    'mode: dry-run',
    'exchange:',
    '  venue: local',
    // The primary endpoint goes through DNS (the shim can fail it); the second is the address.
    `  restUrls: ["http://${DNS_HOST}:${port}", "${info.url}"]`,
    `  wsUrl: "${info.wsUrl}"`,
    `  apiKey: ${info.apiKey}`,
    `  apiSecret: ${info.apiSecret}`,
    '  requestTimeoutMs: 3000',
    '  failbackProbeMs: 5000',
    '  maxRetries: 2',
    'strategies:',
    `  - { id: range-v1, type: range, symbols: ${list} }`,
    `  - { id: mtf-v1, type: multiTimeframe, symbols: ${list} }`,
    `  - { id: vwap-v1, type: volumeVwap, symbols: ${list} }`,
    'journal:',
    `  dataDir: "${dataDir}"`,
    'http: { port: 0 }',
    'log: { level: info, pretty: never }',
    'actor: { cooldownMs: 10000 }',
    `risk: { dailyLossLimitPct: 90, maxOpenPositions: ${symbols.length}, minScore: 0.1, maxTotalExposurePct: 500 }`,
    'shutdown: { deadlineMs: 5000 }',
    'health: { exchangeProbeMs: 2000 }',
  ].join('\n');
}
