import type { Clock } from '../../ports/clock.ts';

/**
 * The ordered list of REST base URLs of one venue (primary first) with health tracking.
 * A DNS failure, a refused connection or a timeout marks an endpoint down and requests go
 * to the next healthy one; a periodic probe (GET /v5/market/time) brings a recovered
 * endpoint back, and since the list is ordered the primary takes over again as soon as it
 * answers (fail-back). When every endpoint is down the primary is tried anyway: better a
 * fast failure than no attempt.
 */
export interface EndpointState {
  readonly url: string;
  readonly healthy: boolean;
  readonly failures: number;
  readonly lastError: string | null;
  readonly downSince: number | null;
}

export interface EndpointPoolOptions {
  readonly urls: readonly string[];
  /** Wall clock: probing is about the network, not simulated time. */
  readonly clock: Clock;
  readonly probeIntervalMs: number;
  /** Resolves when the endpoint answers; rejects otherwise. */
  readonly probe: (url: string) => Promise<void>;
  readonly onChange?: (event: { readonly url: string; readonly healthy: boolean; readonly active: string; readonly reason: string }) => void;
}

export class EndpointPool {
  private readonly states: { url: string; healthy: boolean; failures: number; lastError: string | null; downSince: number | null }[];
  private timer: unknown;
  private probing = false;
  private closed = false;

  constructor(private readonly options: EndpointPoolOptions) {
    if (options.urls.length === 0) throw new RangeError('at least one REST endpoint is required');
    this.states = options.urls.map((url) => ({ url, healthy: true, failures: 0, lastError: null, downSince: null }));
  }

  /** The endpoint to use now: the first healthy one in configured order. */
  active(): string {
    return (this.states.find((s) => s.healthy) ?? this.states[0]!).url;
  }

  /** Healthy endpoints in order, then the unhealthy ones: the order to try for one request. */
  candidates(): string[] {
    return [...this.states.filter((s) => s.healthy), ...this.states.filter((s) => !s.healthy)].map((s) => s.url);
  }

  snapshot(): EndpointState[] {
    return this.states.map((s) => ({ ...s }));
  }

  markSuccess(url: string): void {
    const state = this.states.find((s) => s.url === url);
    if (!state) return;
    const wasDown = !state.healthy;
    state.failures = 0;
    state.lastError = null;
    if (wasDown) {
      state.healthy = true;
      state.downSince = null;
      this.options.onChange?.({ url, healthy: true, active: this.active(), reason: 'answered again' });
    }
  }

  markFailure(url: string, reason: string): void {
    const state = this.states.find((s) => s.url === url);
    if (!state) return;
    state.failures += 1;
    state.lastError = reason;
    if (state.healthy) {
      state.healthy = false;
      state.downSince = this.options.clock.now();
      this.options.onChange?.({ url, healthy: false, active: this.active(), reason });
    }
    this.scheduleProbe();
  }

  /** Probes every endpoint that is down (a no-op when all are healthy). Exposed for tests. */
  async probeNow(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      for (const state of this.states.filter((s) => !s.healthy)) {
        if (this.closed) return;
        try {
          await this.options.probe(state.url);
          this.markSuccess(state.url);
        } catch (error) {
          state.failures += 1;
          state.lastError = error instanceof Error ? error.message : String(error);
        }
      }
    } finally {
      this.probing = false;
    }
    this.scheduleProbe();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleProbe(): void {
    if (this.closed || this.timer !== undefined || this.states.every((s) => s.healthy)) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.probeNow();
    }, this.options.probeIntervalMs);
    unrefTimer(this.timer);
  }
}

/** Background timers must not keep the process alive after stop(). */
export function unrefTimer(handle: unknown): void {
  if (handle && typeof handle === 'object' && 'unref' in handle && typeof (handle as { unref: unknown }).unref === 'function') {
    (handle as { unref: () => void }).unref();
  }
}
