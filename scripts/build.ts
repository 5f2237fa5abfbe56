/**
 * Builds dist/, what the npm package runs: one ES module per entry point in package.json's
 * `exports` (the sources are api/<name>.ts, read from its `types` path) plus dist/cli.js for
 * bin/faultline.js, bundled by esbuild with shared chunks, dependencies left to node_modules.
 * `--types` also writes the declarations (tsc, tsconfig.build.json) into dist/types/.
 *
 *   node --import tsx scripts/build.ts [--types]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { build, transform, type Plugin } from 'esbuild';
import { buildClientScript, PREBUILT_ASSETS } from '../reports/client-bundle.ts';
import { STAMP } from './dist-state.mjs';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');

interface ExportTarget {
  types: string;
  default: string;
}

/** `{ index: 'api/index.ts', checkers: 'api/checkers.ts', …, cli: 'cli/entry.ts' }`, from package.json. */
export function entryPoints(manifest: { exports: Record<string, string | ExportTarget> }): Record<string, string> {
  const entries: Record<string, string> = { cli: 'cli/entry.ts' };
  for (const target of Object.values(manifest.exports)) {
    if (typeof target === 'string') continue; // ./package.json
    const name = /^\.\/dist\/([\w-]+)\.js$/.exec(target.default)?.[1];
    const source = /^\.\/dist\/types\/(.+)\.d\.ts$/.exec(target.types)?.[1];
    if (!name || !source) throw new Error(`package.json exports: expected ./dist/NAME.js and ./dist/types/PATH.d.ts, got ${JSON.stringify(target)}`);
    entries[name] = `${source}.ts`;
  }
  return entries;
}

/**
 * Bundled code shares its chunk's `import.meta.url`, so a module that finds files beside itself
 * (a database's Dockerfile, a tool's C sources) would look in dist/. Each such module gets
 * the URL its source has in the package instead; the package ships those files at the same paths.
 */
export function sourceLocation(root: string): Plugin {
  return {
    name: 'source-location',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.')) return undefined;
        const path = relative(root, args.path).split(sep).join('/');
        const { code } = await transform(text, {
          loader: 'ts',
          format: 'esm',
          sourcefile: path,
          tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
          define: { 'import.meta.url': '__sourceUrl', 'import.meta.dirname': '__sourceDir', 'import.meta.filename': '__sourceFile' },
        });
        // Every output file sits in dist/, one level below the package root.
        const header = [`const __sourceUrl = new URL(${JSON.stringify(path)}, new URL('..', import.meta.url)).href;`];
        if (/import\.meta\.(dirname|filename)/.test(text)) {
          header.unshift(`import { fileURLToPath as __toPath } from 'node:url';`);
          header.push('const __sourceFile = __toPath(__sourceUrl);', `const __sourceDir = __toPath(new URL('.', __sourceUrl)).replace(/[\\\\/]$/, '');`);
        }
        return { contents: `${header.join('\n')}\n${code}`, loader: 'js' };
      });
    },
  };
}

export async function buildDist(options: { types?: boolean } = {}): Promise<void> {
  const startedAt = Date.now();
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: entryPoints(manifest),
    outdir: dist,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [sourceLocation(root)],
    // reports/client-bundle.ts then reads the page's script and stylesheet prebuilt below.
    define: { FAULTLINE_BUNDLED: 'true' },
  });
  const client = await buildClientScript();
  writeFileSync(join(root, PREBUILT_ASSETS.script), client.script);
  copyFileSync(join(root, 'reports', 'client', 'report.css'), join(root, PREBUILT_ASSETS.style));
  if (options.types) execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  const clientInputs = [...client.inputs.map((f) => relative(root, f).split(sep).join('/')), 'reports/client/report.css'];
  const inputs = [...new Set(['package.json', ...Object.keys(result.metafile.inputs), ...clientInputs])].filter((f) => !f.startsWith('node_modules/'));
  writeFileSync(join(root, STAMP), `${JSON.stringify({ startedAt, inputs }, null, 1)}\n`);
}

if (process.argv[1] === import.meta.filename) {
  const t0 = performance.now();
  await buildDist({ types: process.argv.includes('--types') });
  process.stderr.write(`faultline: built dist/ in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
