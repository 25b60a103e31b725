import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../src/soak/runSoak.ts';
import { FAULT_KINDS } from '../../src/soak/timeline.ts';

/**
 * Finding 10, the CI version of `npm run soak`: 2 simulated hours, 3 symbols (9 actors),
 * every kind of fault of the chaos timeline once (5xx burst, hang, 10006 and 403 storms,
 * websocket drop, DNS failure with failover, latency, bad candles, SIGKILL restart), the bot
 * and the simulator server as their own processes. Every failure count must be 0, and the
 * faults must have been felt (failed iterations, failover, timeouts), or the run proves nothing.
 */
describe('soak (chaos, 2 simulated hours)', () => {
  it('no crash, no lost or duplicated order, journal = exchange, every position protected, every fault recovered', async () => {
    const { soak } = await runSoak({ hours: 2, symbols: 3, scenario: 'chaos', seed: 1, speed: 120, root: resolve(import.meta.dirname, '../..') });
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ soak: { ...soak, workDir: undefined } }));
    expect(soak.details).toEqual([]);
    expect(soak.failures).toEqual({ processCrashes: 0, simulatorCrashes: 0, lostOrders: 0, duplicateOrderLinkIds: 0, journalExchangeMismatches: 0, positionsWithoutStop: 0, unrecoveredFaults: 0 });
    expect(soak.ok).toBe(true);
    expect(soak.simulatedHours).toBeGreaterThanOrEqual(2);
    for (const kind of FAULT_KINDS) expect(soak.faults[kind]!.count, kind).toBeGreaterThanOrEqual(1);
    expect(soak.restarts.sigkills).toBeGreaterThanOrEqual(1);
    expect(soak.escalations['strategy']?.['iteration_failed'] ?? 0).toBeGreaterThan(0);
    // Felt: failover to the second endpoint (DNS failure or hang), timeouts, rate limits, 5xx, websocket reconnects.
    // (Whether the DNS outage itself raises a "dns" alert depends on whether the pool had already failed over.)
    for (const reason of ['failover', 'timeout', 'rate_limit', 'server_error', 'ws_reconnected']) expect(soak.channelAlerts[reason] ?? 0, reason).toBeGreaterThan(0);
    for (const kind of FAULT_KINDS) expect(soak.faults[kind]!.recoveryMs.max, kind).not.toBeNull();
    expect(soak.orders.submitted).toBeGreaterThan(0);
    expect(soak.restarts.finalExitCode).toBe(0);
    expect(soak.rss.samples).toBeGreaterThan(3);
  }, 300_000);
});
