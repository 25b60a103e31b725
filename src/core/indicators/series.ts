/**
 * Batch helpers: a batch result is the streaming reducer folded over an array, so batch
 * and streaming agree by construction (there is no second implementation to drift).
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
