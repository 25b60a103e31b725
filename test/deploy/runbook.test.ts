import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_PRIORITY } from '../../src/exchange/bybit/channelAlerts.ts';

/**
 * docs/runbook.md explains every alert the bot can raise. The alert keys are collected from
 * the code itself (every `key:` of an observation, every sampled rule's `level(source, key)`,
 * every channel alert reason), so a new alert without its runbook entry fails here.
 */
const root = resolve(import.meta.dirname, '../..');
const runbook = readFileSync(join(root, 'docs/runbook.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function alertKeyPrefixes(): string[] {
  const keys = new Set<string>();
  for (const file of sources(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    // Event observations: key: 'secrets:key_rotated', key: `deploy:handover:${pid}`, event(`escalation:disabled:${...}`, ...)
    for (const m of text.matchAll(/(?:key: |event\()[`']([a-z_]+:[a-z_]+)/g)) keys.add(m[1]!);
    // Sampled rules: level('process', 'rss', ...), level('strategy', `latency:${...}`, ...)
    for (const m of text.matchAll(/level\('([a-z_]+)', [`']([a-z_]+)/g)) keys.add(`${m[1]}:${m[2]}`);
  }
  return [...keys].sort();
}

describe('docs/runbook.md', () => {
  it('has the operator procedures', () => {
    for (const heading of ['## Start', '## Stop', '## Halt and resume', '## Reload', '## Key rotation', '## Handover (blue/green deployment) and rollback', '## Release', '## Restore the journal from a backup', '## Alerts']) {
      expect(runbook).toContain(heading);
    }
  });

  it('explains every alert key found in the code', () => {
    const keys = alertKeyPrefixes();
    // The collection itself works: the engine's, the cockpit's and this branch's keys are all seen.
    for (const known of ['escalation:halt', 'position:unprotected', 'exchange:api_key_expiry', 'reconcile:mismatch', 'config:reload', 'secrets:key_rotation_failed', 'deploy:took_over']) expect(keys).toContain(known);
    const missing = keys.filter((k) => !runbook.includes(`\`${k}`));
    expect(missing).toEqual([]);
  });

  it('explains every exchange channel alert reason', () => {
    const missing = Object.keys(ALERT_PRIORITY).filter((reason) => !runbook.includes(`:${reason}\``) && !runbook.includes(`\`${reason}\``));
    expect(missing).toEqual([]);
  });
});
