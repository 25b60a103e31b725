import { readFile } from 'node:fs/promises';
import { parseYaml } from '../yaml.ts';
import { z } from 'zod';
import type { Clock } from '../ports/clock.ts';
import { wireFaultPatchSchema, type WireFaultController } from './faults.ts';

/**
 * A fault scenario: static faults at start, rate-limit settings, and a timeline of fault
 * patches at simulated-time offsets from server start (so a ManualClock run is exact).
 */
export const scenarioSchema = z
  .object({
    faults: wireFaultPatchSchema.default({}),
    limits: z
      .object({
        /** Per-UID requests per second, per endpoint path; unlisted paths keep Bybit's defaults. */
        endpoints: z.record(z.string().startsWith('/v5/'), z.number().int().min(1)).default({}),
        ip: z.object({ max: z.number().int().min(1), windowMs: z.number().int().min(1), banMs: z.number().int().min(0) }).strict().optional(),
      })
      .strict()
      .default({ endpoints: {} }),
    timeline: z
      .array(z.object({ atMs: z.number().int().min(0), set: wireFaultPatchSchema }).strict())
      .default([]),
  })
  .strict();

export type ScenarioFile = z.infer<typeof scenarioSchema>;
/** What callers may pass (defaults not yet applied). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Reads a JSON or YAML scenario; errors name the file and each bad path. */
export async function loadScenario(path: string): Promise<ScenarioFile> {
  const text = await readFile(path, 'utf8');
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(`scenario ${path}: cannot parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = scenarioSchema.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`scenario ${path} invalid:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Applies the timeline on the sim clock; returns a function that cancels what is pending. */
export function runTimeline(scenario: ScenarioFile, clock: Clock, faults: WireFaultController, onError: (error: unknown) => void): () => void {
  const handles = scenario.timeline.map((step) =>
    clock.setTimeout(() => {
      try {
        faults.set(step.set);
      } catch (error) {
        onError(error);
      }
    }, step.atMs),
  );
  return () => handles.forEach((h) => clock.clearTimeout(h));
}
