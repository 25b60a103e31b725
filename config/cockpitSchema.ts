import { z } from 'zod';

/**
 * The operator's cockpit settings (GitHub issue 11): alert thresholds and routes, and the
 * Telegram admin bot. Part of the one configuration schema (config/schema.ts); kept in
 * its own file so the main schema stays readable.
 */

const positiveMs = z.number().int().positive();

export const ALERT_PRIORITIES = ['P1', 'P2', 'P3'] as const;
export const AlertPrioritySchema = z.enum(ALERT_PRIORITIES);

/** Delivery channels a priority can be routed to; log and journal always receive every alert. */
export const ALERT_ROUTE_CHANNELS = ['telegram', 'webhook'] as const;
const RouteChannelSchema = z.enum(ALERT_ROUTE_CHANNELS);

export const AlertThresholdsSchema = z
  .strictObject({
    /** p95 of a strategy's cycle latency (wall ms) over its last `latencyWindow` cycles. */
    cycleLatencyP95Ms: z.number().positive().default(50),
    /** Cycles per strategy the latency percentile is computed over (and needed before it is). */
    latencyWindow: z.number().int().min(5).max(10_000).default(100),
    /** Resident set size of the process, MB (10^6 bytes). */
    rssMb: z.number().positive().default(800),
    /** Event-loop delay p99 (per second, wall ms) sustained over 3 consecutive evaluations. */
    eventLoopLagMs: z.number().positive().default(500),
    /** |local clock - exchange clock|, ms (the offset signatures are corrected by). */
    clockSkewMs: z.number().positive().default(1_000),
    /** A symbol whose newest closed candle is older than this (bot clock) has stale data. 0 = actor.maxStalenessMs. */
    staleDataMs: z.number().int().nonnegative().default(0),
    /** An open position without a stop-loss for longer than this (bot clock) is a P1 alert. */
    unprotectedPositionMs: positiveMs.default(60_000),
    /** The API key expires within this many days: P2 ... */
    apiKeyExpiryDays: z.number().positive().default(7),
    /** ... and within this many days: P1. */
    apiKeyExpiryCriticalDays: z.number().positive().default(1),
  })
  .prefault({});

export const AlertsSchema = z
  .strictObject({
    /** Evaluate the alert rules and deliver alerts (log and journal included). */
    enabled: z.boolean().default(true),
    /** How often the sampled rules (memory, latency, staleness, ...) are evaluated, wall ms. */
    evaluateIntervalMs: positiveMs.default(5_000),
    /** A firing alert is repeated (with its count) at most this often, bot-clock ms. */
    repeatEveryMs: positiveMs.default(600_000),
    /** An event alert (DNS failure, escalation...) resolves after this long without a new occurrence, bot-clock ms. */
    resolveAfterMs: positiveMs.default(300_000),
    /** Channels per priority, on top of the log and the journal (which get every alert). */
    routes: z
      .strictObject({
        P1: z.array(RouteChannelSchema).default(['telegram', 'webhook']),
        P2: z.array(RouteChannelSchema).default(['telegram', 'webhook']),
        P3: z.array(RouteChannelSchema).default(['webhook']),
      })
      .prefault({}),
    thresholds: AlertThresholdsSchema,
    /** How often the API key's expiry is read from /v5/user/query-api (Bybit venues only), wall ms. */
    apiKeyCheckMs: positiveMs.default(6 * 3_600_000),
    webhook: z
      .strictObject({
        /** Empty = no webhook channel. JSON POST of each alert change. */
        url: z.union([z.literal(''), z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' })]).default(''),
        /** HMAC-SHA256 key of the X-Bybot-Signature header (better from BYBOT_ALERTS_WEBHOOK_SECRET). */
        secret: z.string().default(''),
        timeoutMs: positiveMs.max(60_000).default(5_000),
      })
      .prefault({}),
    delivery: z
      .strictObject({
        /** First retry delay of a failed delivery; doubles up to retryMaxMs (wall ms). */
        retryBaseMs: positiveMs.default(1_000),
        retryMaxMs: positiveMs.default(300_000),
        /** Deliveries still failing after this long are given up (kept in the journal as expired), wall ms. */
        maxAgeMs: positiveMs.default(86_400_000),
      })
      .prefault({}),
  })
  .prefault({});

export const TelegramSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** From @BotFather; better from TELEGRAM_BOT_TOKEN. Never logged. */
    botToken: z.string().default(''),
    /** Bot API base URL without a trailing slash (tests point it at a local stand-in). */
    apiRoot: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .refine((url) => !url.endsWith('/'), 'must not end with "/"')
      .default('https://api.telegram.org'),
    /** Only these Telegram user ids are answered ... */
    allowedUserIds: z.array(z.number().int()).default([]),
    /** ... and only in these chats (a group id alone does not let every member command the bot). */
    allowedChatIds: z.array(z.number().int()).default([]),
    /** Chats that receive alerts; empty = allowedChatIds. */
    alertChatIds: z.array(z.number().int()).default([]),
    /** getUpdates long-polling timeout, seconds. */
    pollingTimeoutSec: z.number().int().min(1).max(50).default(30),
    /** Outgoing limits (Telegram: about 1 message/s per chat, 30/s overall, 20/min per group). */
    perChatIntervalMs: z.number().int().nonnegative().default(1_000),
    globalPerSecond: z.number().int().min(1).max(30).default(30),
    groupPerMinute: z.number().int().min(1).max(20).default(20),
  })
  .prefault({});

