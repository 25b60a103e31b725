import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * The systemd notification protocol (sd_notify(3)): newline-separated `KEY=VALUE`
 * assignments in one datagram on the AF_UNIX socket named by `$NOTIFY_SOCKET`.
 *
 * Node's dgram module has no AF_UNIX datagram sockets, so a path socket (systemd's
 * `/run/systemd/notify`, the normal case) is written with `unix-dgram`, a small, widely
 * used native binding that builds with node-gyp on Node 20 and needs no system library
 * (unlike `sd-notify`, which links libsystemd and needs its headers at install). The
 * datagram then comes from the bot's own pid, so the units keep `NotifyAccess=main`. An
 * abstract socket (`@...`: containers, some older managers) cannot be addressed through
 * unix-dgram (it copies the path as a C string): for it the `systemd-notify` binary is
 * run, which needs `NotifyAccess=all` and may be dropped by a manager older than v254 if
 * the short-lived helper exits before the manager reads its cgroup (systemd-notify(1)).
 */
export interface Notifier {
  /** Sends the assignments; resolves false (never throws) when the datagram could not be sent. */
  notify(fields: Readonly<Record<string, string>>): Promise<boolean>;
  readonly socket: string;
  close(): void;
}

interface UnixDgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, callback?: (err?: Error) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}
interface UnixDgramModule {
  createSocket(type: 'unix_dgram', listener?: (msg: Buffer) => void): UnixDgramSocket;
}

/** `READY=1\nSTATUS=...`: values may not contain newlines (they would start a new assignment). */
export function formatNotification(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${value.replace(/[\r\n]+/g, ' ')}`)
    .join('\n');
}

function loadUnixDgram(): UnixDgramModule {
  return createRequire(import.meta.url)('unix-dgram') as UnixDgramModule;
}

/** A notifier for `$NOTIFY_SOCKET`, or null when the bot was not started by systemd with Type=notify. */
export function createNotifier(env: Readonly<Record<string, string | undefined>>, options: { readonly systemdNotifyBinary?: string } = {}): Notifier | null {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return null;
  if (socket.startsWith('@')) {
    const binary = options.systemdNotifyBinary ?? 'systemd-notify';
    return {
      socket,
      notify: (fields) =>
        new Promise((resolve) => {
          execFile(binary, Object.entries(fields).map(([k, v]) => `${k}=${v.replace(/[\r\n]+/g, ' ')}`), { env: { ...process.env, NOTIFY_SOCKET: socket }, timeout: 5_000 }, (error) => resolve(!error));
        }),
      close: () => undefined,
    };
  }
  const dgram = loadUnixDgram().createSocket('unix_dgram');
  // A receiver that went away (systemd restarted) must not crash the bot.
  dgram.on('error', () => undefined);
  let closed = false;
  return {
    socket,
    notify: (fields) =>
      new Promise((resolve) => {
        if (closed) return resolve(false);
        const message = Buffer.from(formatNotification(fields), 'utf8');
        try {
          dgram.send(message, 0, message.length, socket, (err) => resolve(!err));
        } catch {
          resolve(false);
        }
      }),
    close: () => {
      if (closed) return;
      closed = true;
      dgram.close();
    },
  };
}
