import { pino, type Logger } from 'pino';
import { ManualClock } from '../../../src/clock/manualClock.ts';
import { ChannelAlerts } from '../../../src/exchange/bybit/channelAlerts.ts';

export interface LogLine {
  readonly level: number;
  readonly event?: string;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

/** A pino logger that records parsed lines. */
export function memoryLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

export interface CountedLabels {
  readonly labels: Record<string, string>;
}

export function memoryCounter(): { inc(labels: Record<string, string>): void; calls: Record<string, string>[]; count(match: Record<string, string>): number } {
  const calls: Record<string, string>[] = [];
  return {
    inc: (labels) => calls.push(labels),
    calls,
    count: (match) => calls.filter((c) => Object.entries(match).every(([k, v]) => c[k] === v)).length,
  };
}

export function testAlerts(clock = new ManualClock(0)) {
  const { logger, lines } = memoryLogger();
  const counter = memoryCounter();
  return { alerts: new ChannelAlerts(logger, counter, clock), lines, counter, logger };
}
