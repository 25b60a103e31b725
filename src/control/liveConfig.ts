import type { AppConfig } from '../../config/schema.ts';
import { configVersion } from '../../config/diff.ts';

/**
 * The configuration in force, shared by the parts that follow a reload (alerts, Telegram
 * allow-lists, log level, dashboards). The runtime gets its copy through
 * Runtime.reconfigure, in the same synchronous step.
 */
export class LiveConfig {
  private value: AppConfig;
  private versionText: string;
  private readonly listeners = new Set<(config: AppConfig) => void>();

  constructor(initial: AppConfig) {
    this.value = initial;
    this.versionText = configVersion(initial);
  }

  get(): AppConfig {
    return this.value;
  }

  version(): string {
    return this.versionText;
  }

  set(config: AppConfig): void {
    this.value = config;
    this.versionText = configVersion(config);
    for (const listener of this.listeners) listener(config);
  }

  onChange(listener: (config: AppConfig) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
