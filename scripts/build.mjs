// Builds the single-file ESM bundles that `bin/errlookup.js` and library users load.
// fuse.js and fast-xml-parser go into chunks of their own, loaded only on the paths that need them.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  sourcemap: false,
  // Chunks sit beside the entries, so `../data/` and `../package.json` resolve the same from every file.
  chunkNames: '[name]-[hash]',
  // commander 14 is CommonJS and calls require(): give the ESM bundle a require of its own.
  banner: { js: "import { createRequire as __errlookupCreateRequire } from 'node:module'; const require = __errlookupCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// Type declarations for the library entry (package.json "types").
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
