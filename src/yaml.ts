import type { ToStringOptions } from 'yaml';
import { lazyPackage } from './lazyPackage.ts';

/**
 * The yaml package, loaded on first use (src/lazyPackage.ts): a run without a YAML file,
 * such as the default dry run, never needs it (about 3 MB of RSS over the app's other modules).
 */
const yaml = lazyPackage<typeof import('yaml')>('yaml');

export function parseYaml(text: string): unknown {
  return yaml().parse(text) as unknown;
}

export function stringifyYaml(value: unknown, options?: ToStringOptions): string {
  return yaml().stringify(value, options);
}
