import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatNotification } from '../../src/deploy/systemd/sdNotify.ts';
import { statusLine } from '../../src/deploy/systemd/serviceNotifier.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * Type=notify as systemd sees it: a datagram socket stands in for systemd's
 * $NOTIFY_SOCKET; the bot must send READY=1 only once /ready answers 200, STATUS= lines,
 * WATCHDOG=1 at half of WATCHDOG_USEC, and STOPPING=1 when it stops.
 */
interface Receiver {
  readonly messages: string[];
  close(): void;
}
const unixDgram = createRequire(import.meta.url)('unix-dgram') as {
  createSocket(type: 'unix_dgram', listener: (msg: Buffer) => void): { bind(path: string): void; close(): void; on(e: string, l: (...a: unknown[]) => void): void };
};

function receiver(path: string): Receiver {
  const messages: string[] = [];
  const socket = unixDgram.createSocket('unix_dgram', (msg) => messages.push(msg.toString('utf8')));
  socket.on('error', () => undefined);
  socket.bind(path);
  return { messages, close: () => socket.close() };
}

let harness: AppHarness | undefined;
let rx: Receiver | undefined;
afterEach(async () => {
  await harness?.app.stop();
  harness = undefined;
  rx?.close();
  rx = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('systemd notifications (sd_notify over $NOTIFY_SOCKET)', () => {
  it('READY=1 once ready, STATUS=trading, WATCHDOG=1 pings, STOPPING=1 on stop', async () => {
    const socketPath = join(mkdtempSync(join(tmpdir(), 'bybot-notify-')), 'notify.sock');
    rx = receiver(socketPath);
    harness = await startTestApp({}, { env: { NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '400000' } });
    // Not ready before the actors ran their first iteration: no READY=1 yet.
    const early = [...rx.messages];
    expect(early.some((m) => m.split('\n').includes('READY=1') && !m.includes('STATUS=trading'))).toBe(false);
    await harness.run(120_000, 5_000);
    const deadline = Date.now() + 5_000;
    while (!rx.messages.some((m) => m.includes('READY=1')) && Date.now() < deadline) {
      await harness.run(5_000, 5_000);
      await sleep(100);
    }
    const ready = rx.messages.find((m) => m.split('\n').includes('READY=1'));
    expect(ready, JSON.stringify(rx.messages)).toBeDefined();
    expect(ready).toContain('STATUS=trading');
    expect((await harness.get('/ready')).status).toBe(200);
    // WATCHDOG_USEC 400 ms: a ping every 200 ms of real time.
    await sleep(700);
    expect(rx.messages.filter((m) => m === 'WATCHDOG=1').length).toBeGreaterThanOrEqual(2);
    expect(harness.logs.some((l) => l.event === 'systemd_ready')).toBe(true);
    await harness.app.stop();
    await sleep(50);
    expect(rx.messages.at(-1)).toBe('STOPPING=1\nSTATUS=stopping');
    harness = undefined;
  }, 60_000);

  it('formats assignments one per line and keeps a value on one line', () => {
    expect(formatNotification({ READY: '1', STATUS: 'not ready: a\nb' })).toBe('READY=1\nSTATUS=not ready: a b');
  });

  it('a halted bot is READY (systemd must not kill it) and says HALTED; a standby says it waits', () => {
    expect(statusLine({ role: 'active', ready: false, halted: true, reasons: ['trading is HALTED (level 3): daily loss'], healthy: true })).toBe('HALTED: trading is HALTED (level 3): daily loss');
    expect(statusLine({ role: 'standby', ready: false, halted: false, reasons: ['waiting for the journal writer lock held by the active instance (pid 7)'], healthy: true })).toContain('standby: waiting');
    expect(statusLine({ role: 'active', ready: true, halted: false, reasons: [], healthy: true })).toBe('trading');
  });
});
