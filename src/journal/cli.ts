import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { toBybotError } from '../domain/errors.ts';
import { Journal } from './journal.ts';
import { journalIdentity, journalPath, resolveDataDir } from './openJournal.ts';
import { tradesToCsv } from './tradeCsv.ts';
import { pruneLogFiles } from './logRetention.ts';

/**
 * `npm run journal -- <command> [--config FILE] [--db FILE] [--out FILE] [--days N]`
 *   export csv   one row per closed trade -> trade_journal.csv (or --out)
 *   backup       online backup -> <dataDir>/backups/bybot-<UTC time>.db (or --out)
 *   verify       PRAGMA integrity_check + the order-event checksum chain; exit 1 if broken
 *   prune        apply the retention (journal.retentionDays, or --days) to rows and log files
 *   stats        row counts, size, schema version
 *   init         create a new, empty journal (the only way to replace a zero-length file)
 * Works on the database a (dry-)run left behind, also while the bot runs (WAL).
 */
const USAGE = `Usage: npm run journal -- export csv | backup | verify | prune | stats | init   [--config FILE] [--db FILE] [--out FILE] [--days N]`;

const HELP = `${USAGE}

Works on the journal a (dry-)run left behind, also while the bot runs.

Commands:
  export csv   one row per closed trade -> trade_journal.csv (or --out FILE)
  backup       online backup -> <journal.dataDir>/backups/bybot-<UTC time>.db (or --out FILE), checked after writing
  verify       SQLite integrity check + the order-event checksum chain; exit 1 if broken
  prune        retention: delete analysis rows and log files older than journal.retentionDays (or --days N)
  stats        row counts, size, schema version

Options:
  --config FILE   configuration file (the journal is <journal.dataDir>/bybot.db)
  --db FILE       journal database file (overrides --config)
  --out FILE      output file of export / backup
  --days N        prune: keep the last N days
  --help, -h      this text

Exit codes: 0 ok, 1 failed (e.g. verify found damage), 2 bad arguments or configuration.`;

interface Args {
  readonly command: string[];
  readonly flags: Record<string, string>;
  readonly help: boolean;
}

function parse(argv: readonly string[]): Args | string {
  const command: string[] = [];
  const flags: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      help = true;
      continue;
    }
    if (!a.startsWith('--')) {
      command.push(a);
      continue;
    }
    const name = a.slice(2);
    if (!['config', 'db', 'out', 'days'].includes(name)) return `unknown option ${a}`;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) return `${a} needs a value`;
    flags[name] = value;
    i++;
  }
  return { command, flags, help };
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const loaded = loadConfig({ env: process.env, configPath: args.flags.config });
  if (!loaded.ok) {
    process.stderr.write(`configuration invalid:\n${loaded.problems.map((p) => `  ${p}\n`).join('')}`);
    return 2;
  }
  const config = loaded.config;
  const dbPath = args.flags.db ? resolve(args.flags.db) : journalPath(config);
  const [command, sub] = args.command;
  const known = new Set(['export', 'backup', 'verify', 'prune', 'stats', 'init']);
  if (!command || !known.has(command) || (command === 'export' && sub !== 'csv')) {
    process.stderr.write(`${command ? `unknown command "${args.command.join(' ')}"` : 'missing command'}\n${USAGE}\n`);
    return 2;
  }
  if (command === 'init') return init(dbPath, config);
  let journal: Journal;
  try {
    // Only `init` creates a journal: the other commands never turn a typo into a new empty file.
    journal = Journal.open(dbPath, { readonly: command === 'export' || command === 'verify' || command === 'stats', allowNew: false });
  } catch (error) {
    const typed = toBybotError(error);
    process.stderr.write(`${typed.code}: ${typed.message}\n`);
    return 1;
  }
  try {
    if (command === 'export') {
      const trades = journal.closedTrades();
      const out = resolve(args.flags.out ?? 'trade_journal.csv');
      writeFileSync(out, tradesToCsv(trades));
      const net = trades.reduce((sum, t) => sum + t.netPnl, 0);
      process.stdout.write(`${JSON.stringify({ written: out, trades: trades.length, netPnl: Number(net.toFixed(4)) })}\n`);
    } else if (command === 'backup') {
      const out = resolve(args.flags.out ?? join(resolveDataDir(config), 'backups', `bybot-${stamp(Date.now())}.db`));
      await journal.backup(out);
      const check = Journal.open(out, { readonly: true });
      const report = check.verify();
      check.close();
      process.stdout.write(`${JSON.stringify({ written: out, bytes: statSync(out).size, integrity: report.ok ? 'ok' : report.sqlite, orderEvents: report.orderEvents })}\n`);
      if (!report.ok) return 1;
    } else if (command === 'verify') {
      const report = journal.verify();
      process.stdout.write(`${JSON.stringify({ db: dbPath, ...report })}\n`);
      return report.ok ? 0 : 1;
    } else if (command === 'prune') {
      const days = args.flags.days !== undefined ? Number(args.flags.days) : config.journal.retentionDays;
      if (!Number.isInteger(days) || days < 1) {
        process.stderr.write(`--days: must be a whole number of days >= 1, got ${args.flags.days}\n`);
        return 2;
      }
      const cutoff = Date.now() - days * 86_400_000;
      const removed = journal.prune(cutoff);
      const logFiles = pruneLogFiles(join(resolveDataDir(config), 'logs'), cutoff);
      process.stdout.write(`${JSON.stringify({ db: dbPath, olderThanDays: days, removed, logFiles })}\n`);
    } else {
      process.stdout.write(`${JSON.stringify({ db: dbPath, schemaVersion: journal.schemaVersion(), bytes: journal.sizeBytes(), rows: journal.counts() })}\n`);
    }
    return 0;
  } finally {
    journal.close();
  }
}

/**
 * A new journal, migrated and stamped with this configuration's mode and venue. An existing
 * journal is never touched; a zero-length file (which the bot refuses as corrupt) is
 * replaced, because running init on it is the operator saying "start a new journal here".
 */
function init(dbPath: string, config: Parameters<typeof journalIdentity>[0]): number {
  let size = -1;
  try {
    size = statSync(dbPath).size;
  } catch {
    // absent: created below
  }
  if (size > 0) {
    process.stderr.write(`journal ${dbPath} already exists (${size} bytes); init only creates new journals (back it up and move it away first)\n`);
    return 2;
  }
  try {
    if (size === 0) rmSync(dbPath);
    const journal = Journal.open(dbPath);
    journal.bindIdentity(journalIdentity(config));
    const version = journal.schemaVersion();
    journal.close();
    process.stdout.write(`${JSON.stringify({ created: dbPath, schemaVersion: version, ...journalIdentity(config), replacedEmptyFile: size === 0 })}\n`);
    return 0;
  } catch (error) {
    const typed = toBybotError(error);
    process.stderr.write(`${typed.code}: ${typed.message}\n`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`journal command failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
