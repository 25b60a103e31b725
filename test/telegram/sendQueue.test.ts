import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { TelegramSendQueue, type TelegramFailure } from '../../src/telegram/sendQueue.ts';

/** The outgoing queue's pacing on a simulated clock: per chat, overall, per group, and 429 pauses. */
const logger = createLogger({ level: 'silent', pretty: 'never' });

function setup(limits = { perChatIntervalMs: 1_000, globalPerSecond: 30, groupPerMinute: 20 }, fail?: (chatId: number, text: string, n: number) => TelegramFailure | null) {
  const clock = new ManualClock(0);
  const sent: { chatId: number; text: string; at: number }[] = [];
  let calls = 0;
  const queue = new TelegramSendQueue({
    send: async (chatId, text) => {
      const failure = fail?.(chatId, text, ++calls);
      if (failure) throw failure;
      sent.push({ chatId, text, at: clock.now() });
    },
    describe: (e) => e as TelegramFailure,
    timers: clock,
    limits: () => limits,
    logger,
  });
  return { clock, sent, queue };
}

describe('Telegram send queue', () => {
  it('one message per second per chat, in order; chats do not wait for each other', async () => {
    const { clock, sent, queue } = setup();
    const done = [...Array.from({ length: 5 }, (_, i) => queue.enqueue(1, `a${i}`)), ...Array.from({ length: 3 }, (_, i) => queue.enqueue(2, `b${i}`))];
    await clock.advanceBy(10_000);
    await Promise.all(done);
    expect(sent.filter((m) => m.chatId === 1).map((m) => [m.text, m.at])).toEqual([['a0', 0], ['a1', 1_000], ['a2', 2_000], ['a3', 3_000], ['a4', 4_000]]);
    expect(sent.filter((m) => m.chatId === 2).map((m) => m.at)).toEqual([0, 1_000, 2_000]);
  });

  it('at most 30 per second overall and 20 per minute in a group', async () => {
    const { clock, sent, queue } = setup({ perChatIntervalMs: 0, globalPerSecond: 30, groupPerMinute: 20 });
    for (let chat = 1; chat <= 40; chat++) void queue.enqueue(chat, 'x');
    for (let i = 0; i < 25; i++) void queue.enqueue(-100, `g${i}`);
    await clock.advanceBy(120_000);
    expect(sent).toHaveLength(65);
    for (const m of sent) expect(sent.filter((o) => o.at > m.at - 1_000 && o.at <= m.at).length).toBeLessThanOrEqual(30);
    const group = sent.filter((m) => m.chatId === -100);
    expect(group.map((m) => m.text)).toEqual(Array.from({ length: 25 }, (_, i) => `g${i}`));
    for (const m of group) expect(group.filter((o) => o.at > m.at - 60_000 && o.at <= m.at).length).toBeLessThanOrEqual(20);
    expect(group[20]!.at - group[0]!.at).toBeGreaterThanOrEqual(60_000);
  });

  it('a 429 pauses every chat for retry_after and resends the same message; nothing is dropped', async () => {
    const { clock, sent, queue } = setup({ perChatIntervalMs: 0, globalPerSecond: 30, groupPerMinute: 20 }, (_c, _t, n) => (n === 3 ? { status: 429, retryAfterSec: 5, message: 'Too Many Requests' } : null));
    const done = Array.from({ length: 6 }, (_, i) => queue.enqueue(1, `m${i}`));
    await clock.advanceBy(60_000);
    await Promise.all(done);
    expect(sent.map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    expect(sent[2]!.at).toBeGreaterThanOrEqual(5_000);
  });

  it('a refusal (403) rejects that message only; network errors are retried with backoff', async () => {
    const { clock, sent, queue } = setup({ perChatIntervalMs: 0, globalPerSecond: 30, groupPerMinute: 20 }, (chatId, text, n) =>
      chatId === 9 ? { status: 403, message: 'Forbidden: bot was blocked by the user' } : text === 'net' && n < 4 ? { status: undefined, message: 'ECONNRESET' } : null,
    );
    const blocked = queue.enqueue(9, 'nope').catch((e: unknown) => e);
    const net = queue.enqueue(1, 'net');
    await clock.advanceBy(60_000);
    expect(String(await blocked)).toContain('Telegram refused the message (403)');
    await net;
    expect(sent.map((m) => [m.text, m.at])).toEqual([['net', 3_000]]); // after 1 s and 2 s backoffs
  });

  it('a more urgent message overtakes waiting ones of its chat, never the one in flight', async () => {
    const { clock, sent, queue } = setup();
    const done = [queue.enqueue(1, 'p3-a', undefined, 3), queue.enqueue(1, 'p3-b', undefined, 3), queue.enqueue(1, 'p2', undefined, 2), queue.enqueue(1, 'p1', undefined, 1), queue.enqueue(1, 'p1-b', undefined, 1)];
    await clock.advanceBy(10_000);
    await Promise.all(done);
    expect(sent.map((m) => m.text)).toEqual(['p3-a', 'p1', 'p1-b', 'p2', 'p3-b']);
  });
});
