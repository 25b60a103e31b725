import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/** The visualiser's HTTP surface on the real app: page, assets, machine graphs, live feed. */
let h: AppHarness;
beforeAll(async () => {
  h = await startTestApp({ log: { level: 'silent' } });
});
afterAll(async () => {
  await h.app.stop();
});

interface Message {
  type: string;
  seq?: number;
  actors: Array<{ id: string; state: string; breaker: { status: string } }>;
  tree?: { system: { state: string }; symbols: Array<{ symbol: string; state: string }> };
}

function openFeed(url: string): Promise<{ ws: WebSocket; messages: Message[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + '/viz/ws');
    const messages: Message[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
    ws.on('open', () => resolve({ ws, messages }));
    ws.on('error', reject);
  });
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('visualiser routes', () => {
  it('GET /machines lists the three machines with links to their graphs', async () => {
    const res = await h.get('/machines');
    expect(res.status).toBe(200);
    const body = res.body as { machines: Array<{ name: string; graph: string; states: number }> };
    expect(body.machines.map((m) => m.name)).toEqual(['strategy', 'symbolSupervisor', 'systemSupervisor']);
    expect(body.machines[0]).toMatchObject({ graph: '/machines/strategy/graph', states: 7 });
  });

  it('GET /machines/:name/graph returns nodes, edges and a layout; 404 with a JSON error for unknown names', async () => {
    const ok = await h.get('/machines/systemSupervisor/graph');
    expect(ok.status).toBe(200);
    const graph = ok.body as { nodes: Array<{ id: string; key: string; parent: string | null; type: string }>; edges: unknown[]; layout: { boxes: object } };
    expect(graph.nodes[0]).toMatchObject({ id: 'system', parent: null });
    expect(graph.edges.length).toBeGreaterThan(10);
    expect(Object.keys(graph.layout.boxes)).toHaveLength(graph.nodes.length - 1);

    const missing = await h.get('/machines/orderBook/graph');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'UNKNOWN_MACHINE', message: 'no machine "orderBook"; known machines: strategy, symbolSupervisor, systemSupervisor' } });
  });

  it('serves the page and its assets from the repository, and nothing else', async () => {
    const page = await h.get('/viz');
    expect(page.status).toBe(200);
    expect(page.contentType).toContain('text/html');
    expect(page.text).toContain('/viz/assets/main.js');
    expect(page.text).not.toMatch(/https?:\/\//);
    const js = await h.get('/viz/assets/main.js');
    expect(js.status).toBe(200);
    expect(js.contentType).toContain('javascript');
    expect((await h.get('/viz/assets/nope.js')).status).toBe(404);
    expect((await h.get('/viz/assets/..%2Fmachines.ts')).status).toBe(404);
  });

  it('pushes a snapshot of every actor, then batches of changed rows as the actors run', async () => {
    const { ws, messages } = await openFeed(h.app.url);
    try {
      await until(() => messages.length >= 1);
      const snapshot = messages[0]!;
      expect(snapshot.type).toBe('snapshot');
      expect(snapshot.actors).toHaveLength(9);
      expect(snapshot.tree?.system.state).toBe('running');
      expect(snapshot.tree?.symbols.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);

      await h.run(2 * 60_000, 1_000);
      await until(() => messages.some((m) => m.type === 'batch'));
      const batches = messages.filter((m) => m.type === 'batch');
      // Minutes of simulated transitions in a few real milliseconds: coalesced into few batches.
      expect(batches.length).toBeLessThanOrEqual(3);
      for (const b of batches) expect(new Set(b.actors.map((a) => a.id)).size).toBe(b.actors.length);
      expect(batches.map((b) => b.seq)).toEqual([...batches.keys()].map((i) => (batches[0]!.seq ?? 0) + i));
    } finally {
      ws.close();
    }
  });

  it('refuses WebSocket upgrades on other paths', async () => {
    const ws = new WebSocket(h.app.url.replace(/^http/, 'ws') + '/actors');
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('error'));
      ws.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
    });
    expect(outcome).not.toBe('open');
    ws.terminate();
  });
});
