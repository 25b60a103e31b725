import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Chromium from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium for the browser tests, the screenshots and the /viz bench, taken from
 * npm (@sparticuz/chromium ships a headless_shell build inside the package), so
 * `npm ci && npm test` needs nothing from the system's package manager.
 *
 * At first use the package decompresses the browser (about 190 MB, 2-3 s) into os.tmpdir()
 * (/tmp/chromium, plus its swiftshader GL libraries and fonts beside it) and reuses it after
 * that. Its own check is only "does /tmp/chromium exist", so an interrupted extraction would
 * leave a truncated browser for good, and two test processes starting together would write
 * the same file. Hence a cross-process lock around the extraction and a marker written only
 * once it completed: without the marker the files are removed and extracted again.
 */

/** Browser tests are only skipped on purpose, never because the browser is missing. */
export const skipBrowser = process.env.BYBOT_SKIP_BROWSER === '1';

const VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/@sparticuz/chromium/package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The flags the package recommends for its build (single process, no zygote, no sandbox:
 * the tests run as root), less:
 * - the two that would switch off the same-origin policy and mixed-content blocking: the
 *   pages under test must run as in a user's browser;
 * - its WebGL emulation (ANGLE on SwiftShader): nothing here uses WebGL, and with it every
 *   2D canvas is "GPU" backed, so reading a chart's pixels back took 5 s instead of 25 ms
 *   and a full-page screenshot 9 s instead of 1 s. `--disable-gpu` draws in software.
 */
const DROPPED = new Set(['--disable-web-security', '--allow-running-insecure-content', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader']);
export const CHROMIUM_ARGS: readonly string[] = [...Chromium.args.filter((a) => !DROPPED.has(a)), '--disable-gpu'];

const LOCK_STALE_MS = 120_000;
const LOCK_WAIT_MS = 180_000;

async function withLock<T>(lockDir: string, body: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a process that died mid-extraction.
      const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`waited ${LOCK_WAIT_MS} ms for ${lockDir}: another process is extracting Chromium`);
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** The extracted browser's path, extracting it first when needed (once per machine). */
export async function chromiumExecutable(): Promise<string> {
  const dir = tmpdir();
  const binary = join(dir, 'chromium');
  const marker = join(dir, `bybot-chromium-${VERSION}.complete`);
  const ready = () => existsSync(marker) && existsSync(binary) && existsSync(join(dir, 'libGLESv2.so'));
  if (ready()) return binary;
  await withLock(join(dir, 'bybot-chromium.lock'), async () => {
    if (ready()) return;
    // Whatever is there was not completed under the lock (or is another version): start over.
    for (const stale of ['chromium', 'libGLESv2.so', 'fonts']) rmSync(join(dir, stale), { recursive: true, force: true });
    const path = await Chromium.executablePath();
    if (path !== binary) throw new Error(`@sparticuz/chromium extracted to ${path}, expected ${binary}`);
    writeFileSync(marker, `${new Date().toISOString()}\n`);
  });
  return binary;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumExecutable(), args: [...CHROMIUM_ARGS] });
}
