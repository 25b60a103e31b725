import { BybotError, ResearchInputError } from '../domain/errors.ts';

/**
 * How an offline research tool (npm run optimize, montecarlo, ml) ends on an error: bad
 * input (ResearchInputError, one line per problem) exits 2; anything else is
 * "<tool> failed (CODE): message" and exits 1. Writes to stderr, returns the exit code.
 */
export function toolFailure(tool: string, error: unknown): number {
  if (error instanceof ResearchInputError) {
    for (const p of error.problems) process.stderr.write(`${p}\n`);
    return 2;
  }
  process.stderr.write(`${tool} failed${error instanceof BybotError ? ` (${error.code})` : ''}: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
