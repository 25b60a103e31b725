import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Who runs on a journal, for `npm run deploy -- promote|status` and the handover check:
 * the active instance writes `<db>.active`, a standby `<db>.standby` (JSON: pid, HTTP URL,
 * version, code directory, since), each removed when it stops or changes role. The pid is
 * checked for life on every read, so a file a crash left behind means nothing.
 */
export type InstanceRole = 'active' | 'standby';

export const InstanceInfoSchema = z.object({
  role: z.enum(['active', 'standby']),
  pid: z.number().int().positive(),
  url: z.string(),
  version: z.string(),
  codeDir: z.string(),
  since: z.number(),
});
export type InstanceInfo = z.infer<typeof InstanceInfoSchema>;

export function instanceFilePath(dbPath: string, role: InstanceRole): string {
  return `${dbPath}.${role}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Written atomically (temporary file, then rename), mode 0600. */
export function writeInstanceFile(dbPath: string, info: InstanceInfo): void {
  const path = instanceFilePath(dbPath, info.role);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/** Removes the file only if it is this process's. */
export function removeInstanceFile(dbPath: string, role: InstanceRole, pid = process.pid): void {
  const current = readInstanceFile(dbPath, role, false);
  if (current && current.pid !== pid) return;
  rmSync(instanceFilePath(dbPath, role), { force: true });
}

/** The instance of that role, or null when there is none (no file, unreadable, or its process is gone). */
export function readInstanceFile(dbPath: string, role: InstanceRole, mustBeAlive = true): InstanceInfo | null {
  try {
    const parsed = InstanceInfoSchema.safeParse(JSON.parse(readFileSync(instanceFilePath(dbPath, role), 'utf8')));
    if (!parsed.success) return null;
    return !mustBeAlive || alive(parsed.data.pid) ? parsed.data : null;
  } catch {
    return null;
  }
}

/** package.json's version of the code this process runs. */
export function codeVersion(codeDir: string): string {
  try {
    return (JSON.parse(readFileSync(`${codeDir}/package.json`, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
