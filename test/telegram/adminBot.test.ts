import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelegramSchema } from '../../config/cockpitSchema.ts';
import { SystemClock } from '../../src/clock/systemClock.ts';
import type { CockpitActions, CockpitStatus, CockpitView, ControlOutcome } from '../../src/cockpit/types.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { TelegramAdmin } from '../../src/telegram/adminBot.ts';
import { startTelegramStandIn, type TelegramStandIn } from '../support/telegramStandIn.ts';

/**
 * The admin bot with the real grammY client against the local Bot API stand-in: the
 * allow-list (user AND chat), commands, the halt confirmation, and the outgoing queue
 * (a burst arrives complete and in order through 429 answers).
 */
const OPERATOR = 111;
const STRANGER = 999;
const OPS_CHAT = 111; // the operator's private chat
const GROUP = -100_200;

let tg: TelegramStandIn;
let admin: TelegramAdmin;
let lines: Record<string, unknown>[];
const halts: string[] = [];

const status: CockpitStatus = {
  mode: 'dry-run',
  venue: 'simulator',
  now: Date.UTC(2026, 0, 5, 12),
  tradingState: 'ACTIVE',
  haltReason: null,
  equity: 10_012.5,
  pnlToday: 12.5,
  positions: [{ symbol: 'BTCUSDT', side: 'Buy', size: 0.01, avgPrice: 50_000, stopLoss: 49_500, takeProfit: 51_000, unrealisedPnl: 3.2 }],
  actorsByState: { idle: 7, cooldown: 2 },
  disabledActors: 0,
  alerts: [],
  configVersion: 'abc123',
};
const view: CockpitView = { status: () => status, openOrders: () => [], presets: () => [], recentAlerts: () => [] };
const ok = (message: string): ControlOutcome => ({ ok: true, status: 202, message, actors: [] });
const actions: CockpitActions = {
  halt: (reason, source) => {
    halts.push(`${reason} by ${source}`);
    return ok(`HALT accepted: ${reason}`);
  },
  resume: () => ok('resumed'),
  setEnabled: (target, enabled) => ok(`${enabled ? 'enabled' : 'disabled'} ${target}`),
  reload: async () => ({ ok: true, status: 200, result: 'unchanged', message: 'nothing changed', versionBefore: 'a', versionAfter: 'a', changes: [], restartRequired: [], problems: [], restarting: [], added: [], removed: [] }),
};

beforeEach(async () => {
  tg = await startTelegramStandIn();
  lines = [];
  halts.length = 0;
  const logger = createLogger({ level: 'debug', pretty: 'never', destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
  const settings = TelegramSchema.parse({ enabled: true, botToken: tg.token, apiRoot: tg.apiRoot, allowedUserIds: [OPERATOR], allowedChatIds: [OPS_CHAT, GROUP], pollingTimeoutSec: 1, perChatIntervalMs: 20 });
  admin = new TelegramAdmin({ settings: () => settings, view, actions, logger, timers: new SystemClock() });
  admin.start();
  await tg.waitFor(() => tg.calls.some((c) => c.method === 'getUpdates'));
});

afterEach(async () => {
  await admin.stop();
  await tg.close();
});

const repliesTo = (chatId: number) => tg.sent.filter((m) => m.chatId === chatId);

describe('Telegram admin bot (grammY against the Bot API stand-in)', () => {
  it('registers its commands and answers /status from the operator in an allowed chat', async () => {
    expect((tg.commands[0] as { command: string }[]).map((c) => c.command)).toContain('halt');
    tg.pushMessage({ userId: OPERATOR, chatId: OPS_CHAT }, '/status');
    const reply = await tg.waitFor(() => repliesTo(OPS_CHAT)[0]);
    expect(reply.text).toContain('bybot DRY-RUN on simulator');
    expect(reply.text).toContain('equity 10012.50 USDT, PnL today +12.50 USDT');
    expect(reply.text).toContain('BTCUSDT Buy 0.01 @ 50000 stop 49500');
  });

  it('ignores a stranger, even in an allowed group, and the operator in a chat that is not allowed', async () => {
    tg.pushMessage({ userId: STRANGER, chatId: GROUP }, '/status');
    tg.pushMessage({ userId: STRANGER, chatId: STRANGER }, '/halt now');
    tg.pushMessage({ userId: OPERATOR, chatId: -555 }, '/status');
    tg.pushMessage({ userId: OPERATOR, chatId: GROUP }, '/help');
    const help = await tg.waitFor(() => repliesTo(GROUP)[0]);
    expect(help.text).toContain('/reload');
    expect(tg.sent).toHaveLength(1);
    const ignored = lines.filter((l) => l.event === 'telegram_ignored');
    expect(ignored.map((l) => [l.userId, l.chatId])).toEqual([[STRANGER, GROUP], [STRANGER, STRANGER], [OPERATOR, -555]]);
    expect(halts).toEqual([]);
  });

  it('/halt asks for confirmation; only the confirming button of the same user halts', async () => {
    tg.pushMessage({ userId: OPERATOR, chatId: OPS_CHAT }, '/halt checking the exchange');
    const ask = await tg.waitFor(() => repliesTo(OPS_CHAT)[0]);
    expect(ask.text).toContain('Reason: checking the exchange');
    const buttons = (ask.replyMarkup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard[0]!;
    expect(buttons.map((b) => b.text)).toEqual(['Confirm HALT', 'Cancel']);
    expect(halts).toEqual([]);
    tg.pushCallback({ userId: STRANGER, chatId: OPS_CHAT }, buttons[0]!.callback_data, ask.messageId);
    tg.pushCallback({ userId: OPERATOR, chatId: OPS_CHAT }, buttons[0]!.callback_data, ask.messageId);
    await tg.waitFor(() => tg.callbackAnswers.length === 1);
    expect(halts).toEqual([`checking the exchange by telegram user ${OPERATOR}`]);
    // The same button again: the confirmation was used up.
    tg.pushCallback({ userId: OPERATOR, chatId: OPS_CHAT }, buttons[0]!.callback_data, ask.messageId);
    await tg.waitFor(() => tg.callbackAnswers.length === 2);
    expect(String(tg.callbackAnswers[1]!.text)).toContain('expired');
    expect(halts).toHaveLength(1);
  });

  it('a burst of 30 alerts arrives complete and in order through 429 answers', async () => {
    tg.rateLimitNext(3, 1);
    const channel = admin.alertChannel();
    expect(channel.targets()).toEqual([String(OPS_CHAT), String(GROUP)]);
    const started = performance.now();
    await Promise.all(Array.from({ length: 30 }, (_, i) => channel.send(String(OPS_CHAT), { id: i, change: 'raised', at: '', priority: 'P1', key: `k${i}`, source: 's', title: 't', message: 'm', note: '', count: 1, firstAt: '', text: `alert ${i + 1}` })));
    const took = performance.now() - started;
    const texts = repliesTo(OPS_CHAT).map((m) => m.text);
    expect(texts).toEqual(Array.from({ length: 30 }, (_, i) => `alert ${i + 1}`));
    // Three 429s with retry_after 1 s: at least one pause of 1 s.
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(lines.some((l) => l.event === 'telegram_rate_limited' && l.retryAfterSec === 1)).toBe(true);
  });

  it('never prints the token', () => {
    expect(JSON.stringify(lines)).not.toContain(tg.token);
  });
});
