import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * deploy/: every PromQL expression of the Grafana dashboard and of the Prometheus rules
 * parses (Prometheus' own Lezer grammar), and every metric it names is in the bot's real
 * /metrics output, scraped from an app started in-process. A renamed metric fails here.
 */
const root = resolve(import.meta.dirname, '../..');
/** Series Prometheus makes itself, not the bot. */
const PROMETHEUS_BUILTIN = new Set(['up']);

interface Expr {
  readonly where: string;
  readonly expr: string;
}

/** Grafana's variables replaced by values a query can hold (the test parses what Prometheus would receive). */
function substitute(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__range|\$__interval/g, '5m').replace(/\$\{?(job|strategy)\}?/g, '.+');
}

function grafanaExprs(): Expr[] {
  const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/bybot.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
  return dashboard.panels.flatMap((p) => p.targets.map((t, i) => ({ where: `grafana "${p.title}" target ${i}`, expr: substitute(t.expr) })));
}

function ruleExprs(): Expr[] {
  const rules = parseYaml(readFileSync(join(root, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `rule ${r.alert}`, expr: String(r.expr) })));
}

/** Metric names an expression selects, and whether the grammar found an error. */
function analyse(expr: string): { metrics: string[]; errors: number } {
  const tree = parser.parse(expr);
  const metrics: string[] = [];
  let errors = 0;
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) errors++;
    if (cursor.name === 'VectorSelector' && cursor.firstChild()) {
      if ((cursor.name as string) === 'Identifier') metrics.push(expr.slice(cursor.from, cursor.to));
      cursor.parent();
    }
  } while (cursor.next());
  return { metrics, errors };
}

/** Names /metrics exposes: every sample's name and every declared family with its histogram series. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      names.add(type[1]!);
      if (type[2] === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${type[1]}${suffix}`);
      if (type[2] === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${type[1]}${suffix}`);
    } else if (line && !line.startsWith('#')) names.add(line.split(/[{ ]/)[0]!);
  }
  return names;
}

let h: AppHarness;
let exposed: Set<string>;

beforeAll(async () => {
  h = await startTestApp({ log: { level: 'silent' } });
  await h.run(30 * 60_000, 5_000);
  exposed = exposedNames((await h.get('/metrics')).text);
}, 30_000);

afterAll(async () => {
  await h?.app.stop();
});

describe('Grafana dashboard and Prometheus rules', () => {
  const all = [...grafanaExprs(), ...ruleExprs()];

  it('have expressions to check (dashboard panels and rules)', () => {
    expect(grafanaExprs().length).toBeGreaterThan(15);
    expect(ruleExprs().length).toBeGreaterThan(15);
  });

  it.each(all.map((e) => [e.where, e] as const))('%s parses and names only metrics the bot exports', (_where, { expr }) => {
    const { metrics, errors } = analyse(expr);
    expect(errors, expr).toBe(0);
    expect(metrics.length, expr).toBeGreaterThan(0);
    for (const name of metrics) {
      if (PROMETHEUS_BUILTIN.has(name)) continue;
      expect(exposed.has(name), `${name} is not in /metrics`).toBe(true);
    }
  });

  it('the grammar check is real: a typo is an error, an unknown metric is caught', () => {
    expect(analyse('sum(rate(bybot_orders_total[5m])').errors).toBeGreaterThan(0);
    expect(analyse('bybot_no_such_metric > 0').metrics).toEqual(['bybot_no_such_metric']);
    expect(exposed.has('bybot_no_such_metric')).toBe(false);
  });

  it('the dashboard is importable: a Prometheus datasource variable used by every panel and target', () => {
    const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/bybot.json'), 'utf8')) as {
      uid: string;
      templating: { list: { name: string; type: string; query: unknown }[] };
      panels: { datasource: { uid: string }; targets: { datasource: { uid: string } }[]; gridPos: object }[];
    };
    expect(dashboard.uid).toBe('bybot-cockpit');
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    for (const p of dashboard.panels) {
      expect(p.datasource.uid).toBe('${datasource}');
      expect(p.gridPos).toBeDefined();
      for (const t of p.targets) expect(t.datasource.uid).toBe('${datasource}');
    }
  });

  it('every rule has a priority as the bot uses them and a summary', () => {
    const rules = parseYaml(readFileSync(join(root, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; labels: { priority: string }; annotations: { summary: string } }[] }[] };
    for (const r of rules.groups.flatMap((g) => g.rules)) {
      expect(['P1', 'P2', 'P3']).toContain(r.labels.priority);
      expect(r.annotations.summary.length).toBeGreaterThan(5);
    }
    const scrape = parseYaml(readFileSync(join(root, 'deploy/prometheus/prometheus.yml'), 'utf8')) as { rule_files: string[]; scrape_configs: { job_name: string; metrics_path: string }[] };
    expect(scrape.rule_files).toEqual(['alerts.yml']);
    expect(scrape.scrape_configs[0]).toMatchObject({ job_name: 'bybot', metrics_path: '/metrics' });
  });
});
