import { randomBytes } from 'node:crypto';
import type { Bot, Context } from 'grammy';
import { lazyPackage } from '../lazyPackage.ts';
import type { TelegramConfig } from '../../config/cockpitSchema.ts';
import type { AlertChannel } from '../alerts/delivery.ts';
import type { CockpitActions, CockpitView } from '../cockpit/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../observability/logger.ts';
import { COMMANDS, alertsText, helpText, ordersText, pnlText, positionsText, reloadText, statusText } from './replies.ts';
import { TelegramSendQueue, type TelegramFailure } from './sendQueue.ts';

/**
 * The Telegram admin bot (grammY, long polling). Only updates from an allow-listed user
 * id in an allow-listed chat are answered: a group chat on the list does not let every
 * member command the bot. Anything else is logged (ids only) and ignored, without a reply.
 * Every outgoing message, replies and alerts alike, goes through one TelegramSendQueue.
 * The token is used for the API URL only; it never reaches a log line or an error text.
 */
const HALT_CONFIRM_MS = 120_000;
const RESTART_POLLING_MS = 30_000;

export interface TelegramAdminOptions {
  readonly settings: () => TelegramConfig;
  readonly view: CockpitView;
  readonly actions: CockpitActions;
  readonly logger: Logger;
  readonly timers: Clock;
}

/** grammY, loaded when the admin bot is built (only with Telegram configured). */
const grammy = lazyPackage<typeof import('grammy')>('grammy');

export class TelegramAdmin {
  readonly queue: TelegramSendQueue;
  private readonly bot: Bot;
  private readonly token: string;
  private readonly halts = new Map<string, { readonly reason: string; readonly userId: number; readonly expires: number }>();
  private stopped = false;
  private retryTimer: unknown;
  private polling: Promise<void> | null = null;

  constructor(private readonly o: TelegramAdminOptions) {
    const s = o.settings();
    this.token = s.botToken;
    this.bot = new (grammy().Bot)(s.botToken, { client: { apiRoot: s.apiRoot } });
    this.queue = new TelegramSendQueue({
      send: async (chatId, text, extra) => {
        await this.bot.api.sendMessage(chatId, text, extra as never);
      },
      describe: (error) => this.describe(error),
      timers: o.timers,
      limits: () => {
        const c = o.settings();
        return { perChatIntervalMs: c.perChatIntervalMs, globalPerSecond: c.globalPerSecond, groupPerMinute: c.groupPerMinute };
      },
      logger: o.logger,
    });
    this.bot.use((ctx, next) => this.allowList(ctx, next));
    this.registerCommands();
    this.bot.catch((error) => o.logger.error({ event: 'telegram_handler_failed', err: this.clean(error.error instanceof Error ? error.error.message : String(error.error)) }, 'Telegram command failed'));
  }

