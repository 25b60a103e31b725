import { buildSync } from 'esbuild';
import { projectPath } from '../projectRoot.ts';

/**
 * The bundle `npm start` runs (`npm run build`: src/main.ts -> dist/main.mjs): every module
 * of the repository in one ES module, the npm packages left as imports. Running it with
 * plain node instead of the tsx loader saves the loader's thread and its copies of the
 * sources: 44 MB of RSS at 100 actors (205 -> 161 MB in the live bench). The source map
 * is written next to it but not loaded by default: `NODE_OPTIONS=--enable-source-maps`
 * makes stack traces name the TypeScript files, for about 25 MB more. The live and
 * actor-memory benches bundle their child processes the same way, so they measure this.
 * `entry` and `outfile` are relative to the repository; the absolute outfile is returned.
 */
export function bundle(entry: string, outfile: string): string {
  buildSync({
    entryPoints: [projectPath(entry)],
    outfile: projectPath(outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  return projectPath(outfile);
}
