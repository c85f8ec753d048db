/**
 * `npm run bundle`: builds dist/ — the action as the runner starts it (`node dist/index.js`) — with esbuild:
 * minified ES modules, a chunk per lazily imported part (storage SDK, GitHub API) so a run parses only
 * what it uses, source maps that name src/ files and lines (node_modules mappings dropped:
 * source-map-filter.ts), the inference server script next to the code that starts it, and the licences of
 * every bundled package. dist/ must stay within the budget of .ci/check-bundle-size.
 */
import { build, type Metafile } from 'esbuild';
import { copyFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filterSourceMap, type SourceMapV3 } from './source-map-filter.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');

/** Bundled CommonJS packages call require() for Node's built-ins; an ES module has no require of its own. */
const REQUIRE_BANNER = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  'const require = __bundleCreateRequire(import.meta.url);'
].join('\n');

async function bundle(): Promise<Metafile> {
  rmSync(DIST, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { index: 'src/index.ts' },
    outdir: DIST,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // ES builds first: jsonc-parser's "main" is a UMD wrapper whose require() calls esbuild cannot follow.
    mainFields: ['module', 'main'],
    target: 'node20',
    minify: true,
    keepNames: false,
    legalComments: 'none',
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: true,
    banner: { js: REQUIRE_BANNER },
    alias: { undici: './scripts/bundle/undici-shim.ts' },
    logLevel: 'warning'
  });
  return result.metafile;
}

/**
 * Every .map in dist/ reduced to the mappings into src/ (see source-map-filter.ts). A chunk with no src/ code
 * (the storage SDK) loses its map and the comment naming it: with source maps on, Node scans every line of a
 * module that names a map when it loads it, for nothing here.
 */
function keepSourceMappingsOnly(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.map')) continue;
    const path = join(entry.parentPath, entry.name);
    const map = JSON.parse(readFileSync(path, 'utf8')) as SourceMapV3;
    const filtered = filterSourceMap(
      map,
      source => /(^|\/)src\//.test(source) && !source.includes('node_modules')
    );
    if (filtered.sources.length > 0) {
      writeFileSync(path, JSON.stringify(filtered));
      continue;
    }
    rmSync(path);
    const code = path.slice(0, -'.map'.length);
    const text = readFileSync(code, 'utf8');
    writeFileSync(code, text.replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, '\n'));
  }
}

/** The package folder of a bundled input (`node_modules/@scope/name/...` → `node_modules/@scope/name`). */
function packageFolder(input: string): string | undefined {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

/**
 * dist/licenses.txt: every package in the bundle with its version and licence; packages whose licence text
 * is the same word for word (most of the Azure SDK) share one copy of it.
 */
function writeLicenses(metafile: Metafile): void {
  const folders = [
    ...new Set(
      Object.keys(metafile.inputs)
        .map(packageFolder)
        .filter(f => f !== undefined)
    )
  ];
  const byText = new Map<string, string[]>();
  for (const folder of folders.sort()) {
    const manifest = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: string;
    };
    const licenseFile = readdirSync(join(ROOT, folder)).find(name => /^(licen[cs]e|copying)/i.test(name));
    const text = licenseFile
      ? readFileSync(join(ROOT, folder, licenseFile), 'utf8').trim()
      : `${manifest.license ?? 'UNKNOWN'} (no licence file in the package)`;
    const packages = byText.get(text) ?? [];
    if (!packages.includes(`${manifest.name}@${manifest.version}`))
      packages.push(`${manifest.name}@${manifest.version}`);
    byText.set(text, packages);
  }
  const sections = [...byText].map(([text, packages]) => `${packages.join('\n')}\n\n${text}`);
  writeFileSync(join(DIST, 'licenses.txt'), `${sections.join('\n\n' + '-'.repeat(80) + '\n\n')}\n`);
}

const metafile = await bundle();
keepSourceMappingsOnly(DIST);
writeLicenses(metafile);
// src/local/local-server.ts finds the script with new URL('./inference_server.py', import.meta.url), and
// every module of the bundle sits in dist/ itself.
copyFileSync(join(ROOT, 'src/local/inference_server.py'), join(DIST, 'inference_server.py'));
writeFileSync(join(DIST, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
