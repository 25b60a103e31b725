import { readInstanceFile, type InstanceInfo } from './instanceFiles.ts';

/**
 * `npm run deploy -- promote`: asks the active instance of a journal to hand over to the
 * standby waiting for it, and waits until the standby trades. Both are found through their
 * instance files beside the journal. Prints how long trading paused.
 */
export interface PromoteOptions {
  readonly dbPath: string;
  /** The active instance's control token, read only once there is someone to hand over to. */
  readonly controlToken: () => string;
  readonly reason: string;
  /** Give up waiting for the standby to trade after this (real ms). */
  readonly timeoutMs: number;
  readonly log?: (line: string) => void;
}

export interface PromoteReport {
  readonly from: { readonly pid: number; readonly version: string; readonly url: string };
  readonly to: { readonly pid: number; readonly version: string; readonly url: string };
  /** From the handover request to the standby's /ready answering 200. */
  readonly handoverMs: number;
  /** From the request until the old instance was gone. */
  readonly releasedMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function status(url: string, path: string): Promise<number> {
  try {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class PromoteError extends Error {}

export async function promote(o: PromoteOptions): Promise<PromoteReport> {
  const log = o.log ?? (() => undefined);
  const active = readInstanceFile(o.dbPath, 'active');
  const standby = readInstanceFile(o.dbPath, 'standby');
  if (!active) throw new PromoteError(`no active instance runs on ${o.dbPath} (no live ${o.dbPath}.active); nothing to hand over`);
  if (!standby) throw new PromoteError(`no standby waits for ${o.dbPath} (no live ${o.dbPath}.standby); start one with npm start -- --standby (systemctl start bybot@<slot>)`);
  if ((await status(standby.url, '/health')) !== 200) throw new PromoteError(`the standby (pid ${standby.pid}) does not answer ${standby.url}/health; not handing over`);
  const token = o.controlToken();
  log(`handing over from pid ${active.pid} (${active.version}) to standby pid ${standby.pid} (${standby.version})`);
  const started = Date.now();
  const response = await fetch(`${active.url}/control/handover`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ reason: o.reason }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  if (response.status !== 202) throw new PromoteError(`the active instance refused the handover: HTTP ${response.status} ${body.slice(0, 300)}`);
  let releasedMs = -1;
  for (;;) {
    const elapsed = Date.now() - started;
    if (releasedMs < 0 && !alive(active.pid)) releasedMs = elapsed;
    const now: InstanceInfo | null = readInstanceFile(o.dbPath, 'active');
    if (now?.pid === standby.pid && (await status(now.url, '/ready')) === 200) {
      const handoverMs = Date.now() - started;
      if (releasedMs < 0) releasedMs = alive(active.pid) ? handoverMs : Date.now() - started;
      return { from: pick(active), to: pick(now), handoverMs, releasedMs };
    }
    if (elapsed > o.timeoutMs) {
      throw new PromoteError(`the standby (pid ${standby.pid}) did not report ready within ${o.timeoutMs} ms after the handover; check its log and GET ${standby.url}/ready (the old instance ${alive(active.pid) ? 'still runs' : 'has exited'})`);
    }
    await sleep(25);
  }
}

function pick(i: InstanceInfo): { pid: number; version: string; url: string } {
  return { pid: i.pid, version: i.version, url: i.url };
}