export type AlertsConfig = z.infer<typeof AlertsSchema>;
export type TelegramConfig = z.infer<typeof TelegramSchema>;
export type AlertPriorityName = z.infer<typeof AlertPrioritySchema>;

/** Cross-field rules of the cockpit sections, reported like every other config problem. */
export function checkCockpitConfig(
  config: { readonly alerts: AlertsConfig; readonly telegram: TelegramConfig },
  addIssue: (path: (string | number)[], message: string) => void,
): void {
  const t = config.telegram;
  if (t.enabled) {
    if (t.allowedUserIds.length === 0) addIssue(['telegram', 'allowedUserIds'], 'list at least one Telegram user id allowed to command the bot');
    if (t.allowedChatIds.length === 0) addIssue(['telegram', 'allowedChatIds'], 'list at least one chat id the bot answers in');
  }
  const a = config.alerts;
  if (a.delivery.retryMaxMs < a.delivery.retryBaseMs) addIssue(['alerts', 'delivery', 'retryMaxMs'], 'must be >= alerts.delivery.retryBaseMs');
  if (a.thresholds.apiKeyExpiryCriticalDays > a.thresholds.apiKeyExpiryDays) {
    addIssue(['alerts', 'thresholds', 'apiKeyExpiryCriticalDays'], 'must be <= alerts.thresholds.apiKeyExpiryDays');
  }
}

/**
 * The cockpit's rules on secret values (the Telegram token, the webhook key): they run once
 * the secrets are resolved, which for a provider other than env is at start-up
 * (src/secrets/resolve.ts), so they are part of config/schema.ts's secretIssues.
 */
export function cockpitSecretIssues(
  config: { readonly alerts: { readonly webhook: { readonly url: string; readonly secret: string } }; readonly telegram: { readonly enabled: boolean; readonly botToken: string } },
  addIssue: (path: (string | number)[], message: string) => void,
): void {
  if (config.telegram.enabled && config.telegram.botToken.trim() === '') addIssue(['telegram', 'botToken'], 'required when telegram.enabled; set TELEGRAM_BOT_TOKEN (value not shown)');
  if (config.alerts.webhook.url !== '' && config.alerts.webhook.secret.trim() === '') {
    addIssue(['alerts', 'webhook', 'secret'], 'required with alerts.webhook.url (the receiver checks the HMAC signature); set BYBOT_ALERTS_WEBHOOK_SECRET (value not shown)');
  }
}
