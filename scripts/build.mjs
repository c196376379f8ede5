// Builds the bundles: the ESM library that `import … from 'errlookup'` loads, and the CommonJS CLI
// that bin/errlookup.cjs runs. fuse.js and fast-xml-parser are loaded only on the paths that need them.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

// BUILD_MINIFY=0 keeps names readable, for profiles (node --cpu-prof).
const minify = process.env.BUILD_MINIFY !== '0';

// Build beside dist/ and swap it in at the end: a CLI or test running meanwhile never sees a half-built dist/.
const root = new URL('..', import.meta.url);
const staging = new URL('dist.building/', root);
rmSync(staging, { recursive: true, force: true });

const define = {
  ERRLOOKUP_VERSION: JSON.stringify(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version),
  ERRLOOKUP_CHECKED_CATALOGS: JSON.stringify('catalogs.json'),
  ERRLOOKUP_VOCABULARY: JSON.stringify('vocabulary.json'),
  ERRLOOKUP_AUTOMATA: JSON.stringify('automata.bin'),
};

/**
 * The bundles read data/ packed (dist/catalogs.json, dist/vocabulary.json, written below): the
 * code that reads and checks data/ itself is the build's, and is left out of them.
 */
const packedData = {
  name: 'packed-data',
  setup(b) {
    b.onResolve({ filter: /\/data\/read\.js$/ }, () => ({ path: 'read', namespace: 'packed-data' }));
    b.onLoad({ filter: /.*/, namespace: 'packed-data' }, () => ({
      contents: "export function readData() { throw new Error('data/ is read at build time: this bundle reads dist/catalogs.json and dist/vocabulary.json'); }",
      loader: 'js',
    }));
  },
};

// The library, for `import … from 'errlookup'`: ESM, with fuse.js and fast-xml-parser in chunks of their own.
await build({
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist.building',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify,
  legalComments: 'linked',
  sourcemap: false,
  // Chunks sit beside the entries, so `../data/` and `../package.json` resolve the same from every file.
  chunkNames: '[name]-[hash]',
  // commander 14 is CommonJS and calls require(): give the ESM bundle a require of its own.
  banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
  plugins: [builtinShim, packedData],
  define,
  logLevel: 'warning',
});

/**
 * The CLI, for bin/errlookup.cjs: CommonJS, because Node starts a CommonJS entry about 5 ms faster
 * than an ES module, and the exact-code target leaves no room for that. Each dependency is a bundle
 * of its own in dist/vendor/, required only on the paths that need it, so a start-up compiles just
 * errlookup's own code.
 */
const VENDORED = { commander: 'commander', 'fuse.js': 'fuse', 'fast-xml-parser': 'fxp' };
const vendorExternal = {
  name: 'vendor-external',
  setup(b) {
    b.onResolve({ filter: /^(commander|fuse\.js|fast-xml-parser)$/ }, (args) => ({ path: `./vendor/${VENDORED[args.path]}.cjs`, external: true }));
  },
};
const cjs = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify,
  legalComments: 'linked',
  logLevel: 'warning',
  // import() becomes require(): a real import() of a vendor file would start Node's ES module loader, about 10 ms.
  supported: { 'dynamic-import': false },
};
// Only the CommonJS bundles find their files by __dirname (src/pack.ts, besideBundle): an ES module may see a global one.
const cjsDefine = { ...define, ERRLOOKUP_CJS: 'true' };
/**
 * The report readers (src/diagnose.ts and src/input/) are a bundle of their own, dist/diagnose.cjs,
 * required only when there is a report to read: a lookup compiles none of their code. They take
 * the catalog and match functions from the CLI bundle, which exports them for this (src/bundle.ts),
 * so there is one copy of each and of its caches.
 */
const SHARED = /^\.\.?\/(?:match|catalog|pack)\.js$/;
const diagnoseExternal = {
  name: 'diagnose-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/diagnose\.js$/ }, () => ({ path: './diagnose.cjs', external: true }));
  },
};
const sharedExternal = {
  name: 'shared-external',
  setup(b) {
    b.onResolve({ filter: SHARED }, () => ({ path: './errlookup.cjs', external: true }));
  },
};
await build({
  ...cjs,
  entryPoints: { diagnose: 'src/diagnose.ts' },
  outdir: 'dist.building',
  outExtension: { '.js': '.cjs' },
  define: cjsDefine,
  plugins: [vendorExternal, sharedExternal, packedData],
});
// The command line's fast path (src/argv.ts): the main command's options, read off commander's own
// definition of the program, written into the CLI bundle.
const describer = new URL('describe.mjs', staging);
await build({
  stdin: {
    contents: "import { buildProgram } from './src/program.ts'; import { describeCommandLine } from './src/argv.ts'; export const table = describeCommandLine(buildProgram({ argv: [], env: {}, stdin: [], stdoutIsTTY: false, write() {}, writeError() {} }, { main: async () => {}, listing: async () => 0, setExit() {} }, '0'));",
    resolveDir: '.',
    loader: 'ts',
  },
  outfile: describer.pathname,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  plugins: [packedData],
  define,
  logLevel: 'warning',
});
const { table: commandLine } = await import(describer.href);
rmSync(describer);

