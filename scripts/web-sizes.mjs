// Gzip sizes of a built web app: what the first visit loads (index.html's script, preloads and CSS)
// and each chunk loaded later. `node scripts/web-sizes.mjs [web/console]` after a build.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dir = `${process.argv[2] ?? 'web/console'}/dist`;
const html = readFileSync(`${dir}/index.html`, 'utf8');
const first = [...html.matchAll(/(?:src|href)="\/(?:m\/)?(assets\/[^"]+)"/g)].map((m) => m[1]);
const kb = (file) => gzipSync(readFileSync(`${dir}/${file}`), { level: 9 }).length / 1024;
const row = (label, file, size) => console.log(`${label.padEnd(6)} ${size.toFixed(1).padStart(7)} kB  ${file}`);

let firstTotal = 0;
for (const f of first) {
  const size = kb(f);
  firstTotal += size;
  row('first', f, size);
}
let lazyTotal = 0;
for (const f of readdirSync(`${dir}/assets`).sort()) {
  if (first.includes(`assets/${f}`)) continue;
  const size = kb(`assets/${f}`);
  lazyTotal += size;
  row('later', `assets/${f}`, size);
}
console.log(`first visit: ${firstTotal.toFixed(1)} kB gzip; loaded later as needed: ${lazyTotal.toFixed(1)} kB gzip`);
