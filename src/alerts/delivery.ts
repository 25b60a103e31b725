import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { CockpitStore, PendingDelivery, StoredAlertEvent } from '../journal/cockpitStore.ts';
import { alertPayload, type AlertPayload } from './format.ts';
import { WakeTimer } from '../clock/wakeTimer.ts';

/** A way to reach a person: Telegram chats, a webhook URL. */
export interface AlertChannel {
  readonly name: string;
  /** Where an alert goes now (chat ids, the URL); empty = the channel is not configured. */
  targets(): string[];
  /** Resolves once the target accepted the message; rejects on failure (retried later). */
  send(target: string, payload: AlertPayload): Promise<void>;
  /**
   * The channel queues, paces and orders its own sends (Telegram: by priority, then in
   * order, per chat): every due delivery is handed over at once instead of one by one.
   */
  readonly selfOrdered?: boolean;
}

export interface DeliverySettings {
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly maxAgeMs: number;
}

export interface DeliveryCounter {
  inc(labels: { channel: string; result: string }): void;
}

/**
 * Delivers alert changes to their channels, asynchronously: `kick()` only wakes the
 * workers, so the caller (the alert engine, and through it trading) never waits for a
 * network. One worker per channel sends in journal order; a failed delivery is retried
 * with exponential backoff (wall clock), and later deliveries to the same target wait
 * behind it so a chat never sees alerts out of order. Pending deliveries live in the
 * journal: after a restart they are picked up again. Past `maxAgeMs` a delivery is given
 * up and marked expired (it stays in the journal).
 */
