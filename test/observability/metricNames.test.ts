import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * Finding 8: the metric names promtool would check (`promtool check metrics` is not
 * installed here, so the rules are written out), over the real /metrics output of a bot
 * running over the wire (so the Bybit adapter's metrics are there too).
 */
let h: AppHarness;
beforeAll(async () => {
  h = await startTestApp({ exchange: { transport: 'wire' } });
  await h.run(15 * 60_000, 5_000, 2);
});
afterAll(async () => {
  await h?.app.stop();
});

const NON_BASE_UNITS = ['ms', 'millis', 'milliseconds', 'microseconds', 'us', 'ns', 'nanoseconds', 'minutes', 'hours', 'days', 'kb', 'kib', 'kilobytes', 'mb', 'mib', 'megabytes', 'gb', 'gigabytes', 'percent', 'pct'];

function families(text: string): { name: string; type: string; help: boolean }[] {
  const helps = new Set(text.split('\n').filter((l) => l.startsWith('# HELP ')).map((l) => l.split(' ')[2]!));
  return text
    .split('\n')
    .filter((l) => l.startsWith('# TYPE '))
    .map((l) => {
      const [, , name, type] = l.split(' ');
      return { name: name!, type: type!, help: helps.has(name!) };
    });
}

describe('/metrics naming rules', () => {
  it('counters end in _total and nothing else does; base units; bybot_ prefix once; HELP everywhere', async () => {
    const r = await h.get('/metrics');
    expect(r.status).toBe(200);
    const all = families(r.text);
    expect(all.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const { name, type, help } of all) {
      if (!/^[a-z_:][a-z0-9_:]*$/.test(name)) problems.push(`${name}: not a valid metric name`);
      if (!name.startsWith('bybot_')) problems.push(`${name}: missing the bybot_ prefix`);
      if (/^bybot_(bybot|process_process|nodejs_nodejs)_/.test(name)) problems.push(`${name}: doubled prefix`);
      const tokens = name.split('_');
      if (tokens.some((t, i) => i > 0 && t === tokens[i - 1])) problems.push(`${name}: repeated word`);
      if (type === 'counter' && !name.endsWith('_total')) problems.push(`${name}: counter without _total`);
      if (type !== 'counter' && name.endsWith('_total')) problems.push(`${name}: ${type} ending in _total`);
      if (tokens.some((t) => NON_BASE_UNITS.includes(t))) problems.push(`${name}: not in base units`);
      if (type === 'histogram' && /_(bucket|sum|count)$/.test(name)) problems.push(`${name}: histogram family with a sample suffix`);
      if (!help) problems.push(`${name}: no HELP`);
    }
    expect(problems).toEqual([]);
    const names = all.map((f) => f.name);
    expect(names).toContain('bybot_process_cpu_seconds_total');
    expect(names).toContain('bybot_process_resident_memory_bytes');
    expect(names).toContain('bybot_bybit_http_requests_total');
  });
});
