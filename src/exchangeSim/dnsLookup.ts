import dns, { type LookupAddress, type LookupOptions } from 'node:dns';

export interface DnsFaultSource {
  get(): { readonly dnsFailure: readonly string[] };
}

type Callback = (error: NodeJS.ErrnoException | null, address?: string | LookupAddress[], family?: number) => void;

/**
 * The server cannot fake DNS for other processes, so the client side injects this
 * `dns.lookup` replacement (http.Agent `lookup`, axios `lookup`, net `lookup` options):
 * configured names such as `api.bybit.local` resolve to the simulator's address, and a
 * name listed in the `dnsFailure` fault fails with ENOTFOUND exactly like getaddrinfo.
 * Other names go to the real resolver.
 */
export function createFaultyLookup(hostMap: Readonly<Record<string, string>>, faults: DnsFaultSource): typeof dns.lookup {
  function lookup(hostname: string, optionsOrCallback: LookupOptions | number | Callback, maybeCallback?: Callback): void {
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as Callback;
    const options: LookupOptions =
      typeof optionsOrCallback === 'function' ? {} : typeof optionsOrCallback === 'number' ? { family: optionsOrCallback } : (optionsOrCallback ?? {});
    if (faults.get().dnsFailure.includes(hostname)) {
      const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
        errno: -3008,
        syscall: 'getaddrinfo',
        hostname,
      });
      process.nextTick(() => callback(error));
      return;
    }
    const address = hostMap[hostname];
    if (address === undefined) {
      dns.lookup(hostname, options, callback as never);
      return;
    }
    const family = address.includes(':') ? 6 : 4;
    process.nextTick(() => (options.all ? callback(null, [{ address, family }]) : callback(null, address, family)));
  }
  return lookup as unknown as typeof dns.lookup;
}
