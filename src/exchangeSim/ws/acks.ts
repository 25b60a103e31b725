import type { WsConnection } from './connection.ts';

/** Builders of Bybit's per-stream reply frames; `req_id` is echoed only when the client sent one. */
const withReq = (reqId: unknown): Record<string, unknown> => (reqId === undefined ? {} : { req_id: reqId });

export function pongFrame(c: WsConnection, reqId: unknown, wallNow: number): Record<string, unknown> {
  if (c.style === 'private') return { ...withReq(reqId), op: 'pong', args: [String(wallNow)], conn_id: c.id };
  if (c.style === 'spot') return { success: true, ret_msg: 'pong', conn_id: c.id, ...withReq(reqId), op: 'ping' };
  return { success: true, ret_msg: 'pong', conn_id: c.id, req_id: reqId ?? '', op: 'ping' };
}

export function commandAck(c: WsConnection, op: string, reqId: unknown, success: boolean, message = ''): Record<string, unknown> {
  if (c.style === 'private' || op === 'auth') return { success, ret_msg: message, op, conn_id: c.id, ...withReq(reqId) };
  const retMsg = success && c.style === 'spot' && op === 'subscribe' ? 'subscribe' : message;
  return { success, ret_msg: retMsg, conn_id: c.id, ...withReq(reqId), op };
}
