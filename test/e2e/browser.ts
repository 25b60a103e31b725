import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where CI (`.ci/run`) and `apt-get install chromium` put the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Browser tests are only skipped on purpose, never because the browser is missing. */
export const skipBrowser = process.env.BYBOT_SKIP_BROWSER === '1';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: the visualiser end-to-end test needs headless Chromium. ` +
        'Run .ci/run (it installs it) or `apt-get install -y chromium`; set BYBOT_SKIP_BROWSER=1 to skip browser tests on purpose.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}
