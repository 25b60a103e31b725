import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createSanitizer, sanitizeExchangeText } from '../../src/exchange/bybit/sanitize.ts';
import { errorFromRetCode } from '../../src/exchange/bybit/retCodes.ts';
import { fromTransportError } from '../../src/exchange/bybit/transportErrors.ts';

/** Finding 2: no key, secret or token in a log line, whatever object is logged. */
const KEY = 'Ab12Cd34Ef56Gh78Ij';
const SECRET = 'Zq8Wx3Ty6Ui9Op2As5Df8Gh1Jk4Lz7Xc0Vb';
const CONTROL = 'control-token-value-0123456789abcd';
const READ = 'read-token-value-0123456789abcdefgh';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', pretty: 'never', destination: { write: (l: string) => void lines.push(l) } });
  return { logger, text: () => lines.join('') };
}

describe('pino redaction of the configuration\'s secrets', () => {
  it('covers the config paths of the API key and secret and of the HTTP tokens', () => {
    const loaded = loadConfig({ env: { BYBIT_API_KEY: KEY, BYBIT_API_SECRET: SECRET, BYBOT_HTTP_CONTROL_TOKEN: CONTROL, BYBOT_HTTP_READ_TOKEN: READ } });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const { config } = loaded;
    const { logger, text } = capture();
    logger.info({ config }, 'whole config');
    logger.info({ exchange: config.exchange, http: config.http }, 'sections');
    logger.info({ ...config }, 'spread at the top level');
    logger.child({ config }).info('child bindings');
    const out = text();
    for (const secret of [KEY, SECRET, CONTROL, READ]) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});

describe('exchange text sanitizer', () => {
  it('removes the 10004 origin string (which echoes the API key), the known credentials and signatures', () => {
    const sanitize = createSanitizer([KEY, SECRET]);
    const msg = `error sign! origin_string[1767225600000${KEY}5000category=linear&symbol=BTCUSDT]`;
    expect(sanitize(msg)).toBe('error sign! origin_string[[redacted]]');
    const e = errorFromRetCode(10004, msg, { operation: 'balance' }, sanitize);
    expect(JSON.stringify(e.toJSON())).not.toContain(KEY);
    expect(e.code).toBe('AUTH_REJECTED');
    expect(sanitize(`key ${KEY} secret ${SECRET}`)).toBe('key [redacted] secret [redacted]');
    expect(sanitizeExchangeText('X-BAPI-SIGN: 3f1c9a0b7e55d2c4a1b8f0e9d7c6b5a4938271605f4e3d2c1b0a9f8e7d6c5b4a3')).not.toMatch(/3f1c9a0b/);
    expect(sanitizeExchangeText('empty value: apiTimestamp[1] apiKey[abcdef] apiSignature[0123abcd]')).toBe('empty value: apiTimestamp[1] apiKey[[redacted]] apiSignature[[redacted]]');
    expect(sanitizeExchangeText('Authorization: Bearer abcdefghijklmnop')).toBe('Authorization: Bearer [redacted]');
  });

  it('keeps ordinary messages readable', () => {
    expect(sanitizeExchangeText('Too many visits!')).toBe('Too many visits!');
    expect(sanitizeExchangeText('params error: qty must be >= 0.001, order 7e2ae69c-4edf-5800-a352-893d52b446aa')).toBe('params error: qty must be >= 0.001, order 7e2ae69c-4edf-5800-a352-893d52b446aa');
  });

  it('an SDK HTTP error object holding the signed request becomes a sanitized message without a cause', () => {
    const sdkError = { code: 401, message: `Unauthorized: origin_string[1${KEY}5000]`, body: {}, headers: { 'x-bapi-api-key': KEY }, requestOptions: { key: KEY, secret: SECRET } };
    const typed = fromTransportError(sdkError, 'balance', 'https://api.bybit.com', undefined, createSanitizer([KEY, SECRET]));
    expect(typed.message).not.toContain(KEY);
    expect(typed.cause).toBeUndefined();
    const network = Object.assign(new Error(`connect ECONNREFUSED for key ${KEY}`), { code: 'ECONNREFUSED', config: { headers: { 'X-BAPI-API-KEY': KEY } } });
    const typedNetwork = fromTransportError(network, 'balance', 'https://api.bybit.com', undefined, createSanitizer([KEY, SECRET]));
    expect(typedNetwork.message).not.toContain(KEY);
    expect(typedNetwork.cause).toBeUndefined();
  });
});
