import fc from 'fast-check';

/**
 * Property tests are deterministic: one fixed seed for every fast-check run, so CI and a
 * developer's machine explore the same cases. Override with FC_SEED=<n> to explore others;
 * a failure prints the seed and path that reproduce it.
 */
const seed = Number(process.env.FC_SEED ?? 20261130);
fc.configureGlobal({ seed: Number.isFinite(seed) ? seed : 20261130 });
