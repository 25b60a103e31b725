// First import on purpose: SIGINT / SIGTERM / SIGHUP handlers exist before anything else loads.
import { processSignals, type StopSignal } from './cli/signals.ts';
import { parseArgs, simulatorOverrides, USAGE } from './cli/args.ts';
import { loadConfig } from '../config/load.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import type { App, ShutdownReport } from './app.ts';
import { toBybotError } from './domain/errors.ts';
import { describeRunSummary } from './journal/runSummary.ts';

/**
 * `npm start`: load and validate the configuration (exit 2 on any problem, one line per
 * problem, credentials never echoed), start the runtime and the HTTP server (every start-up
 * step under `startup.deadlineMs`), and stop on SIGINT/SIGTERM or after --duration within
 * `shutdown.deadlineMs`: exit 0 when everything finished, 1 (with a line that says what was
 * cut short) when something had to be aborted.
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
  const load = () => loadConfig({ env: process.env, configPath: parsed.args.configPath, overrides });
  const loaded = load();
  if (!loaded.ok) {
    process.stderr.write(`configuration invalid (${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}):\n`);
    for (const problem of loaded.problems) process.stderr.write(`  ${problem}\n`);
    return 2;
  }
  const { config } = loaded;
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });

  let app: App | undefined;
  let stopping = false;
  // SIGHUP: re-read the configuration file and environment, apply what can change live
  // (the cockpit's reloader journals and alerts every attempt). Before the start-up
  // finished, or while stopping, there is nothing to reload into: say so and keep running.
  processSignals.onHangup(() => {
    if (!app) logger.warn({ event: 'sighup' }, 'SIGHUP before the start-up finished: ignored');
    else if (stopping) logger.warn({ event: 'sighup' }, 'SIGHUP while stopping: ignored');
    else {
      try {
        app.cockpit.reloader.reload('SIGHUP');
      } catch (error) {
        logger.error({ event: 'reload_failed', err: toBybotError(error).message }, 'SIGHUP reload failed; the configuration in force is unchanged');
      }
    }
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ event: 'uncaught_exception', err: error.message, stack: error.stack }, 'uncaught exception');
    app?.runtime.onUncaught(error);
  });
  process.on('unhandledRejection', (reason) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    logger.fatal({ event: 'unhandled_rejection', err: error.message, stack: error.stack }, 'unhandled promise rejection');
    app?.runtime.onUncaught(error);
  });

  return new Promise<number>((resolve) => {
    let finished = false;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      resolve(code);
    };
    const deadlineMs = config.shutdown.deadlineMs;
    let stopStartedAt: number | null = null;

    // The hard deadline: whatever still runs is aborted, what is known is journaled, exit 1.
    const abortNow = (why: string): void => {
      const report = app?.abort(why) ?? { abortedRequests: 0, notSent: 0, pendingOrders: 0 };
      const elapsedMs = stopStartedAt === null ? 0 : Date.now() - stopStartedAt;
      logger.error(
        { event: 'shutdown_aborted', why, deadlineMs, elapsedMs, ...report },
        `shutdown aborted after ${elapsedMs} ms (${why}): ${report.abortedRequests} exchange request(s) in flight aborted, ${report.pendingOrders} order job(s) unfinished, ${report.notSent} unsent order intent(s) marked NotSent; exit code 1`,
      );
      finish(1);
    };

    const stop = (why: string): void => {
      if (stopStartedAt !== null) return;
      stopStartedAt = Date.now();
      stopping = true;
      logger.info({ event: 'shutdown', why, deadlineMs }, `stopping (${why}); deadline ${deadlineMs} ms`);
      setTimeout(() => abortNow(`shutdown deadline of ${deadlineMs} ms passed`), deadlineMs).unref();
      if (!app) return; // start-up still running: it stops the app as soon as it is up
      void stopApp(app, logger, stopStartedAt).then(finish);
    };

    processSignals.onStop((signal: StopSignal, count: number) => {
      if (count > 1) {
        logger.warn({ event: 'shutdown_forced', why: signal }, `second stop request (${signal}): aborting now`);
        abortNow(`second ${signal}`);
        return;
      }
      stop(signal);
    });

    // Loaded only after the configuration is valid: a config error exits 2 at once,
    // without starting to load the runtime, the simulator or the HTTP server.
    import('./app.ts')
      .then(({ startApp }) => startApp({ config, logger, sources: loaded.sources, reloadConfig: load }))
      .then(
        (started) => {
          app = started;
          if (finished) {
            void started.stop();
            return;
          }
          if (stopStartedAt !== null) {
            void stopApp(started, logger, stopStartedAt).then(finish);
            return;
          }
          if (parsed.args.durationMs !== undefined) {
            setTimeout(() => stop(`--duration ${parsed.args.durationMs} ms elapsed`), parsed.args.durationMs).unref();
          }
        },
        (error: unknown) => {
          const typed = toBybotError(error);
          const step = typeof typed.details.step === 'string' ? typed.details.step : null;
          logger.fatal(
            { event: 'startup_failed', code: typed.code, ...(step ? { step } : {}), err: typed.message },
            `start-up failed${step ? ` at step ${step}` : ''} (${typed.code}): ${typed.message}; not trading`,
          );
          finish(1);
        },
      );
  });
}

/** Graceful stop: 0 when every step finished, 1 when one was cut short (the line says which). */
async function stopApp(app: App, logger: Logger, startedAt: number): Promise<number> {
  let report: ShutdownReport;
  try {
    report = await app.stop();
  } catch (error) {
    logger.error({ event: 'shutdown_failed', err: toBybotError(error).message }, 'shutdown failed');
    return 1;
  }
  if (report.summary) logger.info({ event: 'run_summary', ...report.summary }, describeRunSummary(report.summary));
  const elapsedMs = Date.now() - startedAt;
  if (report.problems.length === 0) {
    logger.info({ event: 'stopped', elapsedMs, notSent: report.notSent }, `stopped cleanly in ${elapsedMs} ms`);
    return 0;
  }
  logger.error(
    { event: 'shutdown_incomplete', elapsedMs, problems: report.problems, notSent: report.notSent },
    `stopped in ${elapsedMs} ms with ${report.problems.length} step(s) cut short: ${report.problems.join('; ')}; exit code 1`,
  );
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fatal: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