await build({
  ...cjs,
  entryPoints: { errlookup: 'src/bundle.ts' },
  outdir: 'dist.building',
  outExtension: { '.js': '.cjs' },
  // A CommonJS bundle has no import.meta: `new URL('../data/', import.meta.url)` gets the file's URL from __filename.
  define: { ...cjsDefine, 'import.meta.url': '__errlookupUrl', ERRLOOKUP_COMMAND_LINE: JSON.stringify(commandLine) },
  // A plain POSIX path is its own file URL: pathToFileURL costs about 0.25 ms of every start-up, so it is kept for other paths.
  banner: { js: "var __errlookupUrl = /^\\/[\\w\\/.@+-]*$/.test(__filename) ? 'file://' + __filename : require('node:url').pathToFileURL(__filename).href;" },
  plugins: [vendorExternal, diagnoseExternal, packedData],
});
// dist/cli.cjs, the entry: runs dist/errlookup.cjs and the vendor bundles from their code caches (src/boot.cts).
await build({ ...cjs, entryPoints: { cli: 'src/boot.cts' }, outdir: 'dist.building', outExtension: { '.js': '.cjs' } });
// Each entry is `module.exports = require(pkg)`, so a package that also ships ESM gives its CommonJS build,
// whose module.exports the CLI's `import()` unwraps the same way Node would.
const vendorEntries = {
  name: 'vendor-entries',
  setup(b) {
    b.onResolve({ filter: /^vendor:/ }, (args) => ({ path: args.path.slice('vendor:'.length), namespace: 'vendor' }));
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, resolveDir: '.', loader: 'js' }));
  },
};
await build({
  ...cjs,
  entryPoints: Object.fromEntries(Object.entries(VENDORED).map(([pkg, name]) => [name, `vendor:${pkg}`])),
  outdir: 'dist.building/vendor',
  outExtension: { '.js': '.cjs' },
  plugins: [vendorEntries],
});

// data/ checked once, here (a bad file fails the build), and written in the packed forms the
// bundles read: the catalogs (packCatalogs and openCatalogs in src/pack.ts) and the vocabulary
// that reads raw text, with every hint derived (vocabularySource in src/vocabulary.ts). The
// packer is bundled on its own for this step and not shipped.
const packer = new URL('packer.mjs', staging);
await build({
  stdin: { contents: "export { readData } from './src/data/read.ts'; export { catalogOf } from './src/catalog.ts'; export { packCatalogs } from './src/pack.ts'; export { vocabularySource, compileVocabulary } from './src/vocabulary.ts'; export { buildAutomata } from './src/input/automata.ts'; export { writeAutomata } from './src/literals.ts';", resolveDir: '.', loader: 'ts' },
  outfile: packer.pathname,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const { readData, catalogOf, packCatalogs, vocabularySource, compileVocabulary, buildAutomata, writeAutomata } = await import(packer.href);
const data = readData(new URL('../data/', import.meta.url));
writeFileSync(new URL('catalogs.json', staging), packCatalogs(data.providers.map((p, _, all) => catalogOf(p, all))));
// With the hint tables' automata built here: building them costs a start-up some 8 ms (src/literals.ts).
const vocabulary = vocabularySource(data);
writeFileSync(new URL('vocabulary.json', staging), JSON.stringify(vocabulary));
writeFileSync(new URL('automata.bin', staging), writeAutomata(buildAutomata(compileVocabulary(vocabulary))));
rmSync(packer);

// Type declarations for the library entry (package.json "types").
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', 'dist.building'], { stdio: 'inherit' });
// …and for the CLI bundle, whose run() the tests drive in-process.
copyFileSync(new URL('cli.d.ts', staging), new URL('cli.d.cts', staging));

// The V8 code caches, written by a warm-up in a fresh node (scripts/code-cache.mjs): the caches hold
// what that run compiled, and V8 takes a cache only from a process with the same flags.
execFileSync(process.execPath, ['scripts/code-cache.mjs', 'dist.building'], { stdio: 'inherit' });

const old = new URL('dist.old/', root);
rmSync(old, { recursive: true, force: true });
try {
  renameSync(new URL('dist/', root), old);
} catch {
  // First build: there is no dist/ yet.
}
renameSync(staging, new URL('dist/', root));
rmSync(old, { recursive: true, force: true });
