import type { GraphEdge, GraphNode } from './machineGraph.ts';

/**
 * A simple layered layout, computed on the server so the page needs no layout library:
 * columns are the breadth-first distance from the initial state, following every
 * transition (eventless ones included), and states keep the order they were found in.
 * States that cannot be reached from the initial state go in a last column. Good enough
 * for statecharts of a dozen states; nested states are laid out like top-level ones.
 */

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly column: number;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly boxes: Readonly<Record<string, Box>>;
}

export const LAYOUT = {
  nodeHeight: 40,
  minNodeWidth: 96,
  charWidth: 8.5,
  columnGap: 170,
  rowGap: 110,
  margin: 80,
} as const;

function boxWidth(label: string): number {
  return Math.max(LAYOUT.minNodeWidth, Math.ceil(label.length * LAYOUT.charWidth + 32));
}

export function layeredLayout(root: string, nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Layout {
  const states = nodes.filter((n) => n.id !== root);
  const byId = new Map(states.map((n) => [n.id, n]));
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.source === e.target || !byId.has(e.source) || !byId.has(e.target)) continue;
    next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  }

  const column = new Map<string, number>();
  const start = states.find((n) => n.initial && n.parent === root) ?? states[0];
  const queue: string[] = start ? [start.id] : [];
  if (start) column.set(start.id, 0);
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const target of next.get(id) ?? []) {
      if (column.has(target)) continue;
      column.set(target, column.get(id)! + 1);
      queue.push(target);
    }
  }
  const reached = column.size === 0 ? 0 : Math.max(...column.values()) + 1;
  for (const n of states) if (!column.has(n.id)) column.set(n.id, reached);

  const columns: GraphNode[][] = [];
  for (const n of states) (columns[column.get(n.id)!] ??= []).push(n);

  const boxes: Record<string, Box> = {};
  let x = LAYOUT.margin;
  let height = 0;
  columns.forEach((members, c) => {
    const width = Math.max(...members.map((n) => boxWidth(n.key)));
    members.forEach((n, row) => {
      const y = LAYOUT.margin + row * (LAYOUT.nodeHeight + LAYOUT.rowGap);
      boxes[n.id] = { x: x + (width - boxWidth(n.key)) / 2, y, width: boxWidth(n.key), height: LAYOUT.nodeHeight, column: c };
      height = Math.max(height, y + LAYOUT.nodeHeight);
    });
    x += width + LAYOUT.columnGap;
  });
  return { width: Math.max(x - LAYOUT.columnGap + LAYOUT.margin, 2 * LAYOUT.margin), height: height + LAYOUT.margin, boxes };
}
