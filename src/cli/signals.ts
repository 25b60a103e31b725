/**
 * Process signals of `npm start`, installed the moment this module is evaluated (it is
 * main.ts's first import), so a SIGTERM that arrives while the configuration, the
 * simulator or the exchange clients are still loading is recorded instead of killing the
 * process by the default action half-way through a start-up.
 *
 * - SIGINT / SIGTERM: a stop request. The first one starts the graceful stop; a second one
 *   while stopping forces the exit.
 * - SIGHUP: handed to the listener (npm start reloads the configuration); never the default action, which would kill the bot when the terminal
 *   it was started from closes, or when an operator sends it expecting a reload.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

type StopListener = (signal: StopSignal, count: number) => void;
type HangupListener = () => void;

class ProcessSignals {
  private stopListener: StopListener | null = null;
  private hangupListener: HangupListener | null = null;
  private readonly pending: StopSignal[] = [];
  private count = 0;
  private hangupsBeforeListener = 0;

  constructor() {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => this.stop(signal));
    process.on('SIGHUP', () => {
      if (this.hangupListener) this.hangupListener();
      else this.hangupsBeforeListener++;
    });
  }

  /** Receives every stop request, including those that arrived before the listener was set. */
  onStop(listener: StopListener): void {
    this.stopListener = listener;
    for (const signal of this.pending.splice(0)) listener(signal, this.count);
  }

  onHangup(listener: HangupListener): void {
    this.hangupListener = listener;
    for (; this.hangupsBeforeListener > 0; this.hangupsBeforeListener--) listener();
  }

  /** True once SIGINT or SIGTERM was received. */
  stopRequested(): boolean {
    return this.count > 0;
  }

  private stop(signal: StopSignal): void {
    this.count++;
    if (this.stopListener) this.stopListener(signal, this.count);
    else this.pending.push(signal);
  }
}

export const processSignals = new ProcessSignals();
