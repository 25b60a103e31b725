import type { Execution, Order } from '../domain/types.ts';
import type { AccountStream } from '../ports/accountStream.ts';
import type { BybitStreams } from '../exchange/bybit/streams.ts';
import type { MatchingEngine } from '../sim/engine.ts';

/** The Bybit adapter's private order and execution streams as an AccountStream. */
export function bybitAccountStream(streams: BybitStreams): AccountStream {
  return {
    onExecution: (listener) => streams.on('execution', (event) => listener(event.execution)),
    onOrder: (listener) => streams.on('order', (event) => listener(event.order)),
  };
}

/** The in-process simulator's engine events as an AccountStream (dry-run, transport inproc). */
export function simulatorAccountStream(engine: MatchingEngine): AccountStream {
  return {
    onExecution: (listener) => engine.on('execution', (e) => listener(e as Execution)),
    onOrder: (listener) => engine.on('order', (o) => listener(o as Order)),
  };
}
