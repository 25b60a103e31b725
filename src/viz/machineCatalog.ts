import type { AnyStateMachine } from 'xstate';
import { createStrategyMachine } from '../../machines/strategy.machine.ts';
import { createSymbolSupervisor } from '../../supervisors/symbol.supervisor.ts';
import { createSystemSupervisor } from '../../supervisors/system.supervisor.ts';
import { elkLayout, type Layout } from './layout.ts';
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

let data: ReadonlyMap<MachineName, MachineGraphData> | undefined;
const laidOut = new Map<MachineName, Promise<MachineGraph>>();

function graphData(name: MachineName): MachineGraphData {
  if (!data) {
    const machines = createMachines();
    data = new Map(MACHINE_NAMES.map((n) => [n, machineGraph(machines[n])]));
  }
  return data.get(name)!;
}

export function isMachineName(name: string): name is MachineName {
  return (MACHINE_NAMES as readonly string[]).includes(name);
}

/** Graphs and their layouts are computed once: machine definitions do not change while the process runs. */
export function machineGraphOf(name: MachineName): Promise<MachineGraph> {
  let graph = laidOut.get(name);
  if (!graph) {
    const d = graphData(name);
    graph = elkLayout(d.root, d.nodes, d.edges).then((layout) => ({ name, description: DESCRIPTIONS[name], ...d, layout }));
    laidOut.set(name, graph);
  }
  return graph;
}

export function machineList(): Array<{ name: MachineName; machineId: string; description: string; states: number; transitions: number; graph: string }> {
  return MACHINE_NAMES.map((name) => {
    const g = graphData(name);
    return { name, machineId: g.machineId, description: DESCRIPTIONS[name], states: g.nodes.length - 1, transitions: g.edges.length, graph: `/machines/${name}/graph` };
  });
}
