/**
 * Lint for the shape of src/: every relative import must point to the importer's own folder or to a folder
 * below it in scripts/layers.js, and no files may import each other in a cycle. Prints each violation with
 * the file and the import; exits 1 when there is any. Run by `npm run lint`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LAYERS } from './layers.js';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;

/** Relative imports of a file, resolved to the .ts files they name. */
function importsOf(file: string, known: Set<string>): string[] {
  const text = readFileSync(file, 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const target = path.resolve(path.dirname(file), match[2]!).replace(/\.js$/, '.ts');
    if (known.has(target)) targets.push(target);
  }
  return targets;
}

/** The layer index of a file: its top folder under src/ (root files such as main.ts stand above all). */
function layerOf(file: string): number {
  const top = path.relative(src, file).split(path.sep)[0]!;
  const index = LAYERS.indexOf(top);
  return index === -1 ? (top.endsWith('.ts') ? LAYERS.length : -1) : index;
}

const files = sourceFiles(src);
const known = new Set(files);
const graph = new Map(files.map(file => [file, importsOf(file, known)]));
const show = (file: string): string => path.relative(root, file);
const problems: string[] = [];

for (const file of files) {
  if (layerOf(file) === -1) problems.push(`${show(file)}: its folder is not listed in scripts/layers.js`);
}
for (const [file, targets] of graph) {
  for (const target of targets) {
    if (layerOf(target) > layerOf(file)) {
      problems.push(
        `${show(file)} imports ${show(target)}, which is in a higher folder (see scripts/layers.js)`
      );
    }
  }
}

// Cycles: a depth-first search that reports each cycle once, by the path that closes it.
const state = new Map<string, 'open' | 'done'>();
const trail: string[] = [];
function visit(file: string): void {
  state.set(file, 'open');
  trail.push(file);
  for (const target of graph.get(file) ?? []) {
    if (state.get(target) === 'open') {
      const cycle = trail.slice(trail.indexOf(target)).concat(target);
      problems.push(`import cycle: ${cycle.map(show).join(' → ')}`);
    } else if (!state.has(target)) visit(target);
  }
  trail.pop();
  state.set(file, 'done');
}
files.forEach(file => state.has(file) || visit(file));

if (problems.length > 0) {
  console.error(
    `The import graph of src/ has ${problems.length} problem(s):\n${problems.map(p => `  ${p}`).join('\n')}`
  );
  process.exit(1);
}
console.log(`Import graph of src/: ${files.length} files, no cycle, every import points down the layers.`);
