import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * The cockpit's secrets (the Telegram bot token, the alert webhook's HMAC key) and the HTTP
 * tokens come through the same providers as the exchange key, are refused as plain text in
 * live mode, and a configuration reload (POST /config/reload, SIGHUP) keeps the values in
 * force instead of seeing them as removed.
 */
const WEBHOOK_SECRET = 'webhook-hmac-key-0123456789abcdef';
const CONTROL_TOKEN = 'control-token-from-file-0123456789';
const TELEGRAM_TOKEN = '123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr';

function secretsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bybot-cockpit-secrets-'));
  chmodSync(dir, 0o700);
  for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), `${value}\n`, { mode: 0o600 });
  return dir;
}

let harness: AppHarness | undefined;
afterEach(async () => {
  await harness?.app.stop();
  harness = undefined;
});

describe('cockpit secrets through the providers', () => {
  it('the webhook secret and the control token from the file provider; a reload keeps them', async () => {
    const dir = secretsDir({ 'alerts-webhook-secret': WEBHOOK_SECRET, 'http-control-token': CONTROL_TOKEN });
    const configFile = join(mkdtempSync(join(tmpdir(), 'bybot-cockpit-cfg-')), 'bot.yaml');
    writeFileSync(configFile, `secrets: { provider: file, file: { dir: ${JSON.stringify(dir)} } }\nalerts: { webhook: { url: "http://127.0.0.1:9/hook" } }\n`);
    harness = await startTestApp({}, { configFile });
    expect(harness.app.config.alerts.webhook.secret).toBe(WEBHOOK_SECRET);
    expect(harness.app.cockpit.live.get().alerts.webhook.secret).toBe(WEBHOOK_SECRET);
    expect(harness.app.secrets.get('http-control-token')).toBe(CONTROL_TOKEN);
    expect(harness.controlToken).toBe(CONTROL_TOKEN);
    const secretsLine = harness.logs.find((l) => l.event === 'secrets');
    expect(secretsLine).toMatchObject({ provider: 'file', sources: { 'alerts-webhook-secret': 'file', 'http-control-token': 'file' } });

    // The file (without the secrets) is re-read: the secrets in force stay, nothing needs a restart.
    const reload = await harness.post('/config/reload');
    expect(reload.status, JSON.stringify(reload.body)).toBe(200);
    expect(reload.body).toMatchObject({ result: 'unchanged' });
    expect(harness.app.cockpit.live.get().alerts.webhook.secret).toBe(WEBHOOK_SECRET);
    expect(harness.rawLog.join('')).not.toContain(WEBHOOK_SECRET);
    expect(harness.rawLog.join('')).not.toContain(CONTROL_TOKEN);
  }, 60_000);

  it('live mode refuses the Telegram token and the webhook secret written in the file; the env provider reads them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-cockpit-live-'));
    const file = join(dir, 'live.yaml');
    writeFileSync(file, `mode: live\nexchange: { venue: testnet }\ntelegram: { botToken: "${TELEGRAM_TOKEN}" }\nalerts: { webhook: { url: "https://hooks.example/x", secret: "${WEBHOOK_SECRET}" } }\n`);
    const refused = loadConfig({ env: { BYBIT_API_KEY: 'Ab3dEf6hIj9kLm2nOp', BYBIT_API_SECRET: 'Qr5tUv8xYz1aBc4dEf7gHi0jKl3mNo6pQr9s' }, configPath: file });
    const problems = refused.ok ? [] : refused.problems;
    expect(problems).toContainEqual(expect.stringContaining('telegram.botToken: a secret written in the configuration file is refused in live mode'));
    expect(problems).toContainEqual(expect.stringContaining('alerts.webhook.secret: a secret written in the configuration file is refused in live mode'));
    expect(problems.join('\n')).not.toContain(WEBHOOK_SECRET);
    expect(problems.join('\n')).not.toContain(TELEGRAM_TOKEN);

    writeFileSync(file, 'mode: live\nexchange: { venue: testnet }\nalerts: { webhook: { url: "https://hooks.example/x" } }\n');
    const fromEnv = loadConfig({ env: { BYBIT_API_KEY: 'Ab3dEf6hIj9kLm2nOp', BYBIT_API_SECRET: 'Qr5tUv8xYz1aBc4dEf7gHi0jKl3mNo6pQr9s', BYBOT_ALERTS_WEBHOOK_SECRET: WEBHOOK_SECRET }, configPath: file });
    expect(fromEnv.ok && fromEnv.config.alerts.webhook.secret).toBe(WEBHOOK_SECRET);
  });

  it('a webhook URL without its secret is refused once the provider had its say', async () => {
    const dir = secretsDir({});
    const configFile = join(mkdtempSync(join(tmpdir(), 'bybot-cockpit-cfg-')), 'bot.yaml');
    writeFileSync(configFile, `secrets: { provider: file, file: { dir: ${JSON.stringify(dir)} } }\nalerts: { webhook: { url: "http://127.0.0.1:9/hook" } }\n`);
    await expect(startTestApp({}, { configFile })).rejects.toMatchObject({ details: { step: 'secrets', problems: [expect.stringContaining('alerts.webhook.secret: required with alerts.webhook.url')] } });
  }, 60_000);
});
