import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { testAlerts } from './support/fakes.ts';

describe('channel alerts', () => {
  it('logs {event:channel_alert, priority, channel, reason} and counts every occurrence', async () => {
    const clock = new ManualClock(0);
    const { alerts, lines, counter } = testAlerts(clock);
    alerts.raise('rest', 'dns', 'DNS lookup failed for api.bybit.com', { endpoint: 'https://api.bybit.com' });
    alerts.raise('rest', 'rate_limit', '10006');
    alerts.raise('account', 'balance_zero', 'USDT equity is 0');
    alerts.raise('ws-public', 'ws_reconnected', 'back');
    const events = lines.filter((l) => l.event === 'channel_alert');
    expect(events.map((e) => [e.priority, e.channel, e.reason])).toEqual([
      ['critical', 'rest', 'dns'],
      ['high', 'rest', 'rate_limit'],
      ['critical', 'account', 'balance_zero'],
      ['info', 'ws-public', 'ws_reconnected'],
    ]);
    expect(events[0]).toMatchObject({ endpoint: 'https://api.bybit.com', level: 50 });
    expect(counter.count({ channel: 'rest', reason: 'dns', priority: 'critical' })).toBe(1);
  });

  it('logs a repeating alert once per quiet period but still counts it', async () => {
    const clock = new ManualClock(0);
    const { alerts, lines, counter } = testAlerts(clock);
    for (let i = 0; i < 5; i++) alerts.raise('rest', 'timeout', 'slow');
    expect(lines.filter((l) => l.event === 'channel_alert')).toHaveLength(1);
    expect(counter.count({ reason: 'timeout' })).toBe(5);
    await clock.advanceBy(60_000);
    alerts.raise('rest', 'timeout', 'slow');
    expect(lines.filter((l) => l.event === 'channel_alert')).toHaveLength(2);
  });
});
