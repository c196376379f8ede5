/**
 * The CLI's entry, dist/cli.cjs. It compiles the CLI bundle (dist/errlookup.cjs) and the bundles
 * it requires (the report readers' dist/diagnose.cjs, the vendors' dist/vendor/) with the V8 code
 * cache that the build wrote beside each one
 * (`<file>.cache`). V8 then skips parsing and compiling the code the cache holds, the functions
 * that the build's warm-up runs reached, a few milliseconds of every start-up.
 *
 * A cache that does not fit (another Node or V8 version, other V8 flags, another source) is
 * rejected by V8 itself, and the code is compiled as usual; so is a bundle without a cache.
 * Node 20 has no module compile cache of its own (module.enableCompileCache is Node 22).
 */
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');

/** A compiled bundle: for the build, which writes each one's cache, and for the test that checks V8 took it. */
interface Compiled {
  file: string;
  /** true when V8 refused the cache, false when it took it, undefined when there was none. */
  cacheRejected: boolean | undefined;
  script: vm.Script;
}

const compiled: Compiled[] = [];
/** The bundles loaded or loading, by path: each is run once, and a cycle gets the exports so far, as with Node's require. */
const modules = new Map<string, { exports: unknown }>();

/** Runs a CommonJS bundle as Node's loader would, but compiled from its code cache. */
function load(file: string): unknown {
  const dir = path.dirname(file);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(`${file}.cache`);
  } catch {
    // No cache (a build that could not write one): V8 compiles as usual.
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, 'utf8')}\n})`, { filename: file, cachedData });
  compiled.push({ file, cacheRejected: cachedData ? script.cachedDataRejected : undefined, script });
  // The bundles' own require: another bundle (the report readers', a vendor's) is loaded here too,
  // with its cache. The bundles require nothing else but Node's builtins, which this file's require gives.
  const module = { exports: {} as unknown };
  modules.set(file, module);
  const bundleRequire = Object.assign((id: string): unknown => {
    if (!id.startsWith('./')) return require(id);
    const bundle = path.join(dir, id);
    return modules.has(bundle) ? modules.get(bundle)!.exports : load(bundle);
  }, require);
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, bundleRequire, module, file, dir);
  return module.exports;
}

const cli = load(path.join(__dirname, 'errlookup.cjs')) as object;
Object.defineProperty(cli, Symbol.for('errlookup.compiled'), { value: compiled });
export = cli;
