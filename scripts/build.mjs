// Builds the single-file ESM bundles that `bin/errlookup.js` and library users load.
// fuse.js and fast-xml-parser go into chunks of their own, loaded only on the paths that need them.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * `import { readFileSync } from 'node:fs'` in an ES module makes Node build an ESM facade of the
 * whole builtin, about 9 ms of every start-up. The bundle takes builtins from
 * process.getBuiltinModule (Node 20.16+) instead, through a shim listing each builtin's exports.
 */
const builtinShim = {
  name: 'builtin-shim',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtinModules.includes(name) || args.namespace === 'builtin-shim') return undefined;
      return { path: name, namespace: 'builtin-shim' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-shim' }, (args) => {
      const names = Object.keys(require(`node:${args.path}`)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
      return {
        contents: `const m = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});\nexport default m;\nexport const { ${names.join(', ')} } = m;\n`,
        loader: 'js',
      };
    });
  },
};

// Build beside dist/ and swap it in at the end: a CLI or test running meanwhile never sees a half-built dist/.
const root = new URL('..', import.meta.url);
const staging = new URL('dist.building/', root);
rmSync(staging, { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts' },
  outdir: 'dist.building',
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
  banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
  plugins: [builtinShim],
  define: { ERRLOOKUP_VERSION: JSON.stringify(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version) },
  logLevel: 'warning',
});

// Type declarations for the library entry (package.json "types").
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', 'dist.building'], { stdio: 'inherit' });

const old = new URL('dist.old/', root);
rmSync(old, { recursive: true, force: true });
try {
  renameSync(new URL('dist/', root), old);
} catch {
  // First build: there is no dist/ yet.
}
renameSync(staging, new URL('dist/', root));
rmSync(old, { recursive: true, force: true });
