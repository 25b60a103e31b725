import type { Balance, Execution, Order, Position } from '../domain/types.ts';
import type { AccountStream } from '../ports/accountStream.ts';
import type { BybitStreams } from '../exchange/bybit/streams.ts';
import type { MatchingEngine } from '../sim/engine.ts';

/** The Bybit adapter's private order and execution streams as an AccountStream. */
export function bybitAccountStream(streams: BybitStreams): AccountStream {
  return {
    onExecution: (listener) => streams.on('execution', (event) => listener(event.execution)),
    onOrder: (listener) => streams.on('order', (event) => listener(event.order)),
    onPosition: (listener) => streams.on('position', (event) => listener(event.position)),
    onBalance: (listener) => streams.on('wallet', (event) => listener(event.balance)),
    onLive: (listener) =>
      streams.on('connection', (event) => {
        if (event.stream !== 'private') return;
        if (event.state === 'open' || event.state === 'reconnected') listener(true);
        else listener(false);
      }),
  };
}

/** The in-process simulator's engine events as an AccountStream (dry-run, transport inproc). */
export function simulatorAccountStream(engine: MatchingEngine): AccountStream {
  return {
    onExecution: (listener) => engine.on('execution', (e) => listener(e as Execution)),
    onOrder: (listener) => engine.on('order', (o) => listener(o as Order)),
    // The engine pushes on fills, not on every mark: the view still ages out (no onLive).
    onPosition: (listener) => engine.on('position', (p) => listener(p as Position)),
    onBalance: (listener) => engine.on('wallet', (b) => listener(b as Balance)),
  };
}
