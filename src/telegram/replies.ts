import type { CockpitStatus, OrderView, PresetRow, ReloadOutcome } from '../cockpit/types.ts';

/** Plain-text replies of the Telegram admin bot (no parse_mode: nothing to escape, nothing to break). */

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const money = (n: number | null): string => (n === null ? 'n/a' : `${n >= 0 ? '' : '-'}${Math.abs(n).toFixed(2)} USDT`);
const signed = (n: number | null): string => (n === null ? 'n/a' : `${n >= 0 ? '+' : '-'}${Math.abs(n).toFixed(2)} USDT`);

export const COMMANDS: readonly { readonly command: string; readonly description: string }[] = [
  { command: 'status', description: 'mode, equity, PnL today, positions, actors, alerts' },
  { command: 'positions', description: 'open positions with their stops' },
  { command: 'orders', description: 'our open orders' },
  { command: 'pnl', description: 'PnL today and per preset' },
  { command: 'alerts', description: 'active alerts' },
  { command: 'halt', description: 'emergency stop (asks to confirm): /halt <reason>' },
  { command: 'resume', description: 'leave HALTED' },
  { command: 'enable', description: '/enable <preset | symbol | SYMBOL:preset>' },
  { command: 'disable', description: '/disable <preset | symbol | SYMBOL:preset> [reason]' },
  { command: 'reload', description: 'reload the configuration file and environment' },
  { command: 'help', description: 'this list' },
];

export function helpText(): string {
  return ['bybot admin commands:', ...COMMANDS.map((c) => `/${c.command} - ${c.description}`)].join('\n');
}

function positionLines(s: CockpitStatus): string[] {
  if (s.positions.length === 0) return ['no open positions'];
  return s.positions.map((p) => `${p.symbol} ${p.side} ${p.size} @ ${p.avgPrice} stop ${p.stopLoss > 0 ? p.stopLoss : 'NONE'} target ${p.takeProfit > 0 ? p.takeProfit : '-'} uPnL ${signed(p.unrealisedPnl)}`);
}

export function statusText(s: CockpitStatus): string {
  const states = Object.entries(s.actorsByState)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${n}`)
    .join(', ');
  const lines = [
    `bybot ${s.mode.toUpperCase()} on ${s.venue}`,
    `time ${iso(s.now)}, config ${s.configVersion}`,
    `trading ${s.tradingState}${s.haltReason ? ` (${s.haltReason})` : ''}`,
    `equity ${money(s.equity)}, PnL today ${signed(s.pnlToday)}`,
    `positions (${s.positions.length}):`,
    ...positionLines(s).map((l) => `  ${l}`),
    `actors: ${states || 'none'}${s.disabledActors > 0 ? `; ${s.disabledActors} disabled` : ''}`,
    `active alerts (${s.alerts.length}):`,
    ...(s.alerts.length === 0 ? ['  none'] : s.alerts.slice(0, 10).map((a) => `  [${a.priority}] ${a.title} (x${a.count} since ${iso(a.firstAt)})`)),
  ];
  return lines.join('\n');
}

export function positionsText(s: CockpitStatus): string {
  return [`positions (${s.positions.length}):`, ...positionLines(s)].join('\n');
}

export function ordersText(orders: readonly OrderView[]): string {
  if (orders.length === 0) return 'no open orders of ours';
  return [`open orders (${orders.length}):`, ...orders.map((o) => `${o.symbol} ${o.side} ${o.orderType} ${o.qty} @ ${o.price} ${o.status} ${o.orderLinkId}`)].join('\n');
}

export function pnlText(s: CockpitStatus, presets: readonly PresetRow[]): string {
  return [
    `PnL today ${signed(s.pnlToday)}, equity ${money(s.equity)}`,
    'closed trades per preset (journal):',
    ...presets.map((p) => `  ${p.preset}: ${p.trades} trade(s), win rate ${p.winRatePct === null ? '-' : `${p.winRatePct.toFixed(1)}%`}, net ${signed(p.netPnl)}, ${p.signals} signal(s)`),
  ].join('\n');
}

export function alertsText(s: CockpitStatus): string {
  if (s.alerts.length === 0) return 'no active alerts';
  return [`active alerts (${s.alerts.length}):`, ...s.alerts.map((a) => `[${a.priority}] ${a.title}\n  ${a.message}\n  x${a.count} since ${iso(a.firstAt)}, last ${iso(a.lastAt)}`)].join('\n');
}

export function reloadText(r: ReloadOutcome): string {
  const lines = [`reload ${r.result}: ${r.message}`];
  if (r.changes.length > 0) lines.push(`changed: ${r.changes.join(', ')}`);
  if (r.restarting.length > 0) lines.push(`restarting between cycles: ${r.restarting.join(', ')}`);
  if (r.added.length > 0) lines.push(`added: ${r.added.join(', ')}`);
  if (r.removed.length > 0) lines.push(`removed: ${r.removed.join(', ')}`);
  for (const p of r.problems) lines.push(`  ${p}`);
  return lines.join('\n');
}
