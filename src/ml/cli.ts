import { performance } from 'node:perf_hooks';
import { loadToolConfig } from '../cli/toolConfig.ts';
import { toolFailure } from '../cli/toolExit.ts';
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
  const config = loadToolConfig(args.configPath);
  if (!config) return 2;
  const io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  switch (args.command) {
    case 'train':
      return trainCommand(args, config, io, () => performance.now());
    case 'list':
      return listCommand(args, config, io);
    case 'verify':
      return verifyCommand(args, config, io);
    case 'prune':
      return pruneCommand(args, config, io);
  }
}

try {
  process.exitCode = main();
} catch (error) {
  process.exitCode = toolFailure('ml', error);
}
