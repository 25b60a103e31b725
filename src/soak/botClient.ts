import { readFileSync } from 'node:fs';

/**
 * What the soak (acting as the on-call operator) asks of the running bot over its HTTP
 * API: readiness, resource use, and the operator actions after an incident (resume a
 * halt, re-enable disabled strategies), with the control token from the bot's token file.
 */
export interface ReadyView {
  readonly status: number;
  readonly reasons: readonly string[];
  readonly halted: boolean;
}

export class BotClient {
  constructor(
    readonly url: string,
    private readonly tokenPath: string,
  ) {}

  private token(): string {
    return readFileSync(this.tokenPath, 'utf8').trim();
  }

  async ready(): Promise<ReadyView> {
    const r = await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(5_000) });
    const body = (await r.json()) as { reasons?: string[]; checks?: { trading?: { ok?: boolean } } };
    return { status: r.status, reasons: body.reasons ?? [], halted: body.checks?.trading?.ok === false };
  }

  /** Resident set size from /metrics (bytes), or null when unavailable. */
  async rssBytes(): Promise<number | null> {
    const text = await (await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const line = text.split('\n').find((l) => l.startsWith('bybot_process_resident_memory_bytes '));
    return line ? Number(line.split(' ')[1]) : null;
  }

  async disabledActors(): Promise<string[]> {
    const body = (await (await fetch(`${this.url}/actors`, { signal: AbortSignal.timeout(5_000) })).json()) as { actors: { id: string; disabled: unknown }[] };
    return body.actors.filter((a) => a.disabled !== null).map((a) => a.id);
  }

  async post(path: string, body: unknown = {}): Promise<number> {
    const r = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token()}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    return r.status;
  }
}
