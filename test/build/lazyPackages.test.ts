import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStartBundle, startCommand } from '../support/startCommand.ts';

/**
 * `npm start` runs one bundle, and esbuild hoists every npm import of every module to its
 * top: a package imported statically is loaded by every run. These are loaded on first use
 * (src/lazyPackage.ts); a static import of one of them coming back costs its RSS again
 * (the Bybit SDK alone is about 18 MB in a dry run that never talks to Bybit).
 */
const LAZY = ['bybit-api', 'grammy', 'apache-arrow', 'zstd-napi', '@xstate/graph', 'pino-pretty', 'yaml'];

afterAll(() => removeStartBundle());

describe('the start bundle', () => {
  it('imports the optional packages only when they are used', () => {
    const text = readFileSync(startCommand().at(-1)!, 'utf8');
    const imported = new Set([...text.matchAll(/^import\s[^;]*?from\s+"([^"]+)";/gm)].map((m) => m[1]!));
    // The packages every run needs are still there (the pattern reads this bundle's imports).
    expect([...imported]).toEqual(expect.arrayContaining(['xstate', 'zod', 'fastify', 'pino', 'better-sqlite3']));
    for (const name of LAZY) expect(imported.has(name), name).toBe(false);
    for (const name of LAZY) expect(text, name).toContain(`"${name}"`);
  });
});
