import { readFileSync } from 'node:fs';
import { parseYaml, stringifyYaml } from '../yaml.ts';
import type { StrategyPreset } from '../../config/schema.ts';
import { writeFileAtomic } from '../backtest/outputFile.ts';

/**
 * The optimiser's best parameters as a configuration file that `npm run config:check`,
 * `npm run backtest --config` and `npm start --config` accept: the source configuration
 * file's other sections as they were (risk, fees, ...), and one preset with the chosen
 * params in place of the strategies list. A comment header says where the numbers came from.
 */
export interface PresetFileInput {
  readonly preset: StrategyPreset;
  readonly params: Readonly<Record<string, unknown>>;
  /** The --config file the run used (its other sections are kept), if any. */
  readonly sourceConfig?: string;
  readonly header: readonly string[];
}

/** `<id>-opt`, within the 32 characters a preset id may have. */
export function optimisedId(id: string): string {
  return `${id.slice(0, 28)}-opt`;
}

export function presetFileText(input: PresetFileInput): string {
  let doc: Record<string, unknown> = {};
  if (input.sourceConfig) {
    const raw = parseYaml(readFileSync(input.sourceConfig, 'utf8')) as unknown;
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) doc = { ...(raw as Record<string, unknown>) };
  }
  doc.strategies = [{ id: optimisedId(input.preset.id), type: input.preset.type, symbols: [...input.preset.symbols], params: input.params, enabled: true }];
  const header = input.header.map((line) => `# ${line.replace(/[\r\n]+/g, ' ')}`).join('\n');
  return `${header}\n${stringifyYaml(doc, { lineWidth: 0 })}`;
}

export function writePresetFile(file: string, input: PresetFileInput): { path: string; bytes: number } {
  return writeFileAtomic(file, presetFileText(input), '--out-preset');
}
