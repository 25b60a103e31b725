import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { AppConfigSchema } from '../schema.ts';

/**
 * `npm run config:schema [-- --out FILE]`: writes the JSON Schema of the configuration
 * file (for editor completion and validation), generated from the zod schema itself so
 * it cannot drift. Default output: config/schema.json.
 */
const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
const out = outIndex >= 0 ? argv[outIndex + 1] : 'config/schema.json';
if (!out) {
  process.stderr.write('--out: expected a file path (or - for stdout)\n');
  process.exit(2);
}
const schema = z.toJSONSchema(AppConfigSchema, { io: 'input', unrepresentable: 'any' });
const text = `${JSON.stringify({ ...schema, title: 'bybot configuration' }, null, 2)}\n`;
if (out === '-') process.stdout.write(text);
else {
  writeFileSync(out, text);
  process.stdout.write(`wrote ${out}\n`);
}
