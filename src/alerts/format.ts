import type { AlertChange, AlertSnapshot } from '../core/alerts/types.ts';

/** What a channel receives for one alert change (the webhook's JSON body, the journal's row). */
export interface AlertPayload {
  readonly id: number;
  readonly change: AlertChange['type'];
  /** ISO-8601 UTC of the change. */
  readonly at: string;
  readonly priority: string;
  readonly key: string;
  readonly source: string;
  readonly title: string;
  readonly message: string;
  readonly note: string;
  readonly count: number;
  readonly firstAt: string;
  /** The one-message form, as Telegram shows it. */
  readonly text: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * One plain-text message per change (Telegram, logs):
 *   [P1] Exchange DNS failure (rest)
 *   getaddrinfo ENOTFOUND api.bybit.com
 *   [P1] still firing: Exchange DNS failure (rest), x12 since 2026-01-05T10:00:00.000Z
 *   [P1] RESOLVED after 3m: Exchange DNS failure (rest)
 */
export function alertText(type: AlertChange['type'], alert: AlertSnapshot, note: string, newOccurrences: number): string {
  const head = `[${alert.priority}]`;
  if (type === 'raised') return `${head} ${alert.title}\n${alert.message}`;
  if (type === 'repeated') {
    const extra = note ? ` (${note})` : '';
    return `${head} still firing${extra}: ${alert.title}, x${alert.count} since ${iso(alert.firstAt)}${newOccurrences > 0 ? ` (+${newOccurrences})` : ''}\n${alert.message}`;
  }
  return `${head} RESOLVED ${note.replace(/^resolved /, '')}\n${alert.title}`;
}

export function alertPayload(id: number, change: AlertChange | { type: AlertChange['type']; at: number; alert: AlertSnapshot; note: string }, text: string): AlertPayload {
  const a = change.alert;
  return { id, change: change.type, at: iso(change.at), priority: a.priority, key: a.key, source: a.source, title: a.title, message: a.message, note: change.note, count: a.count, firstAt: iso(a.firstAt), text };
}

/** The JSON view of an alert (GET /alerts): times as ISO-8601 UTC. */
export function alertView(a: AlertSnapshot) {
  return { ...a, firstAt: iso(a.firstAt), lastAt: iso(a.lastAt), resolvedAt: a.resolvedAt === null ? null : iso(a.resolvedAt) };
}