export class DeliveryQueue {
  private readonly memory: PendingDelivery[] = [];
  private nextMemoryId = 1;
  private readonly busy = new Set<string>();
  /** Deliveries handed to a self-ordered channel and not settled yet. */
  private readonly handedOver = new Set<number>();
  private readonly timer: WakeTimer;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly o: {
      readonly store: CockpitStore | null;
      readonly channels: readonly AlertChannel[];
      readonly timers: Clock;
      readonly logger: Logger;
      readonly settings: () => DeliverySettings;
      readonly counter?: DeliveryCounter;
    },
  ) {
    this.timer = new WakeTimer(o.timers, () => this.pass());
  }

  /** Deliveries for an event without a journal (tests, journal disabled): kept in memory. */
  addInMemory(event: StoredAlertEvent, deliveries: readonly { channel: string; target: string }[]): void {
    const now = this.o.timers.now();
    for (const d of deliveries) this.memory.push({ id: this.nextMemoryId++, channel: d.channel, target: d.target, attempts: 0, nextAttemptAt: now, createdAt: now, event });
  }

  channel(name: string): AlertChannel | undefined {
    return this.o.channels.find((c) => c.name === name);
  }

  /** Wakes the workers now (new deliveries, or at start-up for the ones left by the last run). */
  kick(): void {
    if (this.stopped) return;
    this.timer.wake(0);
  }

  pendingCount(): number {
    return this.pending().length;
  }

  async stop(graceMs = 2_000): Promise<void> {
    this.stopped = true;
    this.timer.cancel();
    // In-flight sends may finish within the grace period; what does not stays pending.
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  /** Most severe first, then in the order they were recorded (a P1 never waits behind P3 chatter). */
  private pending(): PendingDelivery[] {
    const list = this.o.store ? this.o.store.pendingDeliveries() : [...this.memory];
    return this.o.store ? list : list.sort((a, b) => a.event.alert.priority.localeCompare(b.event.alert.priority) || a.id - b.id);
  }

  private pass(): void {
    if (this.stopped) return;
    const now = this.o.timers.now();
    let earliest = Infinity;
    const channels = new Set<string>();
    for (const d of this.pending()) {
      if (d.nextAttemptAt > now) earliest = Math.min(earliest, d.nextAttemptAt);
      channels.add(d.channel);
    }
    for (const name of channels) {
      if (this.busy.has(name)) continue;
      const channel = this.channel(name);
      if (!channel) {
        for (const d of this.pending().filter((x) => x.channel === name)) this.finish(d, 'expired', d.attempts, `channel ${name} is not configured`);
        continue;
      }
      if (channel.selfOrdered) this.handOver(channel);
      else this.track(this.work(channel));
    }
    if (earliest < Infinity) this.timer.wake(earliest - now);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private handOver(channel: AlertChannel): void {
    const now = this.o.timers.now();
    for (const d of this.pending()) {
      if (d.channel !== channel.name || d.nextAttemptAt > now || this.handedOver.has(d.id)) continue;
      this.handedOver.add(d.id);
      const attempts = d.attempts + 1;
      this.track(
        channel.send(d.target, alertPayload(d.event.id, { type: d.event.change, at: d.event.at, alert: d.event.alert, note: d.event.note }, d.event.text)).then(
          () => this.finish(d, 'delivered', attempts),
          (error: unknown) => this.failed(d, attempts, error),
        ).finally(() => {
          this.handedOver.delete(d.id);
          if (!this.stopped) this.timer.wake(0);
        }),
      );
    }
  }

  private failed(d: PendingDelivery, attempts: number, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const settings = this.o.settings();
    const now = this.o.timers.now();
    if (now - d.createdAt >= settings.maxAgeMs) this.finish(d, 'expired', attempts, message);
    else this.retry(d, attempts, now + Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** (attempts - 1)), message);
  }

  /**
   * The next delivery of a channel: the first pending one of each target (per target the
   * order is kept: nothing overtakes a delivery waiting for its retry), if it is due.
   */
  private next(channel: string, failed: ReadonlySet<string>): PendingDelivery | undefined {
    const now = this.o.timers.now();
    const seen = new Set<string>();
    for (const d of this.pending()) {
      if (d.channel !== channel || seen.has(d.target)) continue;
      seen.add(d.target);
      if (!failed.has(d.target) && d.nextAttemptAt <= now) return d;
    }
    return undefined;
  }

  private async work(channel: AlertChannel): Promise<void> {
    this.busy.add(channel.name);
    const failed = new Set<string>();
    try {
      // Re-read after each send: a P1 raised meanwhile goes next.
      for (let d = this.next(channel.name, failed); d && !this.stopped; d = this.next(channel.name, failed)) {
        const attempts = d.attempts + 1;
        try {
          await channel.send(d.target, alertPayload(d.event.id, { type: d.event.change, at: d.event.at, alert: d.event.alert, note: d.event.note }, d.event.text));
          this.finish(d, 'delivered', attempts);
        } catch (error) {
          failed.add(d.target);
          this.failed(d, attempts, error);
        }
      }
    } finally {
      this.busy.delete(channel.name);
      if (!this.stopped) this.timer.wake(0);
    }
  }

  private retry(d: PendingDelivery, attempts: number, nextAttemptAt: number, error: string): void {
    this.o.counter?.inc({ channel: d.channel, result: 'failed' });
    this.o.logger.warn(
      { event: 'alert_delivery_failed', channel: d.channel, alertKey: d.event.alert.key, attempts, retryInMs: nextAttemptAt - this.o.timers.now(), err: error },
      `alert delivery to ${d.channel} failed (attempt ${attempts}): ${error}; retrying`,
    );
    if (this.o.store) this.o.store.markRetry(d.id, attempts, nextAttemptAt, error);
    else {
      const i = this.memory.findIndex((m) => m.id === d.id);
      if (i >= 0) this.memory[i] = { ...d, attempts, nextAttemptAt };
    }
  }

  private finish(d: PendingDelivery, result: 'delivered' | 'expired', attempts: number, error = ''): void {
    this.o.counter?.inc({ channel: d.channel, result });
    if (result === 'expired') {
      this.o.logger.error({ event: 'alert_delivery_expired', channel: d.channel, alertKey: d.event.alert.key, attempts, err: error }, `alert delivery to ${d.channel} given up after ${attempts} attempt(s): ${error}`);
    }
    if (this.o.store) {
      if (result === 'delivered') this.o.store.markDelivered(d.id, attempts, this.o.timers.now());
      else this.o.store.markExpired(d.id, attempts, error);
    } else {
      const i = this.memory.findIndex((m) => m.id === d.id);
      if (i >= 0) this.memory.splice(i, 1);
    }
  }
}
