import type { ELK as ElkInstance, ELKConstructorArguments, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { GraphEdge, GraphNode } from './machineGraph.ts';

/**
 * The statechart layout, computed on the server with ELK's layered algorithm (elkjs, the
 * engine Stately's own tools use) so the page needs no layout code: states are boxes,
 * parallel transitions between two states share one route with one label line each, and
 * ELK places every label in space it reserved for it, so no label overlaps another label
 * or a state (test/viz/layout.test.ts checks it for all three machines). Edges are routed
 * orthogonally; each route is a polyline the page draws as it is.
 */

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Layer of the state, top to bottom (0 = the initial state's). */
  readonly layer: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LabelBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly lines: readonly string[];
}

export interface EdgeRoute {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** The graph edges (transitions) this route stands for. */
  readonly edges: readonly string[];
  readonly kind: 'eventless' | 'delayed' | 'event';
  readonly points: readonly Point[];
  readonly label: LabelBox;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly boxes: Readonly<Record<string, Box>>;
  readonly routes: readonly EdgeRoute[];
  /** Transitions of the machine's root (handled in every state), shown as a note under the chart. */
  readonly note: LabelBox | null;
}

/** Text metrics the page's stylesheet uses (src/viz/public/viz.css): generous, so drawn text fits its box. */
export const LAYOUT = {
  nodeHeight: 52,
  minNodeWidth: 110,
  nodeCharWidth: 9,
  labelCharWidth: 7.2,
  labelLineHeight: 14,
  labelPadding: 6,
  margin: 40,
} as const;

export function edgeText(edge: GraphEdge): string {
  return edge.guard ? `${edge.label} [${edge.guard}]` : edge.label;
}

function kindOf(edges: readonly GraphEdge[]): EdgeRoute['kind'] {
  if (edges.every((e) => e.eventless)) return 'eventless';
  if (edges.every((e) => e.delayed)) return 'delayed';
  return 'event';
}

function labelSize(lines: readonly string[]): { width: number; height: number } {
  return {
    width: Math.ceil(Math.max(...lines.map((l) => l.length)) * LAYOUT.labelCharWidth + 2 * LAYOUT.labelPadding),
    height: lines.length * LAYOUT.labelLineHeight + LAYOUT.labelPadding,
  };
}

type ElkClass = new (args?: ELKConstructorArguments) => ElkInstance;
let engine: Promise<ElkInstance> | undefined;

/** ELK is loaded on the first layout, not at start-up: the bundle alone takes a second to load. */
function elkEngine(): Promise<ElkInstance> {
  engine ??= import('elkjs/lib/elk.bundled.js').then((m) => {
    // elkjs is CommonJS: depending on the loader the default export is the class or holds it.
    const loaded = m.default as unknown as { default?: ElkClass } & ElkClass;
    const ELK = loaded.default ?? loaded;
    return new ELK();
  });
  return engine;
}

export async function elkLayout(root: string, nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Promise<Layout> {
  const states = nodes.filter((n) => n.id !== root);
  const groups = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    if (e.source === root) continue;
    const key = `${e.source}|${e.target}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const routes = [...groups.entries()].map(([key, list], i) => ({ id: `route${i}`, key, list, lines: list.map(edgeText) }));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      // Top to bottom: the strategy cycle drawn left to right is six times wider than high.
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      // Room on the left for the initial-state marker.
      'elk.padding': `[top=${LAYOUT.margin},left=${LAYOUT.margin + 30},bottom=${LAYOUT.margin},right=${LAYOUT.margin}]`,
      'elk.spacing.nodeNode': '50',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeEdge': '14',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.layered.spacing.edgeNodeBetweenLayers': '20',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: states.map((n) => ({
      id: n.id,
      width: Math.max(LAYOUT.minNodeWidth, Math.ceil(n.key.length * LAYOUT.nodeCharWidth + 32)),
      height: LAYOUT.nodeHeight,
      ...(n.initial && n.parent === root ? { layoutOptions: { 'elk.layered.layering.layerConstraint': 'FIRST' } } : {}),
    })),
    edges: routes.map((r): ElkExtendedEdge => {
      const [source, target] = r.key.split('|') as [string, string];
      return { id: r.id, sources: [source], targets: [target], labels: [{ id: `${r.id}:label`, text: r.lines.join('\n'), ...labelSize(r.lines) }] };
    }),
  };
  const out = await (await elkEngine()).layout(graph);

  const ys = [...new Set((out.children ?? []).map((c) => Math.round(c.y ?? 0)))].sort((a, b) => a - b);
  const boxes: Record<string, Box> = {};
  for (const c of out.children ?? []) {
    boxes[c.id] = { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0, layer: ys.indexOf(Math.round(c.y ?? 0)) };
  }
  const laidOut: EdgeRoute[] = (out.edges ?? []).map((e) => {
    const r = routes.find((x) => x.id === e.id)!;
    const [source, target] = r.key.split('|') as [string, string];
    const points: Point[] = [];
    for (const s of e.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
    const l = e.labels?.[0];
    return {
      id: e.id,
      source,
      target,
      edges: r.list.map((x) => x.id),
      kind: kindOf(r.list),
      points: points.map((p) => ({ x: p.x, y: p.y })),
      label: { x: l?.x ?? 0, y: l?.y ?? 0, width: l?.width ?? 0, height: l?.height ?? 0, lines: r.lines },
    };
  });

  let height = out.height ?? 0;
  const rootEdges = edges.filter((e) => e.source === root);
  let note: LabelBox | null = null;
  if (rootEdges.length > 0) {
    const lines = [`in every state: ${rootEdges.map(edgeText).join(', ')}`];
    note = { x: LAYOUT.margin, y: height, ...labelSize(lines), lines };
    height += note.height + LAYOUT.margin / 2;
  }
  const width = Math.max(out.width ?? 0, note ? note.x + note.width + LAYOUT.margin : 0);
  return { width, height, boxes, routes: laidOut, note };
}
