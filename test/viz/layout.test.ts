import { describe, expect, it } from 'vitest';
import { MACHINE_NAMES, machineGraphOf } from '../../src/viz/machineCatalog.ts';

/**
 * GitHub issue 11: the statecharts are laid out by ELK so that no label overprints another.
 * The label boxes come from the layout the page draws (each sized for its text in the
 * page's font), for all three machines: no two labels overlap, no label covers a state.
 */
interface Rect {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const overlap = (a: Rect, b: Rect): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('statechart layout (elkjs)', () => {
  it.each(MACHINE_NAMES)('%s: no label overlaps another label or a state, every route starts and ends on its states', async (name) => {
    const g = await machineGraphOf(name);
    const { layout } = g;
    const states: Rect[] = Object.entries(layout.boxes).map(([id, b]) => ({ name: `state ${id}`, ...b }));
    const labels: Rect[] = layout.routes.map((r) => ({ name: `label of ${r.source} -> ${r.target}`, ...r.label }));
    if (layout.note) labels.push({ name: 'note', ...layout.note });
    expect(labels.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const [i, a] of labels.entries()) {
      expect(a.width).toBeGreaterThan(0);
      for (const b of labels.slice(i + 1)) if (overlap(a, b)) problems.push(`${a.name} / ${b.name}`);
      for (const s of states) if (overlap(a, s)) problems.push(`${a.name} / ${s.name}`);
      expect(a.x + a.width).toBeLessThanOrEqual(layout.width);
      expect(a.y + a.height).toBeLessThanOrEqual(layout.height);
    }
    expect(problems).toEqual([]);
    // Every transition of the machine (but the root's) is drawn by exactly one route.
    const routed = layout.routes.flatMap((r) => r.edges).sort();
    expect(routed).toEqual(g.edges.filter((e) => e.source !== g.root).map((e) => e.id).sort());
    for (const r of layout.routes) {
      expect(r.points.length).toBeGreaterThanOrEqual(2);
      const near = (p: { x: number; y: number }, id: string) => {
        const b = layout.boxes[id]!;
        return p.x >= b.x - 1 && p.x <= b.x + b.width + 1 && p.y >= b.y - 1 && p.y <= b.y + b.height + 1;
      };
      expect(near(r.points[0]!, r.source)).toBe(true);
      expect(near(r.points[r.points.length - 1]!, r.target)).toBe(true);
    }
  });

  it('places the strategy machine around the cycle with the busy states apart', async () => {
    const { layout } = await machineGraphOf('strategy');
    const cooldown = layout.boxes['strategy.cooldown']!;
    const broken = layout.boxes['strategy.broken']!;
    expect(overlap({ name: 'c', ...cooldown }, { name: 'b', ...broken })).toBe(false);
    expect(layout.boxes['strategy.idle']!.layer).toBe(0);
  });
});
