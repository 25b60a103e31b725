import type { Execution, Order } from '../domain/types.ts';

export type MutableOrder = { -readonly [K in keyof Order]: Order[K] };

const OPEN = new Set(['New', 'PartiallyFilled', 'Untriggered']);

/**
 * Orders and executions of the account. Closed orders are kept (up to `maxHistory`) so
 * findOrder can resolve an unknown outcome; an orderLinkId, once used, stays used for
 * ever, so a retried create is always reported as a duplicate.
 */
export class OrderStore {
  private readonly byId = new Map<string, MutableOrder>();
  private readonly byLink = new Map<string, string>();
  private readonly usedLinks = new Set<string>();
  /** Resting orders in time priority. */
  private readonly resting: MutableOrder[] = [];
  private readonly closed: string[] = [];
  private readonly fills: Execution[] = [];

  constructor(
    private readonly maxHistory = 5000,
    private readonly maxExecutions = 10_000,
  ) {}

  linkUsed(orderLinkId: string): boolean {
    return orderLinkId !== '' && this.usedLinks.has(orderLinkId);
  }

  add(order: MutableOrder): void {
    this.byId.set(order.orderId, order);
    if (order.orderLinkId !== '') {
      this.byLink.set(order.orderLinkId, order.orderId);
      this.usedLinks.add(order.orderLinkId);
    }
    if (OPEN.has(order.status)) this.resting.push(order);
    else this.remember(order.orderId);
  }

  /** Call after an order left the open statuses. */
  closeOrder(order: MutableOrder): void {
    const i = this.resting.indexOf(order);
    if (i >= 0) this.resting.splice(i, 1);
    this.remember(order.orderId);
  }

  find(orderId: string | undefined, orderLinkId: string | undefined): MutableOrder | undefined {
    // When both are given, orderId wins (Bybit).
    if (orderId) return this.byId.get(orderId);
    if (orderLinkId) {
      const id = this.byLink.get(orderLinkId);
      return id === undefined ? undefined : this.byId.get(id);
    }
    return undefined;
  }

  open(symbol?: string): MutableOrder[] {
    return this.resting.filter((o) => symbol === undefined || o.symbol === symbol);
  }

  /** Every order still remembered (open and recently closed), newest created first. */
  recent(symbol?: string): MutableOrder[] {
    const out = [...this.byId.values()].filter((o) => symbol === undefined || o.symbol === symbol);
    // Stable sort on createdTime keeps insertion order for orders created in the same ms, reversed below.
    return out.reverse().sort((a, b) => b.createdTime - a.createdTime);
  }

  restingSymbols(): Set<string> {
    return new Set(this.resting.map((o) => o.symbol));
  }

  addExecution(execution: Execution): void {
    this.fills.push(execution);
    if (this.fills.length > this.maxExecutions) this.fills.splice(0, this.fills.length - this.maxExecutions);
  }

  /** Newest first. */
  executions(symbol: string | undefined, startTime: number | undefined, limit: number): Execution[] {
    const out: Execution[] = [];
    for (let i = this.fills.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.fills[i]!;
      if (symbol !== undefined && e.symbol !== symbol) continue;
      if (startTime !== undefined && e.execTime < startTime) continue;
      out.push({ ...e });
    }
    return out;
  }

  private remember(orderId: string): void {
    this.closed.push(orderId);
    while (this.closed.length > this.maxHistory) {
      const old = this.byId.get(this.closed.shift()!);
      if (!old) continue;
      this.byId.delete(old.orderId);
      if (this.byLink.get(old.orderLinkId) === old.orderId) this.byLink.delete(old.orderLinkId);
    }
  }
}
