import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/load.ts';
import { cleanEnv } from '../support/childEnv.ts';

/** Finding 11: a commented example configuration with every section, valid for config:check. */
const root = resolve(import.meta.dirname, '../..');
const path = join(root, 'config/example.yaml');

describe('config/example.yaml', () => {
  it('passes npm run config:check', () => {
    const env = cleanEnv();
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'config/cli/check.ts'), '--config', path], { cwd: root, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^configuration OK \(defaults < file \S*config\/example\.yaml\): mode dry-run, 3 preset\(s\), 9 actor\(s\)/);
  }, 30_000);

  it('names every section and every key of the schema, each section with a comment', () => {
    const text = readFileSync(path, 'utf8');
    const example = parse(text) as Record<string, unknown>;
    const defaults = defaultConfig() as unknown as Record<string, unknown>;
    expect(Object.keys(example).sort()).toEqual(Object.keys(defaults).sort());
    for (const [section, value] of Object.entries(defaults)) {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        expect(Object.keys(example[section] as object).sort(), section).toEqual(Object.keys(value).sort());
      }
      // A comment on the section's line, just above it, or on its first key.
      const lines = text.split('\n');
      const at = lines.findIndex((l) => l.startsWith(`${section}:`));
      expect(lines.slice(Math.max(0, at - 2), at + 2).some((l) => l.includes('#')), section).toBe(true);
    }
  });
});
