/** A minimal typed event emitter: the engine's events are few and synchronous. */
export class TypedEmitter<TEvents extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof TEvents, Set<(payload: never) => void>>();

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof TEvents>(event: K, listener: (payload: TEvents[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  emit<K extends keyof TEvents>(event: K, payload: TEvents[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      // A listener's failure must not corrupt the engine's state half-way through a fill.
      try {
        (listener as (payload: TEvents[K]) => void)(payload);
      } catch {
        /* listeners are observers; their errors are theirs */
      }
    }
  }
}
