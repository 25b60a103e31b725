import type { AnyStateMachine } from 'xstate';
import { createStrategyMachine } from '../../machines/strategy.machine.ts';
import { createSymbolSupervisor } from '../../supervisors/symbol.supervisor.ts';
import { createSystemSupervisor } from '../../supervisors/system.supervisor.ts';
import { layeredLayout, type Layout } from './layout.ts';
import { machineGraph, type MachineGraphData } from './machineGraph.ts';

/**
 * The machines the visualiser draws. They are created with inert dependencies (time
 * frozen at 0, no strategies, no randomness): only their structure is read, they never
 * run, so the drawing comes from exactly the code the runtime executes.
 */

export const MACHINE_NAMES = ['strategy', 'symbolSupervisor', 'systemSupervisor'] as const;
export type MachineName = (typeof MACHINE_NAMES)[number];

const DESCRIPTIONS: Readonly<Record<MachineName, string>> = {
  strategy: 'One actor per symbol x strategy preset: fetch, validate, signal, order, cool down; broken = circuit breaker open.',
  symbolSupervisor: 'One per symbol: ticks its strategy actors, restarts crashed ones, disables a strategy after repeated breaker trips (level 2).',
  systemSupervisor: 'The root: spawns the symbol supervisors, emergency stop and HALTED (level 3), graceful shutdown.',
};

export interface MachineGraph extends MachineGraphData {
  readonly name: MachineName;
  readonly description: string;
  readonly layout: Layout;
}

function createMachines(): Record<MachineName, AnyStateMachine> {
  const now = (): number => 0;
  const strategy = createStrategyMachine({ now, resolveStrategy: () => undefined });
  const symbolSupervisor = createSymbolSupervisor({ now, random: () => 0.5, strategyLogic: strategy });
  const systemSupervisor = createSystemSupervisor({ now, symbolLogic: symbolSupervisor });
  // The system supervisor declares `types.emitted`, which the graph functions' types reject (STYLE.md section 2).
  return {
    strategy: strategy as unknown as AnyStateMachine,
    symbolSupervisor: symbolSupervisor as unknown as AnyStateMachine,
    systemSupervisor: systemSupervisor as unknown as AnyStateMachine,
  };
}

let cache: ReadonlyMap<MachineName, MachineGraph> | undefined;

function build(): ReadonlyMap<MachineName, MachineGraph> {
  const machines = createMachines();
  return new Map(
    MACHINE_NAMES.map((name) => {
      const data = machineGraph(machines[name]);
      const graph: MachineGraph = { name, description: DESCRIPTIONS[name], ...data, layout: layeredLayout(data.root, data.nodes, data.edges) };
      return [name, graph];
    }),
  );
}

export function isMachineName(name: string): name is MachineName {
  return (MACHINE_NAMES as readonly string[]).includes(name);
}

/** Graphs are built once: machine definitions do not change while the process runs. */
export function machineGraphOf(name: MachineName): MachineGraph {
  cache ??= build();
  return cache.get(name)!;
}

export function machineList(): Array<{ name: MachineName; machineId: string; description: string; states: number; transitions: number; graph: string }> {
  return MACHINE_NAMES.map((name) => {
    const g = machineGraphOf(name);
    return { name, machineId: g.machineId, description: g.description, states: g.nodes.length - 1, transitions: g.edges.length, graph: `/machines/${name}/graph` };
  });
}
