import { parseArgs, simulatorOverrides, USAGE } from './cli/args.ts';
import { loadConfig } from '../config/load.ts';
import { createLogger } from './observability/logger.ts';
import type { App } from './app.ts';
import { toBybotError } from './domain/errors.ts';

/**
 * `npm start`: load and validate the configuration (exit 2 on any problem, one line per
 * problem, credentials never echoed), start the runtime and the HTTP server, and stop
 * gracefully on SIGINT/SIGTERM or after --duration (exit 0).
 */
async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (!parsed.ok) {
    for (const problem of parsed.problems) process.stderr.write(`${problem}\n`);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (parsed.args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const overrides = {
    ...(parsed.args.port === undefined ? {} : { http: { port: parsed.args.port } }),
    ...(parsed.args.exchange === undefined ? {} : { exchange: { transport: parsed.args.exchange } }),
    ...simulatorOverrides(parsed.args),
  };
  const loaded = loadConfig({ env: process.env, configPath: parsed.args.configPath, overrides });
  if (!loaded.ok) {
    process.stderr.write(`configuration invalid (${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}):\n`);
    for (const problem of loaded.problems) process.stderr.write(`  ${problem}\n`);
    return 2;
  }
  const { config } = loaded;
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });

  let app: App | undefined;
  process.on('uncaughtException', (error) => {
    logger.fatal({ event: 'uncaught_exception', err: error.message, stack: error.stack }, 'uncaught exception');
    app?.runtime.onUncaught(error);
  });
  process.on('unhandledRejection', (reason) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    logger.fatal({ event: 'unhandled_rejection', err: error.message, stack: error.stack }, 'unhandled promise rejection');
    app?.runtime.onUncaught(error);
  });

  try {
    // Loaded only after the configuration is valid: a config error exits 2 at once,
    // without starting to load the runtime, the simulator or the HTTP server.
    const { startApp } = await import('./app.ts');
    app = await startApp({ config, logger, sources: loaded.sources });
  } catch (error) {
    const typed = toBybotError(error);
    logger.fatal({ event: 'startup_failed', code: typed.code, err: typed.message }, `start-up failed (${typed.code}): ${typed.message}; not trading`);
    return 1;
  }

  const running = app;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (why: string): void => {
      if (stopping) {
        logger.warn({ event: 'shutdown_forced', why }, 'second stop request: exiting now');
        resolve(1);
        return;
      }
      stopping = true;
      logger.info({ event: 'shutdown', why }, `stopping (${why})`);
      running.stop().then(
        () => {
          logger.info({ event: 'stopped' }, 'stopped cleanly');
          resolve(0);
        },
        (error: unknown) => {
          logger.error({ event: 'shutdown_failed', err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    // First signal: graceful stop. A second one while stopping: exit at once.
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    if (parsed.args.durationMs !== undefined) {
      setTimeout(() => stop(`--duration ${parsed.args.durationMs} ms elapsed`), parsed.args.durationMs);
    }
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fatal: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
