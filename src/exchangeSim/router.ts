import type { Route } from './context.ts';
import { accountRoutes } from './routes/account.ts';
import { marketRoutes } from './routes/market.ts';
import { orderRoutes } from './routes/orders.ts';

/** Every Bybit route the simulator serves, keyed "METHOD path". */
export const ROUTES: ReadonlyMap<string, Route> = new Map([...marketRoutes, ...orderRoutes, ...accountRoutes].map((r) => [`${r.method} ${r.path}`, r]));

export function findRoute(method: string, path: string): Route | undefined {
  return ROUTES.get(`${method} ${path}`);
}
