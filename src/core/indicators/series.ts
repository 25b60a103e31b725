/**
 * Generic folds for tests and tools: drive any `next(state, input) -> state` step over an
 * array. With the in-place streaming states the step may return the same (mutated) state,
 * so `read` must return a value or a copy, never a view into the state.
 */

export type Next<S, I> = (state: S, input: I) => S;
export type Read<S, O> = (state: S) => O | null;

/** The final state after feeding every input in order. */
export function foldState<S, I>(initial: S, next: Next<S, I>, inputs: readonly I[]): S {
  let state = initial;
  for (const input of inputs) state = next(state, input);
  return state;
}

/** The reading after each input, aligned with `inputs` (null while warming up). */
export function foldSeries<S, I, O>(initial: S, next: Next<S, I>, read: Read<S, O>, inputs: readonly I[]): (O | null)[] {
  const out: (O | null)[] = [];
  let state = initial;
  for (const input of inputs) {
    state = next(state, input);
    out.push(read(state));
  }
  return out;
}
