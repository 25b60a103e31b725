import type { SecretName } from './catalog.ts';
import type { SecretResolver } from './provider.ts';

/** The secret values in use (start-up, then each rotation), with change listeners; implements SecretResolver. */
export class SecretStore implements SecretResolver {
  private readonly values = new Map<SecretName, string>();
  private readonly listeners = new Map<SecretName, Set<(value: string) => void>>();

  constructor(initial: ReadonlyMap<SecretName, string> = new Map()) {
    for (const [name, value] of initial) this.values.set(name, value);
  }

  get(name: SecretName): string | undefined {
    return this.values.get(name);
  }

  set(name: SecretName, value: string): void {
    if (this.values.get(name) === value) return;
    this.values.set(name, value);
    for (const listener of this.listeners.get(name) ?? []) listener(value);
  }

  onChange(name: SecretName, listener: (value: string) => void): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener);
    this.listeners.set(name, set);
    return () => set.delete(listener);
  }

  /** Every value, for the log sanitizer (never for output). */
  allValues(): string[] {
    return [...this.values.values()];
  }
}
