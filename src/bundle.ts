// The entry of the CLI bundle, dist/errlookup.cjs (scripts/build.mjs): the CLI, and the catalog, pack and
// match functions that the report readers' bundle, dist/diagnose.cjs, takes from it, so that there
// is one copy of each and of its caches.
export * from './cli.js';
export * from './edge.js';
export * from './catalog.js';
export * from './match.js';
export * from './pack.js';
