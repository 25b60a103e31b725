import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../observability/logger.ts';
import { WakeTimer } from '../clock/wakeTimer.ts';

/**
 * Outgoing Telegram messages under Telegram's limits, dropping nothing: about one message
 * per second per chat, 30 per second overall, 20 per minute per group. Each chat has a
 * FIFO queue and at most one message in flight, so a chat receives its messages in the
 * order they were queued. A 429 answer pauses every chat for its `retry_after` and the
 * message is sent again; a network failure is retried with backoff. Only a refusal that
 * retrying cannot fix (400 chat not found, 403 bot blocked) rejects the message.
 */
export interface SendLimits {
  readonly perChatIntervalMs: number;
  readonly globalPerSecond: number;
  readonly groupPerMinute: number;
}

export interface TelegramFailure {
  /** Telegram's error_code (429, 400, 403...), or undefined for a network error. */
  readonly status: number | undefined;
  readonly retryAfterSec?: number | undefined;
  readonly message: string;
}

export type Sender = (chatId: number, text: string, extra: Record<string, unknown> | undefined) => Promise<void>;

interface Item {
  /** Lower goes first (alerts: 1 = P1); equal priorities keep their order. */
  readonly priority: number;
  readonly text: string;
  readonly extra: Record<string, unknown> | undefined;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  attempts: number;
}

interface ChatQueue {
  readonly items: Item[];
  busy: boolean;
  nextAt: number;
}

/** Telegram's limit for one message's text. */
export const MAX_TEXT = 4096;

export class TelegramSendQueue {
  private readonly chats = new Map<number, ChatQueue>();
  private readonly globalSent: number[] = [];
  private readonly groupSent = new Map<number, number[]>();
  private pausedUntil = 0;
  private readonly timer: WakeTimer;
  private stopped = false;

  constructor(
    private readonly o: {
      readonly send: Sender;
      readonly describe: (error: unknown) => TelegramFailure;
      readonly timers: Clock;
      readonly limits: () => SendLimits;
      readonly logger: Logger;
    },
  ) {
    this.timer = new WakeTimer(o.timers, () => this.pump());
  }

  /**
   * Queues a message; resolves once Telegram accepted it. Per chat, a more urgent message
   * (lower `priority`) overtakes waiting ones; the one in flight is never displaced.
   */
  enqueue(chatId: number, text: string, extra?: Record<string, unknown>, priority = 2): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('telegram queue stopped'));
    const body = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 20)}\n...(truncated)` : text;
    return new Promise<void>((resolve, reject) => {
      let chat = this.chats.get(chatId);
      if (!chat) this.chats.set(chatId, (chat = { items: [], busy: false, nextAt: 0 }));
      let at = chat.items.length;
      while (at > (chat.busy ? 1 : 0) && chat.items[at - 1]!.priority > priority) at--;
      chat.items.splice(at, 0, { priority, text: body, extra, resolve, reject, attempts: 0 });
      this.pump();
    });
  }

  /** Messages waiting or in flight. */
  depth(): number {
    let n = 0;
    for (const chat of this.chats.values()) n += chat.items.length;
    return n;
  }

  stop(): void {
    this.stopped = true;
    this.timer.cancel();
    for (const chat of this.chats.values()) for (const item of chat.items.splice(0)) item.reject(new Error('telegram queue stopped'));
  }

  private prune(list: number[], now: number, windowMs: number): void {
    while (list.length > 0 && list[0]! <= now - windowMs) list.shift();
  }

  /** Earliest time a message to `chatId` may go out, given every limit. */
  private readyAt(chatId: number, chat: ChatQueue, now: number): number {
    const limits = this.o.limits();
    let at = Math.max(now, chat.nextAt, this.pausedUntil);
    this.prune(this.globalSent, now, 1_000);
    if (this.globalSent.length >= limits.globalPerSecond) at = Math.max(at, this.globalSent[this.globalSent.length - limits.globalPerSecond]! + 1_000);
    if (chatId < 0) {
      const sent = this.groupSent.get(chatId) ?? [];
      this.prune(sent, now, 60_000);
      if (sent.length >= limits.groupPerMinute) at = Math.max(at, sent[sent.length - limits.groupPerMinute]! + 60_000);
    }
    return at;
  }

  private pump(): void {
    if (this.stopped) return;
    const now = this.o.timers.now();
    let earliest = Infinity;
    for (const [chatId, chat] of this.chats) {
      if (chat.busy || chat.items.length === 0) continue;
      const at = this.readyAt(chatId, chat, now);
      if (at <= now) this.sendHead(chatId, chat, now);
      else earliest = Math.min(earliest, at);
    }
    if (earliest < Infinity) this.timer.wake(earliest - now);
  }

  private sendHead(chatId: number, chat: ChatQueue, now: number): void {
    const item = chat.items[0]!;
    chat.busy = true;
    item.attempts++;
    this.globalSent.push(now);
    if (chatId < 0) this.groupSent.set(chatId, [...(this.groupSent.get(chatId) ?? []), now]);
    chat.nextAt = now + this.o.limits().perChatIntervalMs;
    this.o.send(chatId, item.text, item.extra).then(
      () => {
        chat.items.shift();
        chat.busy = false;
        item.resolve();
        this.pump();
      },
      (error: unknown) => {
        chat.busy = false;
        this.failed(chatId, chat, item, this.o.describe(error));
        this.pump();
      },
    );
  }

  private failed(chatId: number, chat: ChatQueue, item: Item, failure: TelegramFailure): void {
    const now = this.o.timers.now();
    if (failure.status === 429) {
      const waitMs = Math.max(1, failure.retryAfterSec ?? 1) * 1_000;
      this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
      this.o.logger.warn({ event: 'telegram_rate_limited', chatId, retryAfterSec: waitMs / 1000 }, `Telegram answered 429: pausing sends for ${waitMs / 1000} s`);
      return;
    }
    if (failure.status === undefined || failure.status >= 500) {
      const waitMs = Math.min(30_000, 1_000 * 2 ** Math.min(5, item.attempts - 1));
      chat.nextAt = Math.max(chat.nextAt, now + waitMs);
      this.o.logger.warn({ event: 'telegram_send_retry', chatId, attempts: item.attempts, retryInMs: waitMs, err: failure.message }, `Telegram send failed (${failure.message}); retrying`);
      return;
    }
    // A refusal that retrying the same message cannot fix: reject it, keep the queue moving.
    chat.items.shift();
    item.reject(new Error(`Telegram refused the message (${failure.status}): ${failure.message}`));
  }
}
