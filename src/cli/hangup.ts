import { toBybotError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';

/**
 * What SIGHUP (`systemctl reload`) does, as named steps run one after the other: each part
 * of the bot that reloads something registers a step (key rotation registers "secrets"; the
 * configuration reload registers "config"). A failing step is logged and the next one still
 * runs; a SIGHUP that arrives while a run is in progress queues one more run, never more.
 * Every run ends with one `"event":"sighup"` line listing each step's outcome.
 */
export type HangupStep = () => Promise<string>;

export class HangupSteps {
  private readonly steps = new Map<string, HangupStep>();
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly logger: Logger) {}

  /** Adds (or replaces) a named step; returns its removal. */
  register(name: string, step: HangupStep): () => void {
    this.steps.set(name, step);
    return () => this.steps.delete(name);
  }

  names(): string[] {
    return [...this.steps.keys()];
  }

  /** Runs every step once (a second call during a run schedules one more run). */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.runOnce();
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runOnce(): Promise<void> {
    if (this.steps.size === 0) {
      this.logger.warn({ event: 'sighup', steps: {} }, 'SIGHUP received: nothing to reload yet (start-up not finished); the bot keeps running');
      return;
    }
    const outcome: Record<string, string> = {};
    for (const [name, step] of this.steps) {
      try {
        outcome[name] = await step();
      } catch (error) {
        outcome[name] = `failed: ${toBybotError(error).message}`;
      }
    }
    this.logger.info({ event: 'sighup', steps: outcome }, `SIGHUP: ${Object.entries(outcome).map(([name, result]) => `${name}: ${result}`).join('; ')}`);
  }
}
