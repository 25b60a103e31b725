import type { Execution, Order } from '../domain/types.ts';

/**
 * Push updates about our account (Bybit's private order and execution streams, or the
 * in-process simulator's engine events). They make the journal current within
 * milliseconds; the periodic REST sync stays as the fallback that never misses anything
 * a dropped stream lost (fills are deduplicated by execId).
 */
export interface AccountStream {
  onExecution(listener: (execution: Execution) => void): () => void;
  onOrder(listener: (order: Order) => void): () => void;
}
