/**
 * Builds pypi-names.bloom from a PyPI name list (a TSV whose first column is the name, first line the
 * column names): `npx tsx emulator/providers/machine-learning/package-index/build-package-index.ts <pypi.tsv>`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BLOOM_BITS, bloomPositions, normalizePackageName } from './package-index.js';

const [source] = process.argv.slice(2);
if (!source) throw new Error('usage: build-package-index.ts <pypi.tsv>');
const names = new Set(
  readFileSync(source, 'utf8')
    .split('\n')
    .slice(1)
    .map(line => line.split('\t')[0]!)
    .filter(Boolean)
    .map(normalizePackageName)
);
const bits = Buffer.alloc(BLOOM_BITS / 8);
for (const name of names) for (const bit of bloomPositions(name)) bits[bit >> 3]! |= 1 << (bit & 7);
writeFileSync(new URL('./pypi-names.bloom', import.meta.url), bits);
process.stdout.write(`${names.size} names, ${bits.length} bytes\n`);
