// npm pack's prepack and postpack: the published package.json carries no install script. A clone
// needs `prepare` (npm ci builds the bundles); an installed package has them built, and npm would
// ask to allow a script that does nothing there.
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';

const file = new URL('../package.json', import.meta.url);
const kept = new URL('../package.json.pack-backup', import.meta.url);
if (process.argv[2] === 'strip') {
  const text = readFileSync(file, 'utf8');
  writeFileSync(kept, text);
  const manifest = JSON.parse(text);
  delete manifest.scripts.prepare;
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
} else if (existsSync(kept)) renameSync(kept, file);