  /** Starts long polling in the background; failures are logged and retried, never thrown. */
  start(): void {
    this.stopped = false;
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.o.timers.clearTimeout(this.retryTimer);
    this.queue.stop();
    if (this.bot.isRunning()) await Promise.race([this.bot.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
    await Promise.race([this.polling ?? Promise.resolve(), new Promise((r) => setTimeout(r, 2_000).unref())]);
  }

  /** The alert channel: alert chats (or the allowed chats), one delivery per chat. */
  alertChannel(): AlertChannel {
    return {
      name: 'telegram',
      targets: () => {
        const s = this.o.settings();
        return (s.alertChatIds.length > 0 ? s.alertChatIds : s.allowedChatIds).map(String);
      },
      send: (target, payload) => this.queue.enqueue(Number(target), payload.text, undefined, Number(payload.priority.slice(1)) || 3),
      selfOrdered: true,
    };
  }

  private async run(): Promise<void> {
    const s = this.o.settings();
    try {
      await this.bot.init();
      await this.bot.api.setMyCommands([...COMMANDS]);
      this.o.logger.info({ event: 'telegram_started', bot: this.bot.botInfo.username, allowedUsers: s.allowedUserIds.length, allowedChats: s.allowedChatIds.length }, `Telegram admin bot @${this.bot.botInfo.username} polling`);
      this.polling = this.bot.start({ timeout: s.pollingTimeoutSec, allowed_updates: ['message', 'callback_query'] });
      await this.polling;
    } catch (error) {
      const failure = this.describe(error);
      if (this.stopped) return;
      if (failure.status === 401 || failure.status === 404) {
        this.o.logger.error({ event: 'telegram_failed', status: failure.status, err: failure.message }, `Telegram refused the bot token (${failure.status}): the admin bot is off; check TELEGRAM_BOT_TOKEN`);
        return;
      }
      this.o.logger.warn({ event: 'telegram_unavailable', err: failure.message, retryInMs: RESTART_POLLING_MS }, `Telegram unreachable (${failure.message}); retrying`);
      this.retryTimer = this.o.timers.setTimeout(() => void this.run(), RESTART_POLLING_MS);
      (this.retryTimer as { unref?: () => void } | undefined)?.unref?.();
    }
  }

  private clean(text: string): string {
    return this.token ? text.split(this.token).join('[redacted]') : text;
  }

  private describe(error: unknown): TelegramFailure {
    if (error instanceof grammy().GrammyError) return { status: error.error_code, retryAfterSec: error.parameters.retry_after, message: this.clean(error.description) };
    if (error instanceof grammy().HttpError) return { status: undefined, message: this.clean(error.message) };
    return { status: undefined, message: this.clean(error instanceof Error ? error.message : String(error)) };
  }

  private async allowList(ctx: Context, next: () => Promise<void>): Promise<void> {
    const s = this.o.settings();
    const userId = ctx.from?.id;
    const chatId = ctx.chat?.id ?? ctx.callbackQuery?.message?.chat.id;
    if (userId === undefined || chatId === undefined || !s.allowedUserIds.includes(userId) || !s.allowedChatIds.includes(chatId)) {
      this.o.logger.warn(
        { event: 'telegram_ignored', userId: userId ?? null, chatId: chatId ?? null, userAllowed: userId !== undefined && s.allowedUserIds.includes(userId), chatAllowed: chatId !== undefined && s.allowedChatIds.includes(chatId) },
        'Telegram update from a user or chat that is not allow-listed: ignored',
      );
      return;
    }
    await next();
  }

  /** Replies go ahead of waiting alerts of P2 and P3 (an operator is waiting for them). */
  private say(chatId: number, text: string, extra?: Record<string, unknown>): void {
    this.queue.enqueue(chatId, text, extra, 1).catch((error: unknown) => this.o.logger.warn({ event: 'telegram_reply_failed', chatId, err: this.clean(error instanceof Error ? error.message : String(error)) }, 'Telegram reply not delivered'));
  }

  private who(ctx: Context): string {
    return `telegram user ${ctx.from?.id ?? '?'}`;
  }

  private registerCommands(): void {
    const { view, actions } = this.o;
    const chat = (ctx: Context): number => ctx.chat!.id;
    const arg = (ctx: Context): string => (typeof ctx.match === 'string' ? ctx.match.trim() : '');
    this.bot.command(['help', 'start'], (ctx) => this.say(chat(ctx), helpText()));
    this.bot.command('status', (ctx) => this.say(chat(ctx), statusText(view.status())));
    this.bot.command('positions', (ctx) => this.say(chat(ctx), positionsText(view.status())));
    this.bot.command('orders', (ctx) => this.say(chat(ctx), ordersText(view.openOrders())));
    this.bot.command('pnl', (ctx) => this.say(chat(ctx), pnlText(view.status(), view.presets())));
    this.bot.command('alerts', (ctx) => this.say(chat(ctx), alertsText(view.status())));
    this.bot.command('resume', (ctx) => this.say(chat(ctx), actions.resume(this.who(ctx)).message));
    for (const [command, enabled] of [['enable', true], ['disable', false]] as const) {
      this.bot.command(command, (ctx) => {
        const [target, ...rest] = arg(ctx).split(/\s+/).filter(Boolean);
        if (!target) return this.say(chat(ctx), `usage: /${command} <preset | symbol | SYMBOL:preset>${enabled ? '' : ' [reason]'}`);
        return this.say(chat(ctx), actions.setEnabled(target, enabled, rest.join(' ') || `${command}d via Telegram`, this.who(ctx)).message);
      });
    }
    this.bot.command('reload', async (ctx) => {
      const outcome = await actions.reload(this.who(ctx));
      this.say(chat(ctx), reloadText(outcome));
    });
    this.bot.command('halt', (ctx) => {
      const nonce = randomBytes(6).toString('hex');
      const reason = arg(ctx) || 'via Telegram';
      this.halts.set(nonce, { reason, userId: ctx.from!.id, expires: this.o.timers.now() + HALT_CONFIRM_MS });
      const keyboard = new (grammy().InlineKeyboard)().text('Confirm HALT', `halt:${nonce}`).text('Cancel', `cancel:${nonce}`);
      this.say(chat(ctx), `Emergency stop: no new orders, our open orders cancelled, every strategy stopped until /resume.\nReason: ${reason}\nConfirm within ${HALT_CONFIRM_MS / 1000} s.`, { reply_markup: keyboard });
    });
    this.bot.callbackQuery(/^(halt|cancel):([0-9a-f]+)$/, async (ctx) => {
      const [, kind, nonce] = ctx.match as RegExpMatchArray;
      const pending = this.halts.get(nonce!);
      this.halts.delete(nonce!);
      const valid = pending && pending.userId === ctx.from.id && pending.expires >= this.o.timers.now();
      let answer: string;
      if (!valid) answer = 'This confirmation expired; send /halt again.';
      else if (kind === 'cancel') answer = 'Halt cancelled.';
      else answer = actions.halt(pending.reason, this.who(ctx)).message;
      await ctx.answerCallbackQuery({ text: answer.slice(0, 190) }).catch(() => undefined);
      this.say(ctx.callbackQuery.message?.chat.id ?? ctx.from.id, answer);
    });
    this.bot.on('message', (ctx) => this.say(chat(ctx), 'Unknown command. /help lists them.'));
  }
}
