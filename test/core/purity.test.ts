import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Architecture rules for the pure core (STYLE.md §6): no I/O frameworks, no clock, no
 * randomness, and small files. Scans the source text, so a violation fails CI before review.
 */
const ROOT = join(import.meta.dirname, '../../src/core');
const FOLDERS = ['indicators', 'data', 'strategy', 'risk', 'orders', 'kernel', 'fills', 'account', 'alerts', 'paper', 'ml'];
const FORBIDDEN_IMPORTS = ['xstate', 'bybit-api', 'ws', 'fastify', 'pino', 'prom-client', 'node:fs', 'node:net', 'node:http'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const sources = FOLDERS.flatMap((f) => files(join(ROOT, f))).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

describe('src/core purity', () => {
  it('has the modules to check', () => {
    expect(sources.length).toBeGreaterThan(30);
  });

  it.each(sources.map((s) => [s.path, s] as const))('%s imports no I/O framework and reads no clock or randomness', (_path, { text }) => {
    const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    for (const name of FORBIDDEN_IMPORTS) expect(imports).not.toContain(name);
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/Date\.now\(|new Date\(|Math\.random\(|performance\.now\(|process\./);
  });

  it.each(sources.map((s) => [s.path, s.text.split('\n').length] as const))('%s stays small (%i lines)', (_path, lines) => {
    expect(lines).toBeLessThan(300);
  });
});
