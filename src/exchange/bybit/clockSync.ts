/**
 * Offset between Bybit's clock and ours, for request signatures. Bybit accepts a request
 * when `server - recvWindow <= timestamp < server + 1000`, so a local clock running a
 * second fast fails every private call with 10002. The signature timestamp is the one
 * place where wall time is used: wall time + the measured offset (NTP-style: the server
 * time is assumed to be read half-way through the round trip).
 */
export class ClockSync {
  private offset = 0;
  private measuredAt: number | null = null;

  constructor(private readonly wallNow: () => number = () => Date.now()) {}

  /** Server time minus local wall time, in ms. */
  offsetMs(): number {
    return this.offset;
  }

  lastMeasuredAt(): number | null {
    return this.measuredAt;
  }

  /** Local wall time shifted onto the server's clock: the value to sign. */
  serverNow(): number {
    return this.wallNow() + this.offset;
  }

  /** Measures the offset with one server-time request; returns the new offset. */
  async measure(fetchServerTimeMs: () => Promise<number>): Promise<number> {
    const sent = this.wallNow();
    const serverTime = await fetchServerTimeMs();
    const received = this.wallNow();
    this.offset = Math.round(serverTime - (sent + received) / 2);
    this.measuredAt = received;
    return this.offset;
  }
}
