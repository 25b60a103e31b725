import { pino, type Logger, type DestinationStream } from 'pino';
import { lazyPackage } from '../lazyPackage.ts';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object: credentials in config
 * dumps, request headers and SDK options. The secret value must never reach a log line.
 */
export const REDACT_PATHS = [
  'apiKey',
  'apiSecret',
  'secret',
  'key',
  'token',
  'controlToken',
  'readToken',
  'adminToken',
  '*.apiKey',
  '*.apiSecret',
  '*.secret',
  '*.token',
  '*.controlToken',
  '*.readToken',
  '*.adminToken',
  // The configuration logged whole ({ config }) or by section ({ exchange }, { http }).
  '*.*.apiKey',
  '*.*.apiSecret',
  '*.*.controlToken',
  '*.*.readToken',
  'config.exchange.apiKey',
  'config.exchange.apiSecret',
  'config.http.controlToken',
  'config.http.readToken',
  'botToken',
  '*.botToken',
  'config.telegram.botToken',
  'webhookSecret',
  '*.webhookSecret',
  'config.alerts.webhook.secret',
  'controlToken',
  '*.controlToken',
  'headers["x-bapi-api-key"]',
  'headers["x-bapi-sign"]',
  '*.headers["x-bapi-api-key"]',
  '*.headers["x-bapi-sign"]',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
];

export interface LoggerOptions {
  readonly level: string;
  readonly pretty: 'auto' | 'always' | 'never';
  /** Defaults to stdout; tests pass a stream to capture lines. */
  readonly destination?: DestinationStream;
  readonly isTty?: boolean;
  /** The `service` field of every line (default "bybot"; the simulator server says "exchange-sim"). */
  readonly service?: string;
}

/** Loaded only for a terminal (or pretty: 'always'); services write JSON lines. */
const pinoPretty = lazyPackage<typeof import('pino-pretty')>('pino-pretty');

/**
 * JSON lines (pino), ISO-8601 UTC timestamps, level names instead of numbers, secrets
 * redacted. On a terminal (or pretty: 'always') the same records are rendered readably.
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty === 'always' || (options.pretty === 'auto' && (options.isTty ?? process.stdout.isTTY === true));
  const destination =
    options.destination ??
    (pretty
      ? pinoPretty()({ colorize: true, translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'", ignore: 'pid,hostname,service', singleLine: false })
      : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level,
      base: { service: options.service ?? 'bybot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
