import { shortNumber } from '../shortNumber.ts';
import type { SignalAction } from './contract.ts';

/** Stop and target helpers shared by the strategies. */

export type EntrySide = Exclude<SignalAction, 'none'>;

/** A stop `multiple` ATRs beyond `level`: below it for a long, above it for a short. */
export function stopBeyond(side: EntrySide, level: number, atr: number, multiple: number): number {
  return side === 'long' ? level - multiple * atr : level + multiple * atr;
}

/** A target `multiple` times the risk away from the entry. */
export function targetAtRewardRisk(side: EntrySide, entry: number, stop: number, multiple: number): number {
  const risk = Math.abs(entry - stop);
  return side === 'long' ? entry + multiple * risk : entry - multiple * risk;
}

/** |target - entry| / |entry - stop|; 0 when the target is on the wrong side or the risk is 0. */
export function rewardRiskOf(side: EntrySide, entry: number, stop: number, target: number): number {
  const risk = side === 'long' ? entry - stop : stop - entry;
  const reward = side === 'long' ? target - entry : entry - target;
  if (!(risk > 0) || !(reward > 0) || !Number.isFinite(reward / risk)) return 0;
  return reward / risk;
}

/** Whether the levels can be traded: exactly when levelsProblem is null, without building its sentence. */
export function levelsTradable(side: EntrySide, entry: number, stop: number, target: number, minRewardRisk: number): boolean {
  if (!(Number.isFinite(entry) && entry > 0 && Number.isFinite(stop) && stop > 0 && Number.isFinite(target) && target > 0)) return false;
  if (side === 'long' ? !(stop < entry && entry < target) : !(stop > entry && entry > target)) return false;
  return !(rewardRiskOf(side, entry, stop, target) < minRewardRisk);
}

/** Why these levels cannot be traded, or null when they can (stop and target on the right sides, R/R reached). */
export function levelsProblem(side: EntrySide, entry: number, stop: number, target: number, minRewardRisk: number): string | null {
  if (!(Number.isFinite(entry) && entry > 0 && Number.isFinite(stop) && stop > 0 && Number.isFinite(target) && target > 0)) return `levels are not positive numbers (entry ${entry}, stop ${stop}, target ${target})`;
  if (side === 'long' ? !(stop < entry && entry < target) : !(stop > entry && entry > target)) {
    return `stop ${fmt(stop)} / target ${fmt(target)} are not on the right sides of entry ${fmt(entry)} for a ${side}`;
  }
  const rr = rewardRiskOf(side, entry, stop, target);
  if (rr < minRewardRisk) return `reward/risk ${fmt(rr)} is below ${minRewardRisk} (entry ${fmt(entry)}, stop ${fmt(stop)}, target ${fmt(target)})`;
  return null;
}

/** A number for a human-readable reason: 6 significant digits, no trailing zeros (see shortNumber). */
export const fmt: (value: number) => string = shortNumber;
