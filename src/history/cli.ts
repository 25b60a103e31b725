import { loadToolConfig } from '../cli/toolConfig.ts';
import { BybotError } from '../domain/errors.ts';
import { parseDataArgs } from './cliArgs.ts';
import { checkCommand, downloadCommand, importCommand, listCommand, type Io } from './commands.ts';
import { resolveHistoryDir } from './paths.ts';
import { openHistoryStore } from './store.ts';

/**
 * `npm run data -- <command>`: the history store's command line (import, download, list,
 * check). Exit codes: 0 done / clean, 1 data problems, 2 bad arguments or configuration.
 */
async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseDataArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  if (parsed.kind === 'problems') {
    process.stderr.write(`data: invalid arguments:\n${parsed.problems.map((p) => `  ${p}\n`).join('')}\n${parsed.usage}\n`);
    return 2;
  }
  const { args } = parsed;
  const config = loadToolConfig(args.config);
  if (!config) return 2;
  const store = openHistoryStore(resolveHistoryDir({ historyDir: args['history-dir'], config: config }));
  const io: Io = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    writeErr: (text) => process.stderr.write(text),
    tty: process.stderr.isTTY === true,
    now: () => Date.now(),
  };
  switch (parsed.command) {
    case 'import':
      return importCommand(store, parsed.args, io);
    case 'download':
      return downloadCommand(store, parsed.args, config, io);
    case 'list':
      return listCommand(store, parsed.args, io);
    case 'check':
      return checkCommand(store, parsed.args, io);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Typed errors carry a sentence meant for the user; anything else is a bug worth its stack.
    const text = error instanceof BybotError ? `${error.code}: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`data failed: ${text}\n`);
    process.exit(1);
  },
);
