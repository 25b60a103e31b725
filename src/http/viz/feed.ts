import type { Runtime } from '../../runtime/createRuntime.ts';
import { vizActorRow, vizTree } from './rows.ts';
import type { VizFeed } from './socket.ts';

type RuntimeView = Pick<Runtime, 'registry' | 'snapshot' | 'root'>;

/**
 * Adapts the runtime to the visualiser feed: actor changes come from the registry (fed by
 * the inspection observer), supervisor changes from the root actor's snapshots.
 */
export function runtimeFeed(runtime: RuntimeView): VizFeed {
  const halted = (): boolean => runtime.snapshot().context.tradingState === 'HALTED';
  const rowOf = (actorId: string) => {
    const entry = runtime.registry.get(actorId);
    if (!entry) return undefined;
    return vizActorRow(entry, runtime.snapshot().context.disabled[actorId], halted());
  };
  return {
    rows: () => {
      const snapshot = runtime.snapshot();
      const isHalted = snapshot.context.tradingState === 'HALTED';
      return runtime.registry.list().map((e) => vizActorRow(e, snapshot.context.disabled[e.actorId], isHalted));
    },
    rowOf,
    tree: () => vizTree(runtime.snapshot()),
    onActorChange: (listener) => runtime.registry.onChange((entry) => listener(entry.actorId)),
    onTreeChange: (listener) => {
      // An actor's row also shows the system's view of it (disabled, halted); when that
      // changes, every actor is listed as changed so the rows are refreshed. Both change
      // rarely (an escalation, an operator action), so "every actor" is cheap enough.
      let last = '';
      const subscription = runtime.root.subscribe({
        next: (snapshot) => {
          const key = `${snapshot.context.tradingState}|${Object.keys(snapshot.context.disabled).sort().join(',')}`;
          const changed = key === last ? [] : runtime.registry.list().map((e) => e.actorId);
          last = key;
          listener(changed);
        },
        // The runtime's own error observer handles a failed root; this one must exist so
        // XState does not also report the error as unhandled.
        error: () => undefined,
      });
      return () => subscription.unsubscribe();
    },
  };
}
