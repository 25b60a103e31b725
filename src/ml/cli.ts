import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../config/load.ts';
import { BybotError, ResearchInputError } from '../domain/errors.ts';
import { ML_USAGE, parseMlArgs } from './cliArgs.ts';
import { listCommand, pruneCommand, trainCommand, verifyCommand, type Io } from './commands.ts';

/**
 * `npm run ml -- train|list|verify|prune`: see ML_USAGE and the README's "ML filter".
 * Exit 0 done, 1 failed (a model that fails verification, too few signals), 2 bad arguments
 * or configuration.
 */
function main(): number {
  const parsed = parseMlArgs(process.argv.slice(2));
  if (!parsed.ok) {
    for (const p of parsed.problems) process.stderr.write(`${p}\n`);
    return 2;
  }
  const { args } = parsed;
  if (args.help) {
    process.stdout.write(`${ML_USAGE}\n`);
    return 0;
  }
  const loaded = loadConfig({ env: process.env, configPath: args.configPath, overrides: { log: { level: 'warn', pretty: 'never' } } });
  if (!loaded.ok) {
    process.stderr.write(`configuration invalid (${loaded.problems.length} problem(s)):\n${loaded.problems.map((p) => `  ${p}\n`).join('')}`);
    return 2;
  }
  const io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  switch (args.command) {
    case 'train':
      return trainCommand(args, loaded.config, io, () => performance.now());
    case 'list':
      return listCommand(args, loaded.config, io);
    case 'verify':
      return verifyCommand(args, loaded.config, io);
    case 'prune':
      return pruneCommand(args, loaded.config, io);
  }
}

try {
  process.exitCode = main();
} catch (error) {
  if (error instanceof ResearchInputError) {
    for (const p of error.problems) process.stderr.write(`${p}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`ml failed${error instanceof BybotError ? ` (${error.code})` : ''}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
