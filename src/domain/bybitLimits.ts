/**
 * Bybit V5's documented default (non-VIP) per-UID limits for linear, in requests per
 * rolling second, by REST path (docs/v5/rate-limit; see the wire-protocol notes in the
 * project's shared reference, section 7), and the per-IP limit. One table for both sides
 * of the protocol: the adapter's limiter stays under it and the simulator server enforces it.
 */
export const BYBIT_ENDPOINT_LIMITS: Readonly<Record<string, number>> = {
  '/v5/order/create': 10,
  '/v5/order/amend': 10,
  '/v5/order/cancel': 10,
  '/v5/order/cancel-all': 10,
  '/v5/order/create-batch': 10,
  '/v5/order/amend-batch': 10,
  '/v5/order/cancel-batch': 10,
  '/v5/order/realtime': 50,
  '/v5/order/history': 50,
  '/v5/execution/list': 50,
  '/v5/position/list': 50,
  '/v5/position/set-leverage': 10,
  '/v5/position/trading-stop': 10,
  '/v5/position/switch-mode': 10,
  '/v5/account/wallet-balance': 50,
  '/v5/account/fee-rate': 5,
};

/** Per IP: 600 requests per 5 s window, across every endpoint. */
export const BYBIT_IP_LIMIT = { max: 600, windowMs: 5_000 } as const;
