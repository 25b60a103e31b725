import dns from 'node:dns';

/**
 * Loaded into the bot process by the soak (`node --import tsx --import src/soak/dnsShim.ts
 * src/main.ts`), never by the product itself: it gives the soak a host name it can make
 * fail. SOAK_DNS_HOST resolves to 127.0.0.1, except while the simulator server's
 * `dnsFailure` fault lists it: then lookups fail with ENOTFOUND, exactly as a broken
 * resolver would, so the bot's endpoint failover and fail-back run for real. The fault
 * list is polled from SOAK_SIM_URL/__sim/faults every 200 ms (wall).
 */
const host = process.env.SOAK_DNS_HOST;
const simUrl = process.env.SOAK_SIM_URL;

if (host && simUrl) {
  let failing = false;
  const poll = setInterval(() => {
    fetch(`${simUrl}/__sim/faults`, { signal: AbortSignal.timeout(1_000) })
      .then((r) => r.json() as Promise<{ dnsFailure?: string[] }>)
      .then((f) => {
        failing = (f.dnsFailure ?? []).includes(host);
      })
      .catch(() => undefined);
  }, 200);
  poll.unref();

  type Callback = (error: NodeJS.ErrnoException | null, address?: string | dns.LookupAddress[], family?: number) => void;
  const original = dns.lookup;
  const patched = function (this: unknown, hostname: string, options: unknown, callback?: Callback): void {
    const cb = (typeof options === 'function' ? options : callback) as Callback;
    const opts = (typeof options === 'object' && options !== null ? options : {}) as dns.LookupOptions;
    if (hostname !== host) {
      (original as (...args: unknown[]) => void).call(this, hostname, options, callback);
      return;
    }
    process.nextTick(() => {
      if (failing) {
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname }) as NodeJS.ErrnoException;
        cb(error);
      } else if (opts.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
    });
  };
  (dns as { lookup: unknown }).lookup = patched;
}
