import type { WebSocket } from 'ws';

/** Bybit's ack/pong shapes differ per stream (bybit-v5.md §8.1). */
export type StreamStyle = 'linear' | 'spot' | 'private' | 'trade';

export function styleOfPath(path: string): StreamStyle {
  if (path.startsWith('/v5/public/spot')) return 'spot';
  if (path.startsWith('/v5/trade')) return 'trade';
  if (path.startsWith('/v5/private')) return 'private';
  // Any other path (e.g. a single wsUrl for every stream) answers like public linear.
  return 'linear';
}

/** One client socket: its style, auth state and topics. */
export class WsConnection {
  authenticated = false;
  readonly topics = new Set<string>();
  /** `/v5/trade`: the reqIds used on this connection (Bybit answers 20006 to a reused one). */
  readonly reqIds = new Set<string>();

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    readonly style: StreamStyle,
  ) {}

  /** Compact JSON: bybit-api detects pongs by substring ('op":"pong'), so no spaces. */
  send(message: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
