/**
 * The test run's environment for a child process (a CLI, npm start): without the caller's
 * BYBOT_* and BYBIT_* variables and DRY_RUN, which the child would read as configuration
 * (BYBOT_SKIP_BROWSER of a test run is not a setting and would be refused by name).
 */
export function cleanEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BYBOT_') && !k.startsWith('BYBIT_') && k !== 'DRY_RUN'));
}
