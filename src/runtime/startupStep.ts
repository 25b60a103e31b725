import { BybotError, StartupTimeoutError, toBybotError } from '../domain/errors.ts';

/**
 * One start-up step under a deadline: it either finishes within `deadlineMs`, or the
 * start-up fails with STARTUP_TIMEOUT naming the step. A step that fails keeps its own
 * error code, with `details.step` added, so the operator reads which step and why.
 */
export async function startupStep<T>(step: string, deadlineMs: number, run: () => Promise<T> | T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StartupTimeoutError(step, deadlineMs)), deadlineMs);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } catch (error) {
    throw withStep(error, step);
  } finally {
    clearTimeout(timer);
  }
}

function withStep(error: unknown, step: string): BybotError {
  const typed = toBybotError(error);
  if (typeof typed.details.step === 'string') return typed;
  return new BybotError(typed.code, typed.message, typed.level, typed.retryable, { cause: typed, details: { ...typed.details, step } });
}
