import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in of the Telegram Bot API (https://core.telegram.org/bots/api) for the
 * tests: the real grammY client talks to it through its `apiRoot` option. It answers
 * getMe, deleteWebhook, getUpdates (long polling: held until an update arrives or the
 * timeout), sendMessage, answerCallbackQuery and setMyCommands with Telegram's envelope
 * (`{ok, result}` / `{ok: false, error_code, description, parameters}`), checks the
 * token in the path, records what the bot sent, and can answer 429 with retry_after.
 */
export interface SentMessage {
  readonly chatId: number;
  readonly text: string;
  readonly replyMarkup: unknown;
  /** performance.now() when the stand-in received it. */
  readonly at: number;
  readonly messageId: number;
}

interface PendingPoll {
  readonly offset: number;
  readonly limit: number;
  readonly res: ServerResponse;
  readonly timer: NodeJS.Timeout;
}

export interface TelegramStandIn {
  readonly apiRoot: string;
  readonly token: string;
  readonly sent: SentMessage[];
  readonly calls: { method: string; body: Record<string, unknown> }[];
  readonly callbackAnswers: Record<string, unknown>[];
  readonly commands: unknown[];
  /** Answers the next `count` sendMessage calls with 429 and this retry_after (seconds). */
  rateLimitNext(count: number, retryAfterSec: number): void;
  /** A user writes `text` in a chat (a command when it starts with "/"). */
  pushMessage(from: { userId: number; chatId: number; chatType?: 'private' | 'group' | 'supergroup' }, text: string): void;
  /** A user presses an inline button. */
  pushCallback(from: { userId: number; chatId: number }, data: string, messageId: number): string;
  waitFor<T>(check: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export const BOT_USER = { id: 7_000_000_001, is_bot: true, first_name: 'bybot', username: 'bybot_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  return JSON.parse(text) as Record<string, unknown>;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startTelegramStandIn(token = '123456789:TEST-stand-in-token_abcdefghijklmnop'): Promise<TelegramStandIn> {
  const updates: Record<string, unknown>[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let rateLimited = 0;
  let retryAfter = 1;
  const polls = new Set<PendingPoll>();
  const sent: SentMessage[] = [];
  const calls: { method: string; body: Record<string, unknown> }[] = [];
  const callbackAnswers: Record<string, unknown>[] = [];
  const commands: unknown[] = [];
  const now = () => Math.floor(Date.now() / 1000);

  const answerPolls = (): void => {
    for (const poll of [...polls]) {
      const batch = updates.filter((u) => (u.update_id as number) >= poll.offset).slice(0, poll.limit);
      if (batch.length === 0) continue;
      clearTimeout(poll.timer);
      polls.delete(poll);
      reply(poll.res, 200, { ok: true, result: batch });
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (!m) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== token) return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    const body = await readBody(req);
    calls.push({ method, body });
    switch (method) {
      case 'getMe':
        return reply(res, 200, { ok: true, result: BOT_USER });
      case 'deleteWebhook':
      case 'setMyCommands':
        if (method === 'setMyCommands') commands.push(body.commands);
        return reply(res, 200, { ok: true, result: true });
      case 'answerCallbackQuery':
        callbackAnswers.push(body);
        return reply(res, 200, { ok: true, result: true });
      case 'getUpdates': {
        const offset = Number(body.offset ?? 0);
        const limit = Number(body.limit ?? 100);
        // Confirming an offset forgets the updates before it, as Telegram does.
        for (let i = updates.length - 1; i >= 0; i--) if ((updates[i]!.update_id as number) < offset) updates.splice(i, 1);
        const batch = updates.filter((u) => (u.update_id as number) >= offset).slice(0, limit);
        const timeoutSec = Number(body.timeout ?? 0);
        if (batch.length > 0 || timeoutSec <= 0) return reply(res, 200, { ok: true, result: batch });
        const poll: PendingPoll = { offset, limit, res, timer: setTimeout(() => { polls.delete(poll); reply(res, 200, { ok: true, result: [] }); }, timeoutSec * 1000) };
        polls.add(poll);
        req.on('close', () => { clearTimeout(poll.timer); polls.delete(poll); });
        return;
      }
      case 'sendMessage': {
        if (rateLimited > 0) {
          rateLimited--;
          return reply(res, 429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } });
        }
        const chatId = Number(body.chat_id);
        const messageId = nextMessageId++;
        sent.push({ chatId, text: String(body.text ?? ''), replyMarkup: body.reply_markup, at: performance.now(), messageId });
        return reply(res, 200, { ok: true, result: { message_id: messageId, date: now(), chat: { id: chatId, type: chatId < 0 ? 'group' : 'private' }, from: BOT_USER, text: body.text } });
      }
      default:
        return reply(res, 404, { ok: false, error_code: 404, description: `Not Found: method ${method}` });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => reply(res, 500, { ok: false, error_code: 500, description: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const chatOf = (chatId: number, chatType?: string) => ({ id: chatId, type: chatType ?? (chatId < 0 ? 'group' : 'private'), ...(chatId < 0 ? { title: 'ops group' } : { first_name: 'op' }) });

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    sent,
    calls,
    callbackAnswers,
    commands,
    rateLimitNext(count, retryAfterSec) {
      rateLimited = count;
      retryAfter = retryAfterSec;
    },
    pushMessage(from, text) {
      const command = /^\/\w+/.exec(text);
      updates.push({
        update_id: nextUpdateId++,
        message: {
          message_id: nextMessageId++,
          date: now(),
          chat: chatOf(from.chatId, from.chatType),
          from: { id: from.userId, is_bot: false, first_name: `user${from.userId}` },
          text,
          ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
        },
      });
      answerPolls();
    },
    pushCallback(from, data, messageId) {
      const id = `cb${nextUpdateId}`;
      updates.push({
        update_id: nextUpdateId++,
        callback_query: {
          id,
          from: { id: from.userId, is_bot: false, first_name: `user${from.userId}` },
          chat_instance: 'ci',
          data,
          message: { message_id: messageId, date: now(), chat: chatOf(from.chatId), from: BOT_USER, text: 'confirm?' },
        },
      });
      answerPolls();
      return id;
    },
    async waitFor(check, timeoutMs = 10_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const value = check();
        if (value !== undefined && value !== false) return value as never;
        if (performance.now() > deadline) throw new Error('stand-in: condition not met in time');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const poll of polls) {
        clearTimeout(poll.timer);
        reply(poll.res, 200, { ok: true, result: [] });
      }
      polls.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
