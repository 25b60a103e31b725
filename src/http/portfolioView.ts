import { sleeveKey } from '../core/portfolio/book.ts';
import { usedMargin } from '../core/portfolio/resize.ts';
import { isOpenPosition } from '../core/risk/rules.ts';
import type { Runtime } from '../runtime/createRuntime.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * GET /portfolio (read-only): the portfolio book as the risk gate sees it. Per preset and
 * sleeve (symbol x preset): weight, budget (weight x equity), used (the initial margin of the
 * position the sleeve opened) and free (budget - used); the rolling correlations; the
 * leader's regime for the cross-asset filter; the last rebalance with its inputs. Equity
 * and positions are the account as the last journal sync saw it (journal.syncIntervalMs).
 */
export function portfolioView(runtime: Runtime) {
  const service = runtime.portfolio;
  if (!service) return { enabled: false as const, mode: 'none' as const, reason: 'portfolio allocation is off (portfolio.allocation.mode none, no correlation limit, no cross-asset filter)' };
  const book = service.book;
  const view = book.view();
  const account = runtime.accountSnapshot;
  const equity = account?.equity ?? null;
  const positions = (account?.positions ?? []).filter(isOpenPosition);
  const presets = book.plan.presets.map((p) => {
    const sleeves = p.symbols.map((symbol) => {
      const weight = view.weights?.[sleeveKey(symbol, p.id)] ?? null;
      const position = positions.find((x) => x.symbol === symbol && service.ownerOf(symbol) === p.id);
      const used = position ? usedMargin(position) : 0;
      const budget = weight !== null && equity !== null ? weight * equity : null;
      return {
        symbol,
        weight,
        budget,
        used,
        free: budget === null ? null : Math.max(0, budget - used),
        position: position ? { side: position.side, size: position.size, positionValue: position.positionValue, leverage: position.leverage } : null,
      };
    });
    const weight = view.weights ? sleeves.reduce((s, x) => s + (x.weight ?? 0), 0) : null;
    const budget = weight !== null && equity !== null ? weight * equity : null;
    const used = sleeves.reduce((s, x) => s + x.used, 0);
    return { presetId: p.id, weight, budget, used, free: budget === null ? null : Math.max(0, budget - used), sleeves };
  });
  const last = book.rebalances.at(-1);
  const correlation = view.correlation;
  return {
    enabled: true as const,
    mode: book.plan.settings.allocation.mode,
    checkedAt: Number.isNaN(book.checkedAt) ? null : iso(book.checkedAt),
    nextCheckAt: iso(book.nextCheck()),
    accountSyncedAt: account ? iso(account.at) : null,
    equity,
    presets,
    correlations: correlation ? { threshold: correlation.threshold, symbols: correlation.symbols, matrix: correlation.matrix.map((row) => row.map(finite)) } : null,
    leader: view.leader,
    rebalances: book.rebalances.length,
    lastRebalance: last ? { ...last, at: iso(last.at) } : null,
  };
}
