import { bundle } from './bundle.ts';

/** `npm run build` (run by `npm start` first): src/main.ts -> dist/main.mjs. */
const outfile = bundle('src/main.ts', 'dist/main.mjs');
process.stderr.write(`built ${outfile}\n`);
