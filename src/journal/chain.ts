import { createHash } from 'node:crypto';

/**
 * Checksum chain over the order events: each row's hash covers the previous row's hash
 * and the row's own fields, so a row edited, deleted or inserted out of band (a bad disk,
 * a hand edit, a half-restored backup) breaks every hash after it and is found at start-up.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  readonly at: number;
  readonly orderLinkId: string;
  readonly kind: string;
  readonly detail: string;
}

export function chainHash(prevHash: string, fields: ChainedFields): string {
  return createHash('sha256').update(`${prevHash}|${fields.at}|${fields.orderLinkId}|${fields.kind}|${fields.detail}`).digest('hex');
}
