import type { Balance, Execution, Order, Position } from '../domain/types.ts';

/**
 * Push updates about our account (Bybit's private order and execution streams, or the
 * in-process simulator's engine events). They make the journal current within
 * milliseconds; the periodic REST sync stays as the fallback that never misses anything
 * a dropped stream lost (fills are deduplicated by execId).
 */
export interface AccountStream {
  onExecution(listener: (execution: Execution) => void): () => void;
  onOrder(listener: (order: Order) => void): () => void;
  /** Position changes (the account view follows them). */
  onPosition?(listener: (position: Position) => void): () => void;
  /** Wallet changes. */
  onBalance?(listener: (balance: Balance) => void): () => void;
  /**
   * Whether the stream is connected and subscribed (true) or lost (false). A stream that
   * never says is not trusted to be complete: the account view then ages out as if polled.
   */
  onLive?(listener: (live: boolean) => void): () => void;
}
