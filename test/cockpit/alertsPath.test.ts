import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultyLookup } from '../../src/exchangeSim/index.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';
import { KEY, SECRET, startFixture, type ServerFixture } from '../exchangeSim/fixture.ts';
import { startTelegramStandIn, type TelegramStandIn } from '../support/telegramStandIn.ts';

/**
 * GitHub issue 11, acceptance: the whole path from an injected DNS failure to a person.
 * The bot trades over the Bybit wire protocol (the real bybit-api client) against the
 * simulator server under a host name; the test makes that name fail to resolve. The
 * adapter's channel alert becomes a P1 alert, delivered through the Telegram admin bot
 * (real grammY) to the Bot API stand-in; after the name resolves again the alert is
 * resolved and that message arrives too. /status is answered in the allow-listed chat only.
 */
const HOST = 'api.bybit.local';
const OPERATOR = 4242;
const OPS_CHAT = -100_777;

let sim: ServerFixture;
let tg: TelegramStandIn;
let h: AppHarness;

beforeAll(async () => {
  sim = await startFixture();
  tg = await startTelegramStandIn();
  const lookup = createFaultyLookup({ [HOST]: '127.0.0.1' }, sim.server.faults) as unknown as LookupFunction;
  h = await startTestApp(
    {
      exchange: { venue: 'local', transport: 'wire', restUrls: [`http://${HOST}:${sim.server.port}`], wsUrl: `ws://${HOST}:${sim.server.port}`, apiKey: KEY, apiSecret: SECRET, maxRetries: 0, requestTimeoutMs: 2_000 },
      strategies: [{ id: 'range-v1', type: 'range', symbols: ['BTCUSDT'] }],
      telegram: { enabled: true, botToken: tg.token, apiRoot: tg.apiRoot, allowedUserIds: [OPERATOR], allowedChatIds: [OPS_CHAT], pollingTimeoutSec: 1 },
      // The test machine is shared: its event-loop lag is not what this test is about.
      alerts: { evaluateIntervalMs: 200, thresholds: { eventLoopLagMs: 10_000 } },
      log: { level: 'info' },
    },
    { clock: sim.clock, exchangeLookup: lookup },
  );
  await tg.waitFor(() => tg.calls.some((c) => c.method === 'getUpdates'));
  await h.run(10 * 60_000, 5_000, 5);
}, 60_000);

afterAll(async () => {
  await h?.app.stop();
  await tg?.close();
  await sim?.server.close();
});

const stepUntil = async (done: () => boolean, maxSteps = 400) => {
  for (let i = 0; i < maxSteps && !done(); i++) await h.run(5_000, 5_000, 10);
  return done();
};

describe('alert path: DNS failure -> P1 Telegram message -> resolved', () => {
  it('delivers the P1 within 5 s of detection and the resolution after recovery', async () => {
    expect(tg.sent.filter((m) => m.text.startsWith('[P1]'))).toHaveLength(0);
    // The name stops resolving and the open keep-alive connections drop (as when the
    // network goes), so every new request needs a DNS lookup.
    sim.server.faults.set({ dnsFailure: [HOST] });
    sim.server.faults.set({ down: true });
    sim.server.faults.set({ down: false });
    expect(await stepUntil(() => h.logs.some((l) => l.event === 'channel_alert' && l.reason === 'dns'))).toBe(true);
    const detected = h.logTimes[h.logs.findIndex((l) => l.event === 'channel_alert' && l.reason === 'dns')]!;
    const p1 = await tg.waitFor(() => tg.sent.find((m) => m.chatId === OPS_CHAT && m.text.startsWith('[P1] Exchange DNS failure (rest)')), 5_000);
    const latencyMs = p1.at - detected;
    console.log(JSON.stringify({ alertPath: { detectionToTelegramMs: Math.round(latencyMs * 10) / 10 } }));
    expect(latencyMs).toBeLessThan(5_000);
    expect(p1.text).toContain('ENOTFOUND');
    // The alert is active in /alerts and counted.
    const alerts = (await h.get('/alerts')).body as { active: { key: string; priority: string }[] };
    expect(alerts.active).toContainEqual(expect.objectContaining({ key: 'channel:rest:dns', priority: 'P1' }));

    sim.server.faults.set({ dnsFailure: [] });
    expect(await stepUntil(() => tg.sent.some((m) => m.text.startsWith('[P1] RESOLVED')))).toBe(true);
    const resolved = tg.sent.find((m) => m.text.startsWith('[P1] RESOLVED'))!;
    expect(resolved.text).toMatch(/^\[P1\] RESOLVED after \d+[smhd]/);
    expect(resolved.text).toContain('Exchange DNS failure (rest)');
    expect(tg.sent.indexOf(resolved)).toBeGreaterThan(tg.sent.indexOf(p1));
    expect(((await h.get('/alerts')).body as { active: { key: string }[] }).active.map((a) => a.key)).not.toContain('channel:rest:dns');
  }, 90_000);

  it('answers /status from the allow-listed user in the allow-listed chat, and nothing to anyone else', async () => {
    const before = tg.sent.length;
    tg.pushMessage({ userId: 777, chatId: OPS_CHAT }, '/status');
    tg.pushMessage({ userId: OPERATOR, chatId: 31337 }, '/status');
    tg.pushMessage({ userId: OPERATOR, chatId: OPS_CHAT }, '/status');
    const reply = await tg.waitFor(() => tg.sent.slice(before).find((m) => m.text.startsWith('bybot DRY-RUN')));
    expect(reply.chatId).toBe(OPS_CHAT);
    expect(reply.text).toContain('trading ACTIVE');
    expect(reply.text).toMatch(/actors: \w+ 1/);
    await new Promise((r) => setTimeout(r, 300));
    expect(tg.sent.slice(before).filter((m) => m.text.startsWith('bybot'))).toHaveLength(1);
    expect(h.logs.filter((l) => l.event === 'telegram_ignored').map((l) => [l.userId, l.chatId])).toEqual([[777, OPS_CHAT], [OPERATOR, 31337]]);
    expect(h.rawLog.join('\n')).not.toContain(tg.token);
  }, 30_000);
});
